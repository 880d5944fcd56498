package ssedemo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
)

// The scenario runs over real sockets, so its tests are not in synctest
// bubbles (a socket blocks virtual time) and assert what does not depend
// on the machine's pace; the brokers' timed claims are asserted exactly in
// package sse's tests and in blocking_test.go.

// The self-running demo: the blocking send stalls every client; slide
// 17's evicts the slow one (expected) and the fast ones get every event in
// order; goroutines come back after shutdown, and the shutdown is time
// spent observing.
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
	if p.Pattern != "sse" || p.Slides != "16-17" || p.Items != Clients || len(p.Variants) != 2 {
		t.Fatalf("scenario %+v", p)
	}
	bad, good := p.Variants[0], p.Variants[1]
	if bad.Name != "blocking send" || bad.Role != report.Bad || bad.OK != 0 || bad.Failed != Clients ||
		bad.Expected != 0 || bad.BoundMS != 0 ||
		!strings.Contains(bad.Notes, "stopped by the demo's deadline (800ms)") ||
		!strings.Contains(bad.Notes, "5 x stalled behind the slow client") {
		t.Errorf("blocking send: %+v, want a Bad variant with every client stalled until the deadline, and no bound", bad)
	}
	if good.Name != "select+default" || good.Role != report.Fix || good.OK != Clients-1 || good.Failed != 1 ||
		good.Expected != 1 || !strings.Contains(good.Notes, "1 x slow client evicted after") ||
		!strings.Contains(good.Notes, "events (expected)") {
		t.Errorf("select+default: %+v, want a Fix with the fast ones ok and the slow one evicted, as expected", good)
	}
	for _, v := range p.Variants {
		if v.PeakInflight != Clients {
			t.Errorf("%s: peak in flight %d, want all %d clients connected at once", v.Name, v.PeakInflight, Clients)
		}
		if v.ObservedMS <= 0 || v.ObservedMS >= v.WallMS {
			t.Errorf("%s: observed %vms of %vms, want the shutdown, and only that, left out of best%%", v.Name, v.ObservedMS, v.WallMS)
		}
	}
	if !strings.Contains(p.Notice, "select+default: all 100 to 5 fast clients in") {
		t.Errorf("notice %q", p.Notice)
	}
	t.Log(p.Notice)
}

// The measured details behind the notice, for the real broker.
func TestDemoOutcome(t *testing.T) {
	d := demo{clients: 4, interval: 4 * time.Millisecond, slowEvery: 40 * time.Millisecond, seed: 1}
	env := report.NewEnv(0.2, 1, nil)
	sc := env.Rec.Scenario("sse", "16-17", "test", d.clients)
	var out outcome
	sc.Measure(t.Context(), report.Spec{Name: "good"}, func(ctx context.Context, p *report.Probe) []error {
		out = d.run(ctx, p, newRealBroker, false)
		return out.errs
	})
	f := out.facts
	if f.Evicted != 1 || f.SlowGot <= 0 || f.SlowGot >= Events || f.FastMin != Events {
		t.Errorf("facts %+v: want 1 evicted after some events, and every fast client with all %d", f, Events)
	}
	var ev evictedError
	if slow := out.errs[d.clients-1]; !errors.As(slow, &ev) || ev.got != f.SlowGot || !report.IsExpected(slow) {
		t.Errorf("slow client's error %v, want evictedError{%d}, marked expected", slow, f.SlowGot)
	}
	if n := ours(); n != 0 {
		t.Errorf("%d of the demo's goroutines left after it", n)
	}
	if f.GoroutinesAfter > f.GoroutinesBefore {
		t.Errorf("goroutines %d after shutdown, %d before", f.GoroutinesAfter, f.GoroutinesBefore)
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
	p := env.Rec.Report().Patterns[0]
	if len(p.Variants) != 1 || !p.Variants[0].Partial {
		t.Fatalf("variants %+v, want one, partial", p.Variants)
	}
	if p.Notice != "" {
		t.Errorf("notice %q after a cancel, want none: half a run proves nothing", p.Notice)
	}
	checkInterrupted(t, p.Variants[0], Clients)
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

// Ctrl-C during slide 17's variant: the same, for the real broker.
func TestRunCancelledNonBlocking(t *testing.T) {
	d := demo{clients: 4, interval: 4 * time.Millisecond, slowEvery: 40 * time.Millisecond, seed: 1}
	env := report.NewEnv(0.2, 1, nil)
	sc := env.Rec.Scenario("sse", "16-17", "test", d.clients)
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond) // about 25 events in
	defer cancel()
	v := sc.Measure(ctx, report.Spec{Name: "select+default"}, func(ctx context.Context, p *report.Probe) []error {
		return d.run(ctx, p, newRealBroker, false).errs
	})
	if !v.Partial {
		t.Errorf("not partial: %+v", v)
	}
	checkInterrupted(t, v, d.clients)
}
