package workerpool

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/sim"
)

// runFunc is the common shape of the bounded functions.
type runFunc func(context.Context, []int, int, func(context.Context, int) error) ([]error, error)

var bounded = map[string]runFunc{
	"Batches": Batches[int],
	"Pool":    Pool[int],
	"Limit":   Limit[int],
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

// sleepEach returns work that takes d per item.
func sleepEach(d time.Duration) func(context.Context, int) error {
	return func(ctx context.Context, _ int) error { return sim.Sleep(ctx, d) }
}

// Slide 24's "2s": 100 triggers of exactly 100 ms, 5 at a time, take exactly
// 2 s, whichever bounded shape runs them; unbounded takes one trigger's time.
func TestExactTimes(t *testing.T) {
	for name, run := range bounded {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				start := time.Now()
				errs, err := run(t.Context(), seq(100), 5, sleepEach(100*time.Millisecond))
				if err != nil {
					t.Fatal(err)
				}
				if got := time.Since(start); got != 2*time.Second {
					t.Errorf("100 x 100ms, 5 at a time: took %v, want exactly 2s", got)
				}
				assertAllOK(t, errs, 100)
			})
		})
	}
	t.Run("Unbounded", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			start := time.Now()
			errs := Unbounded(t.Context(), seq(100), sleepEach(100*time.Millisecond))
			if got := time.Since(start); got != 100*time.Millisecond {
				t.Errorf("took %v, want exactly 100ms", got)
			}
			assertAllOK(t, errs, 100)
		})
	})
}

// Batches wait for their slowest member; the sliding windows do not. One
// slow item (1 s) in the first batch of 10 items of 100 ms, 5 at a time:
// batches take 1 s + 100 ms, a sliding window 1 s (the others pass by).
func TestSlowestMember(t *testing.T) {
	durs := []time.Duration{time.Second}
	for range 9 {
		durs = append(durs, 100*time.Millisecond)
	}
	work := func(ctx context.Context, i int) error { return sim.Sleep(ctx, durs[i]) }
	want := map[string]time.Duration{"Batches": 1100 * time.Millisecond, "Pool": time.Second, "Limit": time.Second}
	for name, run := range bounded {
		synctest.Test(t, func(t *testing.T) {
			start := time.Now()
			if _, err := run(t.Context(), seq(10), 5, work); err != nil {
				t.Fatal(err)
			}
			if got := time.Since(start); got != want[name] {
				t.Errorf("%s: took %v, want exactly %v", name, got, want[name])
			}
		})
	}
}

// No shape ever runs more than its bound at once, and a sliding window
// keeps exactly the bound busy.
func TestNeverAboveBound(t *testing.T) {
	for name, run := range bounded {
		for _, limit := range []int{1, 3, 5, 16} {
			synctest.Test(t, func(t *testing.T) {
				var now, peak atomic.Int64
				work := func(ctx context.Context, i int) error {
					n := now.Add(1)
					defer now.Add(-1)
					for old := peak.Load(); n > old && !peak.CompareAndSwap(old, n); old = peak.Load() {
					}
					return sim.Sleep(ctx, time.Duration(1+i%7)*time.Millisecond)
				}
				if _, err := run(t.Context(), seq(50), limit, work); err != nil {
					t.Fatal(err)
				}
				if got := int(peak.Load()); got != limit {
					t.Errorf("%s limit %d: peak in flight %d, want exactly %d", name, limit, got, limit)
				}
			})
		}
	}
}

// Every item is run exactly once and accounted for, also when the count is
// not a multiple of the batch (slide 19's bug), and for none or one.
func TestEveryItemOnce(t *testing.T) {
	for name, run := range bounded {
		for _, n := range []int{0, 1, 7, 101} {
			t.Run(fmt.Sprintf("%s/%d", name, n), func(t *testing.T) {
				calls := make([]atomic.Int32, n)
				errs, err := run(t.Context(), seq(n), 5, func(_ context.Context, i int) error {
					calls[i].Add(1)
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				assertAllOK(t, errs, n)
				for i := range calls {
					if c := calls[i].Load(); c != 1 {
						t.Errorf("item %d ran %d times, want 1", i, c)
					}
				}
			})
		}
	}
}

// Each item's error lands in its own slot: none is lost or misfiled (slide
// 7's shared err keeps one at best). A panic is that item's error.
func TestErrorsPerItem(t *testing.T) {
	boom := errors.New("boom")
	work := func(_ context.Context, i int) error {
		switch {
		case i == 4:
			panic("trigger 4 blew up")
		case i%3 == 0:
			return fmt.Errorf("item %d: %w", i, boom)
		}
		return nil
	}
	check := func(t *testing.T, errs []error) {
		t.Helper()
		if len(errs) != 13 {
			t.Fatalf("got %d errors, want 13", len(errs))
		}
		for i, err := range errs {
			switch {
			case i == 4:
				if !errors.Is(err, ErrPanic) {
					t.Errorf("item 4: %v, want ErrPanic", err)
				}
			case i%3 == 0:
				if !errors.Is(err, boom) || err.Error() != fmt.Sprintf("item %d: boom", i) {
					t.Errorf("item %d: %v, want its own boom", i, err)
				}
			case err != nil:
				t.Errorf("item %d: %v, want nil", i, err)
			}
		}
	}
	for name, run := range bounded {
		t.Run(name, func(t *testing.T) {
			errs, err := run(t.Context(), seq(13), 5, work)
			if err != nil {
				t.Fatal(err)
			}
			check(t, errs)
		})
	}
	t.Run("Unbounded", func(t *testing.T) { check(t, Unbounded(t.Context(), seq(13), work)) })
}

// A limit below 1 is an error and runs nothing (the production loop spun
// forever on a batch size of 0).
func TestBadLimit(t *testing.T) {
	for name, run := range bounded {
		for _, limit := range []int{0, -1} {
			called := false
			errs, err := run(t.Context(), seq(3), limit, func(context.Context, int) error { called = true; return nil })
			if !errors.Is(err, ErrLimit) || errs != nil || called {
				t.Errorf("%s(limit %d) = %v, %v, called=%v; want nil, ErrLimit, not called", name, limit, errs, err, called)
			}
		}
	}
}

// Cancelled at 250 ms, 100 items of 100 ms, 5 at a time: 10 finished, the 5
// running see the cancellation, 85 never start; the call returns at 250 ms.
func TestCancel(t *testing.T) {
	for name, run := range bounded {
		synctest.Test(t, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 250*time.Millisecond)
			defer cancel()
			start := time.Now()
			errs, err := run(ctx, seq(100), 5, sleepEach(100*time.Millisecond))
			if err != nil {
				t.Fatal(err)
			}
			if got := time.Since(start); got != 250*time.Millisecond {
				t.Errorf("%s returned after %v, want 250ms", name, got)
			}
			var ok, stopped, notStarted int
			for _, err := range errs {
				switch {
				case err == nil:
					ok++
				case errors.Is(err, ErrNotStarted) && errors.Is(err, context.DeadlineExceeded):
					notStarted++
				case errors.Is(err, context.DeadlineExceeded):
					stopped++
				default:
					t.Errorf("%s: unexpected error %v", name, err)
				}
			}
			if ok != 10 || stopped != 5 || notStarted != 85 {
				t.Errorf("%s: ok %d, stopped %d, not started %d; want 10, 5, 85", name, ok, stopped, notStarted)
			}
		})
	}
}

// Slide 6's crash, exactly: 100 goroutines ask a pool of 10 connections at
// once, each holds one for 100 ms, a caller gives up after 150 ms. Two
// waves get a connection; the other 80 fail with ErrPoolExhausted.
func TestUnboundedExhaustsPool(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		db := sim.NewPool(10, 150*time.Millisecond)
		var mu sync.Mutex
		failedAt := map[time.Duration]int{}
		start := time.Now()
		errs := Unbounded(t.Context(), seq(100), func(ctx context.Context, _ int) error {
			err := db.Hold(ctx, 100*time.Millisecond)
			if err != nil {
				mu.Lock()
				failedAt[time.Since(start)]++
				mu.Unlock()
			}
			return err
		})
		var ok, exhausted int
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case errors.Is(err, sim.ErrPoolExhausted):
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

func assertAllOK(t *testing.T, errs []error, n int) {
	t.Helper()
	if len(errs) != n {
		t.Fatalf("got %d errors for %d items", len(errs), n)
	}
	for i, err := range errs {
		if err != nil {
			t.Errorf("item %d: %v", i, err)
		}
	}
}
