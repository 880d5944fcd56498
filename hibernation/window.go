package hibernation

import (
	"context"
	"sync"

	"golang.org/x/sync/semaphore"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/task"
)

// Window runs fn for items with at most size running at once: a sliding
// window. A semaphore.Weighted of size is the limit: a check acquires a
// slot before it starts and releases it when it ends, so a new check
// starts the moment any one ends, instead of when the slowest of a batch
// ends. (errgroup.SetLimit does the same; see fanout.Limit and package
// workerpool. A semaphore's Acquire also watches ctx, so a cancelled
// window stops waiting for a slot at once.)
//
// It returns one error per item, in item order (nil for success). When ctx
// is done, no more items start, the running ones finish (fn sees ctx), and
// the rest get an error wrapping ErrNotStarted. It returns a nil slice and
// an error wrapping ErrSize if size is below 1, and runs nothing.
func Window[T any](ctx context.Context, items []T, size int, fn func(context.Context, T) error) ([]error, error) {
	if err := checkSize(size); err != nil {
		return nil, err
	}
	errs := make([]error, len(items))
	sem := semaphore.NewWeighted(int64(size))
	var wg sync.WaitGroup
	started := 0
	for ; started < len(items) && ctx.Err() == nil; started++ {
		// Blocks while size checks run; fails only when ctx is done.
		if sem.Acquire(ctx, 1) != nil {
			break
		}
		i := started // started is shared with the loop; i is this check's own
		wg.Go(func() {
			defer sem.Release(1)
			errs[i] = task.Do(ctx, fn, items[i])
		})
	}
	wg.Wait()
	task.MarkNotStarted(ctx, errs[started:])
	return errs, nil
}
