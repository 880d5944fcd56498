package shutdowndemo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/memnet"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/render"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
)

// counts is a variant's name, role, ok, failed and expected failures.
type counts struct {
	name             string
	role             report.Role
	ok, failed, expd int
}

func variantCounts(p report.Pattern) []counts {
	var out []counts
	for _, v := range p.Variants {
		out = append(out, counts{v.Name, v.Role, v.OK, v.Failed, v.Expected})
	}
	return out
}

// wantScenarios is what the demo measures at its default sizes, whatever
// the scale or the network: the counts do not depend on timing. Every
// failure of a variant that is not Bad is an expected one.
var wantScenarios = []struct {
	slides    string
	counts    []counts
	noticeHas []string // in virtual time; in real time, the ones without figures
	// (the goroutine counts are the test bubble's: the test, the sampler, ...)
}{
	{"14-15", []counts{{"ignores ctx", report.Bad, 11, 39, 0}, {"r.Context()", report.Fix, 10, 40, 40}},
		[]string{"39 more API calls for nobody", "1 goroutine busy", "stopped 0µs after, within one call: 39 calls saved, the rest of the " +
			render.DurOf(5*time.Second) + " job (slide 15's \"~5 seconds\" is all of it; this client stayed " + render.DurOf(ClientPatience) + " first)",
			"http.CloseNotifier (slide 14) is deprecated since Go 1.11"}},
	{"14-15", []counts{{"Close at once", report.Bad, 0, 20, 0}, {"Shutdown", report.Fix, 20, 0, 0}, {"Shutdown+Close", report.Fix, 18, 2, 2}},
		[]string{"20 in flight at the signal: Close at once finished 0; Shutdown finished 20", ": 18, 2 cut off.", "refused: 5/5/5 of 5", "Goroutines back to 4"}},
	{"14-15", []counts{{"deploy r.ctx", report.Bad, 3, 5, 0}, {"deploy detach", report.Fix, 8, 0, 0}, {"read r.ctx", report.Fix, 3, 5, 5}},
		[]string{"did 3 of 8 steps, no release recorded: half-deployed", "did 8 of 8, release recorded", "rightly stopped at 3 of 8"}},
	{"23", []counts{{"no exit", report.Bad, 0, 20, 0}, {"ctx.Done()", report.Fix, 20, 0, 0}},
		[]string{"20 loops with no exit still running (goroutines 4 -> 24)", "ended with their requests (4 -> 4)"}},
}

// checkScenarios checks rep against wantScenarios. In real time (exact
// false), a loaded machine can move the moment a disconnect is noticed by a
// call or two, so the counts that depend on it are checked for their sense
// only: the job on r.Context() stopped early, the read and the deployment
// on the request's context stopped before their end.
func checkScenarios(t *testing.T, rep report.Report, exact bool) {
	t.Helper()
	if len(rep.Patterns) != len(wantScenarios) {
		t.Fatalf("%d scenarios, want %d", len(rep.Patterns), len(wantScenarios))
	}
	for i, want := range wantScenarios {
		p := rep.Patterns[i]
		if p.Pattern != pattern || p.Slides != want.slides {
			t.Errorf("scenario %d is %s slides %s, want %s slides %s", i, p.Pattern, p.Slides, pattern, want.slides)
		}
		got := variantCounts(p)
		if !exact {
			got, want.counts = loosen(got), loosen(want.counts)
		}
		if fmt.Sprint(got) != fmt.Sprint(want.counts) {
			t.Errorf("%s: variants %v, want %v", p.Scenario, got, want.counts)
		}
		for _, s := range want.noticeHas {
			if !exact && strings.ContainsAny(s, "0123456789") {
				continue
			}
			if !strings.Contains(p.Notice, s) {
				t.Errorf("%s: notice %q lacks %q", p.Scenario, p.Notice, s)
			}
		}
		for _, v := range p.Variants {
			if v.Partial || v.OK+v.Failed != p.Items {
				t.Errorf("%s/%s: partial %v, ok+failed %d of %d", p.Scenario, v.Name, v.Partial, v.OK+v.Failed, p.Items)
			}
			if v.Role != report.Bad && v.Unexpected() != 0 {
				t.Errorf("%s/%s: %d unexpected failures (%s)", p.Scenario, v.Name, v.Unexpected(), v.Notes)
			}
		}
	}
}

// loosen replaces the counts of the variants that stop with a client
// leaving, or with Close, by whether they stopped early at all: in real
// time on a loaded machine (the whole suite under -race on two cores) the
// goroutine that closes can run after some requests' work is done.
func loosen(cs []counts) []counts {
	out := append([]counts(nil), cs...)
	for i, c := range out {
		switch c.name {
		case "r.Context()", "deploy r.ctx", "read r.ctx", "Close at once":
			out[i] = counts{c.name, c.role, boolInt(c.ok > 0), boolInt(c.failed > 0), boolInt(c.expd > 0)}
		}
	}
	return out
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestRunInBubble runs the whole demo at scale 1 over the in-memory
// network, in virtual time, and checks its figures and its exact times.
func TestRunInBubble(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		env := report.NewEnv(1, 1, nil)
		if err := run(t.Context(), env, memnet.New()); err != nil {
			t.Fatal(err)
		}
		rep := env.Rec.Report()
		checkScenarios(t, rep, true)
		wall := func(i, j int) time.Duration {
			return time.Duration(rep.Patterns[i].Variants[j].WallMS * float64(time.Millisecond))
		}
		// Walls include each variant's clean-up, whose goroutines may
		// take a 1ms poll to go: the exact times are checked variant by
		// variant (TestCreateAndLeave, TestSignalInFlight, ...). Here:
		// the job ignoring its context runs its whole 5s, the one on
		// r.Context() ends when the client leaves (plus the one call
		// the demo waits to see if the handler is still busy).
		if wall(0, 0) < ClusterCalls*APICallLatency || wall(0, 1) >= ClientPatience+2*APICallLatency {
			t.Errorf("scenario 1 walls %v, %v; want 5s and %v, plus clean-up", wall(0, 0), wall(0, 1), ClientPatience+APICallLatency)
		}
		// The leak's walls are the job and the three ticks the demo
		// watches, the same for both loops, give or take a poll:
		// stopping the server does not wait in vain for the leaked loops
		// to go (it used to burn its whole settleWithin).
		leak := LeaseJob + leakWatch*LeaseEvery
		for j := range 2 {
			if got := wall(3, j); got < leak || got > leak+2*time.Millisecond {
				t.Errorf("%s wall %v, want %v, plus a poll or two", rep.Patterns[3].Variants[j].Name, got, leak)
			}
		}
	})
}

// TestRunOverLoopback is the real thing: real sockets, real time, at the
// demo's default scale. The counts are the same as in virtual time.
func TestRunOverLoopback(t *testing.T) {
	// Real sockets end asynchronously: wait for them here, so the
	// goroutine counts of the tests in virtual time are exact.
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	if testing.Short() {
		t.Skip("runs the demo for about 3s")
	}
	env := report.NewEnv(0.2, 1, nil)
	if err := Run(t.Context(), env); err != nil {
		t.Fatal(err)
	}
	checkScenarios(t, env.Rec.Report(), false)
}

// TestRunCancelled cancels the demo at many moments: Run returns the
// context's error at once each time, in virtual time: no variant waits for
// anything after Ctrl-C (a detached deployment ends with the run), but
// for a drain. That one is the lesson's own shutdown.Serve, which has no
// way to be interrupted: the demo closes the server, and Serve returns at
// Shutdown's next look at its connections, at most 500ms plus 10% jitter
// later.
func TestRunCancelled(t *testing.T) {
	var whole time.Duration
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		if err := run(t.Context(), report.NewEnv(1, 1, nil), memnet.New()); err != nil {
			t.Fatal(err)
		}
		whole = time.Since(start)
	})
	// Shutdown's poll has jitter: the whole run varies by a few ms.
	for at := time.Duration(0); at < whole-100*time.Millisecond; at += 331 * time.Millisecond {
		synctest.Test(t, func(t *testing.T) {
			env := report.NewEnv(1, 1, nil)
			ctx, cancel := context.WithCancel(t.Context())
			time.AfterFunc(at, cancel)
			start := time.Now()
			err := run(ctx, env, memnet.New())
			if err == nil {
				t.Fatalf("not cancelled at %v: the demo took %v before", at, whole)
			}
			lag := time.Since(start) - at
			pats := env.Rec.Report().Patterns
			last := pats[len(pats)-1]
			var allowed time.Duration
			if n := len(last.Variants); n > 0 && strings.HasPrefix(last.Variants[n-1].Name, "Shutdown") {
				allowed = 550 * time.Millisecond // Shutdown's longest poll
			}
			if !errors.Is(err, context.Canceled) || lag < 0 || lag > allowed {
				t.Errorf("cancelled at %v: returned %v after with %v; want at most %v", at, lag, err, allowed)
			}
			if n := len(last.Variants); n > 0 && !last.Variants[n-1].Partial {
				t.Errorf("cancelled at %v: the last variant (%s) is not marked partial", at, last.Variants[n-1].Name)
			}
		})
	}
}
