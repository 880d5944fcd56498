package fanout

import (
	"context"
	"sync"
)

// All calls fn for every item at once, one goroutine each, and waits for
// them all: slide 10's cluster connection test. It returns one Result per
// item, in item order.
//
// Slide 10 collects the results in a sync.Map keyed by cluster ID. A
// pre-sized slice does the same job more simply (slide 12's technique):
// each goroutine writes only its own element, so no two goroutines write
// the same memory and no lock is needed; the results come back typed and
// in item order, and an item's result cannot land under another item,
// because the index is the goroutine's own.
//
// All does not stop at a failure: every item gets its own outcome. It
// starts len(items) goroutines at once; for thousands of items use [Limit].
func All[T, R any](ctx context.Context, items []T, fn func(context.Context, T) (R, error)) []Result[R] {
	rs := make([]Result[R], len(items))
	var wg sync.WaitGroup
	for i, item := range items {
		wg.Go(func() { rs[i] = call(ctx, fn, item) })
	}
	wg.Wait()
	return rs
}
