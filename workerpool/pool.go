package workerpool

import (
	"context"
	"sync"
)

// Pool calls fn for items on workers long-lived goroutines that take item
// indexes from one channel: the classic worker pool, written by hand. A
// worker that finishes takes the next item at once, so it is the same
// sliding window as [Window], without a goroutine per item; Window is
// shorter and what to use, Pool shows what a window is made of.
//
// Pool returns one Result per item, in item order. Once ctx is done, no
// more items are handed out, the running ones finish (fn sees ctx), and the
// rest get an error wrapping ErrNotStarted. A panic in fn is that item's
// *PanicError. If workers is below 1, nothing runs and every item's error
// wraps ErrLimit.
func Pool[T, R any](ctx context.Context, items []T, workers int, fn func(context.Context, T) (R, error)) []Result[R] {
	if rs, bad := badLimit[R]("workers", workers, len(items)); bad {
		return rs
	}
	rs := make([]Result[R], len(items))
	skip := newSkip(ctx)
	if skip.now() { // no worker to start for nothing
		fill(rs, skip.error())
		return rs
	}

	// jobs carries item indexes. Owner: this function, its only sender,
	// which closes it after the last send; that ends every worker's
	// range. Unbuffered, so an index is handed out only when a worker is
	// free to take it, and none waits in a buffer past a cancellation.
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(workers, len(items)) {
		wg.Go(func() {
			for i := range jobs {
				if skip.now() { // select may pick the send over done
					rs[i].Err = skip.error()
					continue
				}
				rs[i] = run(ctx, fn, items[i])
			}
		})
	}
	sent := 0
feed:
	for ; sent < len(items); sent++ {
		select {
		case jobs <- sent:
		case <-skip.done: // without it, a cancelled pool hands out every item
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	if sent < len(items) {
		fill(rs[sent:], skip.error())
	}
	return rs
}
