package workerpool

import (
	"context"
	"sync"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/task"
)

// Unbounded runs fn for every item at once, one goroutine each: slide 3's
//
//	for _, item := range items {
//	    go processItem(item)
//	}
//
// made to wait and to keep every item's error. It is here as the "before":
// with 100 items it starts 100 goroutines that all want a database
// connection at the same moment, and with 10,000 it starts 10,000.
// Goroutines are cheap, not free (slide 28); the resource they share is
// what breaks first.
//
// It returns one error per item, in item order (nil for success). When ctx
// is done, it starts no more goroutines; the items not started get an
// error wrapping ErrNotStarted, and the ones running see ctx.
func Unbounded[T any](ctx context.Context, items []T, fn func(context.Context, T) error) []error {
	errs := make([]error, len(items))
	var wg sync.WaitGroup
	for i, item := range items {
		if ctx.Err() != nil {
			task.MarkNotStarted(ctx, errs[i:])
			break
		}
		// Each goroutine writes only errs[i]: no two write the same
		// element, so no lock is needed (slide 12's pre-sized slice).
		//
		// Bad (slide 23): wg.Add(1); go func() { work() }() with the
		// wg.Done() forgotten, or not deferred and skipped by a panic:
		// Wait never returns. Good: wg.Go calls Done for us, deferred.
		wg.Go(func() { errs[i] = task.Do(ctx, fn, item) })
	}
	wg.Wait()
	return errs
}
