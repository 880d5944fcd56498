package workerpool

import (
	"context"
	"sync"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/task"
)

// Pool runs fn for items on workers long-lived goroutines that take item
// indexes from one channel: the classic worker pool, written by hand. A
// worker that finishes takes the next item at once, so at most workers
// items run at a time and no slot waits for a slow neighbour.
//
// It returns one error per item, in item order (nil for success). When ctx
// is done, no more items are handed out, the ones running finish (fn sees
// ctx), and the rest get an error wrapping ErrNotStarted. It returns a nil
// slice and an error wrapping ErrLimit if workers is below 1, and runs
// nothing.
func Pool[T any](ctx context.Context, items []T, workers int, fn func(context.Context, T) error) ([]error, error) {
	if err := checkLimit("workers", workers); err != nil {
		return nil, err
	}
	errs := make([]error, len(items))

	// jobs carries item indexes. Owner: this function, the only sender;
	// it closes jobs after the last send, which ends every worker's range.
	// Unbuffered, so an index is handed out only when a worker is free.
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(workers, len(items)) {
		wg.Go(func() {
			for i := range jobs {
				errs[i] = task.Do(ctx, fn, items[i])
			}
		})
	}

	sent := feed(ctx, jobs, len(items))
	close(jobs)
	wg.Wait()
	task.MarkNotStarted(ctx, errs[sent:])
	return errs, nil
}

// feed sends the indexes 0..n-1 on jobs until ctx is done, and returns how
// many it sent. Without the ctx case, a cancelled run would still hand out
// every item, one at a time, to workers that would only turn each away
// (task.Do starts nothing after cancellation).
func feed(ctx context.Context, jobs chan<- int, n int) int {
	for i := range n {
		select {
		case jobs <- i:
		case <-ctx.Done():
			return i
		}
	}
	return n
}
