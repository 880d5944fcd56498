package fanout

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/sim"
)

// square fails for multiples of 7, panics on 13, and waits i ms.
func square(ctx context.Context, i int) (int, error) {
	if err := sim.Sleep(ctx, time.Duration(i)*time.Millisecond); err != nil {
		return 0, err
	}
	switch {
	case i == 13:
		panic("unlucky")
	case i%7 == 0:
		return 0, fmt.Errorf("item %d: %w", i, errBoom)
	}
	return i * i, nil
}

func checkSquares(t *testing.T, items []int, rs []Result[int]) {
	t.Helper()
	if len(rs) != len(items) {
		t.Fatalf("%d results for %d items", len(rs), len(items))
	}
	for k, i := range items {
		r := rs[k]
		switch {
		case i == 13:
			if !errors.Is(r.Err, ErrPanic) {
				t.Errorf("item %d: err %v, want ErrPanic", i, r.Err)
			}
		case i%7 == 0:
			if want := fmt.Sprintf("item %d: boom", i); r.Err == nil || r.Err.Error() != want {
				t.Errorf("item %d: err %v, want %q (its own error, under its own index)", i, r.Err, want)
			}
		default:
			if r.Err != nil || r.Value != i*i {
				t.Errorf("item %d: got %d, %v; want %d, nil", i, r.Value, r.Err, i*i)
			}
		}
	}
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i + 1
	}
	return s
}

func TestAllKeepsEveryResultUnderItsIndex(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		items := seq(50)
		start := time.Now()
		rs := All(t.Context(), items, square)
		if got := time.Since(start); got != 50*time.Millisecond {
			t.Errorf("All took %v, want 50ms (the longest item)", got)
		}
		checkSquares(t, items, rs)
	})
}

func TestAllOfNothing(t *testing.T) {
	if rs := All(t.Context(), nil, square); len(rs) != 0 {
		t.Errorf("All(nil) = %v", rs)
	}
}

func TestLimitBoundsTheCallsInFlight(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const n, limit, d = 25, 4, 10 * time.Millisecond
		var inflight, peak atomic.Int64
		fn := func(ctx context.Context, i int) (int, error) {
			cur := inflight.Add(1)
			defer inflight.Add(-1)
			for old := peak.Load(); cur > old && !peak.CompareAndSwap(old, cur); old = peak.Load() {
			}
			return i, sim.Sleep(ctx, d)
		}
		start := time.Now()
		rs, err := Limit(t.Context(), seq(n), limit, fn)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := time.Since(start), 7*d; got != want { // ceil(25/4) rounds
			t.Errorf("Limit took %v, want %v", got, want)
		}
		if peak.Load() != limit {
			t.Errorf("peak in flight %d, want %d", peak.Load(), limit)
		}
		for i, r := range rs {
			if r.Err != nil || r.Value != i+1 {
				t.Errorf("item %d: %v, %v", i, r.Value, r.Err)
			}
		}
	})
}

func TestLimitKeepsEveryResultUnderItsIndex(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		items := seq(40)
		rs, err := Limit(t.Context(), items, 3, square)
		if err != nil {
			t.Fatal(err)
		}
		checkSquares(t, items, rs)
	})
}

func TestLimitRejectsABadLimit(t *testing.T) {
	called := false
	rs, err := Limit(t.Context(), seq(3), 0, func(context.Context, int) (int, error) { called = true; return 0, nil })
	if !errors.Is(err, ErrLimit) || rs != nil || called {
		t.Errorf("Limit(0) = %v, %v, called %v; want nil, ErrLimit, false", rs, err, called)
	}
}

func TestLimitStopsStartingWhenCancelled(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		time.AfterFunc(15*time.Millisecond, cancel)
		start := time.Now()
		rs, err := Limit(ctx, seq(10), 2, func(ctx context.Context, i int) (int, error) {
			return i, sim.Sleep(ctx, 10*time.Millisecond)
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := time.Since(start); got != 15*time.Millisecond {
			t.Errorf("Limit returned %v after start, want 15ms (the cancel)", got)
		}
		var ok, cancelled, notStarted int
		for _, r := range rs {
			switch {
			case r.Err == nil:
				ok++
			case errors.Is(r.Err, ErrNotStarted):
				notStarted++
			case errors.Is(r.Err, context.Canceled):
				cancelled++
			}
		}
		// 2 done at 10ms, 2 cut at 15ms; at most one more started as a
		// slot freed; the rest never started. Every item has an outcome.
		if ok != 2 || ok+cancelled+notStarted != 10 || notStarted < 5 {
			t.Errorf("ok %d, cancelled %d, not started %d", ok, cancelled, notStarted)
		}
	})
}
