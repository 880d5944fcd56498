package workerpool

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"unsafe"

	"golang.org/x/sync/errgroup"
	"golang.org/x/sync/semaphore"
)

// The library a user would reach for instead, written as a user would:
// errgroup.Group with SetLimit, each goroutine writing its own result.
func errgroupWindow(ctx context.Context, items []int, limit int, fn func(context.Context, int) (int, error)) []Result[int] {
	rs := make([]Result[int], len(items))
	var g errgroup.Group
	g.SetLimit(limit)
	for i, item := range items {
		if ctx.Err() != nil {
			break
		}
		g.Go(func() error {
			v, err := fn(ctx, item)
			rs[i] = Result[int]{v, err}
			return nil
		})
	}
	_ = g.Wait()
	return rs
}

// The design Window rejected: a semaphore.Weighted, whose Acquire takes ctx.
func semaphoreWindow(ctx context.Context, items []int, limit int, fn func(context.Context, int) (int, error)) []Result[int] {
	rs := make([]Result[int], len(items))
	sem := semaphore.NewWeighted(int64(limit))
	var wg sync.WaitGroup
	for i, item := range items {
		if sem.Acquire(ctx, 1) != nil {
			break
		}
		wg.Go(func() {
			defer sem.Release(1)
			v, err := fn(ctx, item)
			rs[i] = Result[int]{v, err}
		})
	}
	wg.Wait()
	return rs
}

// compared is every shape next to the two baselines.
func compared() map[string]shapeFunc {
	m := map[string]shapeFunc{"errgroup": errgroupWindow, "semaphore": semaphoreWindow}
	for k, v := range bounded {
		m[k] = v
	}
	return m
}

var order = []string{"errgroup", "Window", "Pool", "semaphore", "Batches"}

// What each shape costs per item on a task that does nothing, 10,000 items,
// at limits 8 and 64, side by side with errgroup.SetLimit:
//
//	go test -run '^$' -bench NoOp -benchmem ./workerpool
func BenchmarkNoOp(b *testing.B) {
	items := seq(10_000)
	noop := func(_ context.Context, i int) (int, error) { return i, nil }
	shapes := compared()
	for _, limit := range []int{8, 64} {
		for _, name := range order {
			b.Run(fmt.Sprintf("limit=%d/%s", limit, name), func(b *testing.B) {
				run := shapes[name]
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				for b.Loop() {
					run(context.Background(), items, limit, noop)
				}
				runtime.ReadMemStats(&after)
				n := float64(b.N * len(items))
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/n, "ns/item")
				b.ReportMetric(float64(after.Mallocs-before.Mallocs)/n, "allocs/item")
			})
		}
	}
}

// Cancelled when item 10,000 of 100,000 starts, limit 64: how long each
// shape takes to return, and how many items start after the cancel (the
// "late" metric; 0 but for the few that raced the cancel on another CPU).
//
//	go test -run '^$' -bench Cancel -benchmem ./workerpool
func BenchmarkCancel(b *testing.B) {
	items := seq(100_000)
	shapes := compared()
	for _, name := range order {
		b.Run(name, func(b *testing.B) {
			run := shapes[name]
			var late atomic.Int64
			for b.Loop() {
				ctx, cancel := context.WithCancel(context.Background())
				var started atomic.Int64
				run(ctx, items, 64, func(ctx context.Context, i int) (int, error) {
					if ctx.Err() != nil {
						late.Add(1)
					}
					if started.Add(1) == 10_000 {
						cancel()
					}
					return i, nil
				})
				cancel()
			}
			b.ReportMetric(float64(late.Load())/float64(b.N), "late/op")
		})
	}
}

// The items not started share one error: marking 100,000 of them costs
// no more allocations than marking 1,000, not one fmt.Errorf each.
func TestNotStartedAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race runtime allocates on its own; TestCancel checks the error is one shared error")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	fn := func(_ context.Context, i int) (int, error) { return i, nil }
	for name, run := range bounded {
		allocs := func(n int) float64 {
			items := seq(n)
			return testing.AllocsPerRun(3, func() { run(ctx, items, 64, fn) })
		}
		small, large := allocs(1_000), allocs(100_000)
		if large > small+3 || large > 20 { // +3: the runtime's own, when the big slice starts a GC
			t.Errorf("%s: %v allocations to mark 100,000 items not started, %v for 1,000; want the same handful",
				name, large, small)
		}
	}
}

// No bounded shape holds more than the inputs, the results and its
// workers: with 1,000,000 items (200,000 under the race detector, which
// makes each goroutine costly), the live heap half-way through, after a
// GC, is within a MiB of the inputs and results alone.
func TestMemoryBounded(t *testing.T) {
	n := 1_000_000
	if raceEnabled || testing.Short() {
		n = 200_000
	}
	items := seq(n)
	// The inputs are already in the baseline: what a shape may add is its
	// results (and its workers, within the MiB of slack).
	held := uint64(n) * uint64(unsafe.Sizeof(Result[int]{}))
	for name, run := range bounded {
		runtime.GC()
		var base runtime.MemStats
		runtime.ReadMemStats(&base)
		var live uint64
		run(context.Background(), items, 64, func(_ context.Context, i int) (int, error) {
			if i == n/2 {
				runtime.GC()
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				live = m.HeapAlloc
			}
			return i, nil
		})
		if extra := int64(live) - int64(base.HeapAlloc) - int64(held); extra > 1<<20 {
			t.Errorf("%s: %d items: live heap %.1f MiB above the inputs and the results (%.1f MiB), want under 1 MiB",
				name, n, float64(extra)/(1<<20), float64(held)/(1<<20))
		}
	}
}
