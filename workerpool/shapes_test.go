package workerpool

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// shapeFunc is the common signature of the bounded shapes.
type shapeFunc func(context.Context, []int, int, func(context.Context, int) (int, error)) []Result[int]

var bounded = map[string]shapeFunc{
	"Batches": Batches[int, int],
	"Window":  Window[int, int],
	"Pool":    Pool[int, int],
}

// all is bounded plus Each, whose limit is the item count.
func all() map[string]shapeFunc {
	m := map[string]shapeFunc{"Each": func(ctx context.Context, items []int, _ int, fn func(context.Context, int) (int, error)) []Result[int] {
		return Each(ctx, items, fn)
	}}
	for k, v := range bounded {
		m[k] = v
	}
	return m
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

// sleep waits d or until ctx is done, and returns ctx's cause if it is.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// sleepEach returns work that takes d per item and returns the item.
func sleepEach(d time.Duration) func(context.Context, int) (int, error) {
	return func(ctx context.Context, i int) (int, error) { return i, sleep(ctx, d) }
}

// Slide 24's "2s": 100 triggers of exactly 100 ms, 5 at a time, take exactly
// 2 s, whichever bounded shape runs them; Each takes one trigger's time.
func TestExactTimes(t *testing.T) {
	for name, run := range all() {
		want := 2 * time.Second
		if name == "Each" {
			want = 100 * time.Millisecond
		}
		synctest.Test(t, func(t *testing.T) {
			start := time.Now()
			rs := run(t.Context(), seq(100), 5, sleepEach(100*time.Millisecond))
			if got := time.Since(start); got != want {
				t.Errorf("%s: 100 x 100ms, 5 at a time: took %v, want exactly %v", name, got, want)
			}
			for i, r := range rs {
				if r.Err != nil || r.Value != i {
					t.Errorf("%s: item %d: %v, %v; want %d, nil", name, i, r.Value, r.Err, i)
				}
			}
		})
	}
}

// Batches wait for their slowest member; the sliding windows do not. One
// slow item (1 s) in the first batch of 10 items of 100 ms, 5 at a time:
// batches take 1 s + 100 ms, a sliding window 1 s (the others pass by).
func TestSlowestMember(t *testing.T) {
	durs := []time.Duration{time.Second}
	for range 9 {
		durs = append(durs, 100*time.Millisecond)
	}
	work := func(ctx context.Context, i int) (int, error) { return i, sleep(ctx, durs[i]) }
	want := map[string]time.Duration{"Batches": 1100 * time.Millisecond, "Window": time.Second, "Pool": time.Second}
	for name, run := range bounded {
		synctest.Test(t, func(t *testing.T) {
			start := time.Now()
			run(t.Context(), seq(10), 5, work)
			if got := time.Since(start); got != want[name] {
				t.Errorf("%s: took %v, want exactly %v", name, got, want[name])
			}
		})
	}
}

// No shape ever runs more than its bound at once, and every one keeps
// exactly the bound busy at its peak.
func TestNeverAboveBound(t *testing.T) {
	for name, run := range bounded {
		for _, limit := range []int{1, 3, 5, 16} {
			synctest.Test(t, func(t *testing.T) {
				var now, peak atomic.Int64
				work := func(ctx context.Context, i int) (int, error) {
					n := now.Add(1)
					defer now.Add(-1)
					for old := peak.Load(); n > old && !peak.CompareAndSwap(old, n); old = peak.Load() {
					}
					return i, sleep(ctx, time.Duration(1+i%7)*time.Millisecond)
				}
				run(t.Context(), seq(50), limit, work)
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
	for name, run := range all() {
		for _, n := range []int{0, 1, 7, 101} {
			t.Run(fmt.Sprintf("%s/%d", name, n), func(t *testing.T) {
				calls := make([]atomic.Int32, n)
				rs := run(t.Context(), seq(n), 5, func(_ context.Context, i int) (int, error) {
					calls[i].Add(1)
					return 2 * i, nil
				})
				if len(rs) != n {
					t.Fatalf("%d results for %d items", len(rs), n)
				}
				for i := range calls {
					if c := calls[i].Load(); c != 1 || rs[i].Value != 2*i || rs[i].Err != nil {
						t.Errorf("item %d ran %d times, result %+v; want once, %d", i, c, rs[i], 2*i)
					}
				}
			})
		}
	}
}

// Each item's outcome lands in its own slot: none is lost or misfiled
// (slide 7's shared err keeps one at best). A panic is that item's error.
func TestOutcomePerItem(t *testing.T) {
	boom := errors.New("boom")
	work := func(_ context.Context, i int) (int, error) {
		switch {
		case i == 4:
			panic("trigger 4 blew up")
		case i%3 == 0:
			return 0, fmt.Errorf("item %d: %w", i, boom)
		}
		return i, nil
	}
	for name, run := range all() {
		rs := run(t.Context(), seq(13), 5, work)
		for i, r := range rs {
			var pe *PanicError
			switch {
			case i == 4:
				if !errors.As(r.Err, &pe) || pe.Value != "trigger 4 blew up" {
					t.Errorf("%s: item 4: %v, want its *PanicError", name, r.Err)
				}
			case i%3 == 0:
				if !errors.Is(r.Err, boom) || r.Err.Error() != fmt.Sprintf("item %d: boom", i) {
					t.Errorf("%s: item %d: %v, want its own boom", name, i, r.Err)
				}
			case r.Err != nil || r.Value != i:
				t.Errorf("%s: item %d: %+v, want %d, nil", name, i, r, i)
			}
		}
	}
}

// A limit below 1 runs nothing and gives every item an error wrapping
// ErrLimit (the production loop spun forever on a batch size of 0).
func TestBadLimit(t *testing.T) {
	for name, run := range bounded {
		for _, limit := range []int{0, -1} {
			called := false
			rs := run(t.Context(), seq(3), limit, func(context.Context, int) (int, error) { called = true; return 0, nil })
			if len(rs) != 3 || called {
				t.Fatalf("%s(limit %d): %d results, called %v; want 3, not called", name, limit, len(rs), called)
			}
			for _, r := range rs {
				if !errors.Is(r.Err, ErrLimit) {
					t.Errorf("%s(limit %d): %v, want ErrLimit", name, limit, r.Err)
				}
			}
		}
	}
}

// Cancelled at 250 ms, 100 items of 100 ms, 5 at a time: 10 finished, the 5
// running see the cancellation, 85 never start; the call returns at 250 ms.
// Every goroutine is blocked when the timer fires, so "no item starts after
// the cancel" is exact: fn counts calls that begin with ctx already done.
func TestCancel(t *testing.T) {
	for name, run := range bounded {
		synctest.Test(t, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 250*time.Millisecond)
			defer cancel()
			var late atomic.Int32
			work := func(ctx context.Context, i int) (int, error) {
				if ctx.Err() != nil {
					late.Add(1)
				}
				return i, sleep(ctx, 100*time.Millisecond)
			}
			start := time.Now()
			rs := run(ctx, seq(100), 5, work)
			if got := time.Since(start); got != 250*time.Millisecond {
				t.Errorf("%s returned after %v, want 250ms", name, got)
			}
			var ok, stopped, notStarted int
			var shared error
			for _, r := range rs {
				switch {
				case r.Err == nil:
					ok++
				case errors.Is(r.Err, ErrNotStarted) && errors.Is(r.Err, context.DeadlineExceeded):
					notStarted++
					if shared != nil && r.Err != shared {
						t.Errorf("%s: not-started errors are not one shared error", name)
					}
					shared = r.Err
				case errors.Is(r.Err, context.DeadlineExceeded):
					stopped++
				default:
					t.Errorf("%s: unexpected error %v", name, r.Err)
				}
			}
			if ok != 10 || stopped != 5 || notStarted != 85 || late.Load() != 0 {
				t.Errorf("%s: ok %d, stopped %d, not started %d, started after the cancel %d; want 10, 5, 85, 0",
					name, ok, stopped, notStarted, late.Load())
			}
		})
	}
}

// Each starts nothing once ctx is done, either.
func TestEachCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	called := false
	for _, r := range Each(ctx, seq(5), func(context.Context, int) (int, error) { called = true; return 0, nil }) {
		if !errors.Is(r.Err, ErrNotStarted) || !errors.Is(r.Err, context.Canceled) {
			t.Errorf("item: %v, want not started, wrapping Canceled", r.Err)
		}
	}
	if called {
		t.Error("fn was called after the cancel")
	}
}
