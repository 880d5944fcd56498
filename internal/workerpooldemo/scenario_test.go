package workerpooldemo

import (
	"context"
	"errors"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/sim"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/workerpool"
)

// The scenario at scale 1, in virtual time: the figures are exact.
func TestRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		env := report.NewEnv(1, 1, nil)
		if err := Run(t.Context(), env); err != nil {
			t.Fatal(err)
		}
		r := env.Rec.Report()
		if len(r.Patterns) != 2 {
			t.Fatalf("%d scenarios, want 2", len(r.Patterns))
		}
		for _, p := range r.Patterns {
			for _, v := range p.Variants {
				if v.OK+v.Failed != p.Items || v.Partial {
					t.Errorf("%s/%s: ok %d + failed %d != %d items (partial %v)", p.Scenario, v.Name, v.OK, v.Failed, p.Items, v.Partial)
				}
			}
		}
		trig := byNameT(t, r.Patterns[0].Variants)
		if u := trig["unbounded"]; u.Failed != 80 || u.PeakInflight != 100 {
			t.Errorf("unbounded: %d failed, %d in flight; want 80 and 100", u.Failed, u.PeakInflight)
		}
		holds := sim.Jittered(sim.NewRand(1), Pipelines, TriggerTime, Jitter)
		if got, want := trig["batches"].WallMS, ms(sim.Batched(holds, BatchSize)); got != want {
			t.Errorf("batches took %vms, want the sum of each batch's slowest: %vms", got, want)
		}
		for _, name := range []string{"batches", "pool", "window"} {
			if v := trig[name]; v.Failed != 0 || v.PeakInflight != BatchSize {
				t.Errorf("%s: %d failed, %d in flight; want 0 and %d", name, v.Failed, v.PeakInflight, BatchSize)
			}
		}
		skew := byNameT(t, r.Patterns[1].Variants)
		durs := sim.Skewed(sim.NewRand(1), Pipelines, FastTrigger, SlowTrigger, SlowShare)
		if got, want := skew["batches"].WallMS, ms(sim.Batched(durs, BatchSize)); got != want {
			t.Errorf("skewed batches took %vms, want %vms", got, want)
		}
		if b, w := skew["batches"].Efficiency(), skew["window"].Efficiency(); b >= w {
			t.Errorf("skewed: batches efficiency %.2f >= window's %.2f", b, w)
		}
		if r.Patterns[0].Notice == "" || r.Patterns[1].Notice == "" {
			t.Error("a scenario has no notice")
		}
	})
}

// Cancelled half-way, Run returns the context's error at once, and the
// variant it stopped is marked partial with every item still accounted for.
func TestRunCancelled(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithTimeout(t.Context(), 500*time.Millisecond)
		defer cancel()
		env := report.NewEnv(1, 1, nil)
		start := time.Now()
		if err := Run(ctx, env); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Run = %v, want DeadlineExceeded", err)
		}
		if got := time.Since(start); got != 500*time.Millisecond {
			t.Errorf("Run returned after %v, want 500ms", got)
		}
		p := env.Rec.Report().Patterns[0]
		last := p.Variants[len(p.Variants)-1]
		if last.Name != "batches" || !last.Partial || last.OK+last.Failed != p.Items {
			t.Errorf("last variant %+v; want batches, partial, all items accounted", last)
		}
	})
}

// Slide 6's crash, exactly: 100 goroutines ask a pool of 10 connections at
// once, each holds one for 100 ms, a caller gives up after 150 ms. Two
// waves get a connection; the other 80 fail with ErrPoolExhausted, at 150 ms.
func TestUnboundedExhaustsPool(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		db := sim.NewPool(10, 150*time.Millisecond)
		var mu sync.Mutex
		failedAt := map[time.Duration]int{}
		start := time.Now()
		ps := make([]pipeline, 100)
		for i := range ps {
			ps[i] = pipeline{id: i + 1, hold: 100 * time.Millisecond}
		}
		rs := workerpool.Each(t.Context(), ps, func(ctx context.Context, p pipeline) (int, error) {
			id, err := trigger(db)(ctx, p)
			if err != nil {
				mu.Lock()
				failedAt[time.Since(start)]++
				mu.Unlock()
			}
			return id, err
		})
		var ok, exhausted int
		for _, r := range rs {
			switch {
			case r.Err == nil:
				ok++
			case errors.Is(r.Err, sim.ErrPoolExhausted):
				exhausted++
			}
		}
		if ok != 20 || exhausted != 80 || failedAt[150*time.Millisecond] != 80 {
			t.Errorf("ok %d, exhausted %d, failed at %v; want 20 ok, 80 exhausted at 150ms", ok, exhausted, failedAt)
		}
		if db.Peak() != 10 {
			t.Errorf("pool peak %d, want 10", db.Peak())
		}
	})
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func byNameT(t *testing.T, vs []report.Variant) map[string]report.Variant {
	t.Helper()
	m := map[string]report.Variant{}
	for _, v := range vs {
		m[v.Name] = v
	}
	return m
}
