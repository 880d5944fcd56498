package hibernation

import (
	"context"
	"sync"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/task"
)

// Window runs fn for items with at most size running at once: a sliding
// window. A buffered channel of size tokens is the semaphore: a goroutine
// takes a token before its check and gives it back after, so a new check
// starts the moment any one ends, instead of when the slowest of a batch
// ends (errgroup.SetLimit does the same, see package workerpool).
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
	// tokens is never closed: it is not a stream, only a counter of the
	// checks in flight, and it is garbage once Window returns.
	tokens := make(chan struct{}, size)
	var wg sync.WaitGroup
	started := 0
loop:
	for ; started < len(items) && ctx.Err() == nil; started++ {
		select {
		case tokens <- struct{}{}: // blocks while size checks run
		case <-ctx.Done():
			break loop
		}
		i := started // started is shared with the loop; i is this check's own
		wg.Go(func() {
			defer func() { <-tokens }()
			errs[i] = task.Do(ctx, fn, items[i])
		})
	}
	wg.Wait()
	task.MarkNotStarted(ctx, errs[started:])
	return errs, nil
}
