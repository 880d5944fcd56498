package hibernationdemo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/hibernation"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/sim"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/workerpool"
)

// shapes are the scenario's variants.
var shapes = variants(BatchSize)

// count runs the check over rs with one shape and fresh counters.
func count(ctx context.Context, s variant, rs []Resource, size int) (hibernation.Counts, []error, error) {
	var c hibernation.Counter
	rs2 := s.run(ctx, rs, size, func(ctx context.Context, r Resource) (hibernation.Verdict, error) {
		v, err := checkNode(ctx, r)
		if err == nil {
			c.Record(v)
		}
		return v, err
	})
	return c.Counts(), report.Errors(rs2), nil
}

func TestCountersAreExact(t *testing.T) {
	for _, n := range []int{0, 1, 97, 100, 1000} {
		for _, s := range shapes {
			t.Run(fmt.Sprintf("%s/%d", s.name, n), func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					rs := newResources(int64(n), n, 1, CheckTime, Jitter)
					got, errs, err := count(t.Context(), s, rs, BatchSize)
					if err != nil {
						t.Fatal(err)
					}
					if want := truth(rs); got != want {
						t.Errorf("counted %+v, truth %+v", got, want)
					}
					if len(errs) != n || slices.ContainsFunc(errs, func(e error) bool { return e != nil }) {
						t.Errorf("errs %v: want %d nils", errs, n)
					}
				})
			})
		}
	}
}

func TestTheWorldHasEveryVerdict(t *testing.T) {
	c := truth(newResources(1, Resources, 1, CheckTime, Jitter))
	if c.CanBeHibernated == 0 || c.Hibernated == 0 || c.CanBeHibernated+c.Hibernated >= c.Checked {
		t.Errorf("truth %+v: want some of each verdict and some other kinds", c)
	}
}

// TestTimesOfTheSlide checks slide 20's figures exactly, with every call
// taking exactly 50 ms: 100 x 50 ms = 5 s one at a time, 500 ms ten at a
// time. 97 resources take ten batches too, the last one short.
func TestTimesOfTheSlide(t *testing.T) {
	for _, tc := range []struct {
		n, size                   int
		sequential, batch, window time.Duration
	}{
		{100, 10, 5 * time.Second, 500 * time.Millisecond, 500 * time.Millisecond},
		{97, 10, 4850 * time.Millisecond, 500 * time.Millisecond, 500 * time.Millisecond},
		{100, 5, 5 * time.Second, time.Second, time.Second}, // the production batch of 5
		{0, 10, 0, 0, 0},
	} {
		want := []time.Duration{tc.sequential, tc.batch, tc.window}
		for i, s := range shapes {
			synctest.Test(t, func(t *testing.T) {
				rs := newResources(1, tc.n, 1, CheckTime, 0)
				start := time.Now()
				if _, _, err := count(t.Context(), s, rs, tc.size); err != nil {
					t.Fatal(err)
				}
				if got := time.Since(start); got != want[i] {
					t.Errorf("%d resources, size %d, %s: %v, want %v", tc.n, tc.size, s.name, got, want[i])
				}
			})
		}
	}
}

// TestBatchesWaitForTheSlowest checks the jittered times exactly: one at a
// time is the sum; a batch takes its slowest check; a window starts each
// check as soon as a slot frees.
func TestBatchesWaitForTheSlowest(t *testing.T) {
	rs := newResources(3, 100, 1, CheckTime, Jitter)
	lat := latencies(rs)
	want := map[string]time.Duration{"sequential": sum(lat), "batches": sim.Batched(lat, 10), "window": sim.Windowed(lat, 10)}
	if !(want["window"] < want["batches"]) {
		t.Fatalf("window %v not faster than batches %v: the jitter shows nothing", want["window"], want["batches"])
	}
	for _, s := range shapes {
		synctest.Test(t, func(t *testing.T) {
			start := time.Now()
			if _, _, err := count(t.Context(), s, rs, 10); err != nil {
				t.Fatal(err)
			}
			if got := time.Since(start); got != want[s.name] {
				t.Errorf("%s: %v, want %v", s.name, got, want[s.name])
			}
		})
	}
}

func sum(ds []time.Duration) (t time.Duration) {
	for _, d := range ds {
		t += d
	}
	return t
}

func TestCancellingStopsTheRemainingChecks(t *testing.T) {
	for _, s := range shapes {
		synctest.Test(t, func(t *testing.T) {
			rs := newResources(1, 100, 1, CheckTime, 0)
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			time.AfterFunc(120*time.Millisecond, cancel)
			start := time.Now()
			c, errs, err := count(ctx, s, rs, 10)
			if err != nil {
				t.Fatal(err)
			}
			if got := time.Since(start); got != 120*time.Millisecond {
				t.Errorf("%s: returned after %v, want 120ms (at the cancel)", s.name, got)
			}
			var ok, notStarted int
			for _, e := range errs {
				switch {
				case e == nil:
					ok++
				case errors.Is(e, workerpool.ErrNotStarted):
					notStarted++
				case !errors.Is(e, context.Canceled):
					t.Errorf("%s: unexpected %v", s.name, e)
				}
			}
			// Two full rounds of 50 ms done before the cancel.
			wantOK := map[string]int{"sequential": 2, "batches": 20, "window": 20}[s.name]
			if ok != wantOK || c.Checked != uint64(ok) || notStarted == 0 || len(errs) != 100 {
				t.Errorf("%s: ok %d (checked %d), not started %d of %d; want %d ok", s.name, ok, c.Checked, notStarted, len(errs), wantOK)
			}
		})
	}
}
