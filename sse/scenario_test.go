package sse

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
)

// The self-running demo over real sockets: the blocking broadcast stalls
// every client; slide 17's evicts the slow one and the fast ones get every
// event in order; goroutines come back after shutdown.
func TestRun(t *testing.T) {
	env := report.NewEnv(0.2, 1, nil)
	if err := Run(t.Context(), env); err != nil {
		t.Fatal(err)
	}
	rep := env.Rec.Report()
	if len(rep.Patterns) != 1 {
		t.Fatalf("%d scenarios, want 1", len(rep.Patterns))
	}
	p := rep.Patterns[0]
	if p.Pattern != "sse" || p.Slides != "16-17" || p.Items != defaultClients || len(p.Variants) != 2 {
		t.Fatalf("scenario %+v", p)
	}
	bad, good := p.Variants[0], p.Variants[1]
	if bad.Name != "blocking send" || bad.OK != 0 || bad.Failed != defaultClients || bad.BoundMS != 0 ||
		!strings.Contains(bad.Notes, "stopped by the demo's deadline (800ms)") ||
		!strings.Contains(bad.Notes, "5 x stalled behind the slow client") {
		t.Errorf("blocking send: %+v, want every client stalled until the deadline, and no bound", bad)
	}
	if good.Name != "select+default" || good.OK != defaultClients-1 || good.Failed != 1 ||
		!strings.Contains(good.Notes, "1 x slow client evicted after") {
		t.Errorf("select+default: %+v, want the fast ones ok and the slow one evicted", good)
	}
	for _, v := range p.Variants {
		if v.PeakInflight != defaultClients {
			t.Errorf("%s: peak in flight %d, want all %d clients connected at once", v.Name, v.PeakInflight, defaultClients)
		}
	}
	if !strings.Contains(p.Notice, "select+default: all 100 to 5 fast clients in") {
		t.Errorf("notice %q", p.Notice)
	}
	t.Log(p.Notice)
}

// The measured details behind the notice.
func TestDemoOutcome(t *testing.T) {
	d := demo{clients: 4, interval: 4 * time.Millisecond, slowEvery: 40 * time.Millisecond, seed: 1}
	env := report.NewEnv(0.2, 1, nil)
	sc := env.Rec.Scenario("sse", "16-17", "test", d.clients)
	var out outcome
	sc.Measure(t.Context(), report.Spec{Name: "good"}, func(ctx context.Context, p *report.Probe) []error {
		out = d.run(ctx, p, false)
		return out.errs
	})
	if out.evicted != 1 || out.slowGot <= 0 || out.slowGot >= events || out.fastMin != events {
		t.Errorf("outcome %+v: want 1 evicted after some events, and every fast client with all %d", out, events)
	}
	var ev evictedError
	if !errors.As(out.errs[d.clients-1], &ev) || ev.got != out.slowGot {
		t.Errorf("slow client's error %v, want evictedError{%d}", out.errs[d.clients-1], out.slowGot)
	}
	if n := ours(); n != 0 {
		t.Errorf("%d of the demo's goroutines left after it", n)
	}
	if out.goroutinesAfter > out.goroutinesBefore {
		t.Errorf("goroutines %d after shutdown, %d before", out.goroutinesAfter, out.goroutinesBefore)
	}
}

// Cancelled mid-run (Ctrl-C), Run returns the context's error promptly,
// and the partial row blames Ctrl-C, not the slow client.
func TestRunCancelled(t *testing.T) {
	env := report.NewEnv(0.2, 1, nil)
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := Run(ctx, env)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Run = %v, want the context's error", err)
	}
	if d := time.Since(start); d > 600*time.Millisecond {
		t.Errorf("Run took %v after a cancel at 100ms", d)
	}
	v := env.Rec.Report().Patterns[0].Variants
	if len(v) != 1 || !v[0].Partial {
		t.Fatalf("variants %+v, want one, partial", v)
	}
	checkInterrupted(t, v[0], defaultClients)
}

// checkInterrupted checks an interrupted variant's notes: every client
// short of events was interrupted, none stalled, held or late.
func checkInterrupted(t *testing.T, v report.Variant, clients int) {
	t.Helper()
	want := fmt.Sprintf("%d x %s", v.Failed, errInterrupted)
	if v.Failed == 0 || v.OK+v.Failed != clients || !strings.Contains(v.Notes, want) {
		t.Errorf("%s: ok %d, failed %d, notes %q; want every failure %q", v.Name, v.OK, v.Failed, v.Notes, want)
	}
	for _, wrong := range []error{errStalled, errHeld, errMissed, errBehind} {
		if strings.Contains(v.Notes, wrong.Error()) {
			t.Errorf("%s: notes %q blame %q", v.Name, v.Notes, wrong)
		}
	}
}

// Ctrl-C during slide 17's variant: the same, for the good broker.
func TestRunCancelledNonBlocking(t *testing.T) {
	d := demo{clients: 4, interval: 4 * time.Millisecond, slowEvery: 40 * time.Millisecond, seed: 1}
	env := report.NewEnv(0.2, 1, nil)
	sc := env.Rec.Scenario("sse", "16-17", "test", d.clients)
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond) // about 25 events in
	defer cancel()
	v := sc.Measure(ctx, report.Spec{Name: "select+default"}, func(ctx context.Context, p *report.Probe) []error {
		return d.run(ctx, p, false).errs
	})
	if !v.Partial {
		t.Errorf("not partial: %+v", v)
	}
	checkInterrupted(t, v, d.clients)
}

// judge blames each shortfall on what caused it in that variant.
func TestJudge(t *testing.T) {
	full := tally{got: events, inOrder: true}
	short := tally{got: 40, inOrder: true}
	ended := tally{got: 40, inOrder: true, ended: true}
	for _, tc := range []struct {
		name                  string
		tallies               []tally // the last one is the slow client
		evicted               int
		blocking, interrupted bool
		want                  []error // nil: ok; else errors.Is, or evictedError
	}{
		{"blocking", []tally{short, short}, 0, true, false, []error{errStalled, errHeld}},
		{"blocking, Ctrl-C", []tally{short, short}, 0, true, true, []error{errInterrupted, errInterrupted}},
		{"slide 17", []tally{full, short}, 1, false, false, []error{nil, evictedError{}}},
		{"slide 17, busy machine", []tally{short, ended, short}, 1, false, false, []error{errMissed, errBehind, evictedError{}}},
		{"slide 17, slow one kept up", []tally{full, short}, 0, false, false, []error{nil, errMissed}},
		{"slide 17, Ctrl-C", []tally{short, short}, 0, false, true, []error{errInterrupted, errInterrupted}},
	} {
		out := outcome{errs: make([]error, len(tc.tallies)), evicted: tc.evicted}
		judge(&out, tc.tallies, tc.blocking, tc.interrupted)
		for i, want := range tc.want {
			got := out.errs[i]
			var ev evictedError
			ok := (want == nil && got == nil) || (want != nil && errors.Is(got, want)) ||
				(want == evictedError{} && errors.As(got, &ev))
			if !ok {
				t.Errorf("%s: client %d: %v, want %v", tc.name, i, got, want)
			}
		}
	}
}
