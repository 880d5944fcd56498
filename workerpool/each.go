package workerpool

import (
	"context"
	"sync"
)

// Each calls fn for every item at once, one goroutine each, and waits for
// them all: slide 3's
//
//	for _, item := range items {
//	    go processItem(item)
//	}
//
// made to wait and to keep every item's outcome. That is right for a
// handful of independent calls (slide 10's 50 cluster tests), and it is
// slide 3's problem for more: 100 triggers start at once and fight for 10
// database connections; 10,000 items start 10,000 goroutines. Goroutines
// are cheap, not free (slide 28); what they share breaks first. Use
// [Window] when the count is not small and known.
//
// Each returns one Result per item, in item order. Once ctx is done, no
// more items start; they get an error wrapping ErrNotStarted, and the ones
// running see ctx. A panic in fn is that item's *PanicError.
func Each[T, R any](ctx context.Context, items []T, fn func(context.Context, T) (R, error)) []Result[R] {
	rs := make([]Result[R], len(items))
	skip := newSkip(ctx)
	var wg sync.WaitGroup
	for i := range items {
		// Each goroutine writes only rs[i]: no two write the same
		// element, so no lock is needed (slide 12's pre-sized slice).
		//
		// Bad (slide 23): wg.Add(1); go func() { work() }() with the
		// wg.Done() forgotten, or not deferred and skipped by a panic:
		// Wait never returns. Good: wg.Go defers the Done for us.
		wg.Go(func() {
			if skip.now() {
				rs[i].Err = skip.error()
				return
			}
			rs[i] = run(ctx, fn, items[i])
		})
	}
	wg.Wait()
	return rs
}
