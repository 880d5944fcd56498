package workerpool

import (
	"context"
	"sync"
)

// Batches calls fn for items in batches of size: size goroutines start, and
// the next batch starts only when the whole batch is done. It is the shape
// of slides 5 and 7, corrected (see the comments below for the slides'
// bugs).
//
// Batches returns one Result per item, in item order. Once ctx is done, the
// batch in flight finishes (fn sees ctx) and the items of the batches not
// started get an error wrapping ErrNotStarted. A panic in fn is that item's
// *PanicError. If size is below 1, nothing runs and every item's error
// wraps ErrLimit.
//
// A batch waits for its slowest member: one slow item holds size-1 slots
// idle until it ends. [Window] does not.
func Batches[T, R any](ctx context.Context, items []T, size int, fn func(context.Context, T) (R, error)) []Result[R] {
	if rs, bad := badLimit[R]("batch size", size, len(items)); bad {
		return rs
	}
	rs := make([]Result[R], len(items))
	skip := newSkip(ctx)
	for start := 0; start < len(items); start += size {
		if skip.now() {
			fill(rs[start:], skip.error())
			break
		}
		// min: the last batch may be short. Slide 19 starts a full
		// batch every time, reads replicaNodes[i+j] past the end and
		// panics when the count is not a multiple of the batch size.
		end := min(start+size, len(items))
		var wg sync.WaitGroup
		for i := start; i < end; i++ {
			// Bad (slide 7): err = handle(...) assigns one err shared
			// by every goroutine: a data race, in which a later success
			// overwrites an earlier failure. Good: each goroutine
			// writes its own rs[i].
			wg.Go(func() {
				if skip.now() { // Ctrl-C as the batch was starting
					rs[i].Err = skip.error()
					return
				}
				rs[i] = run(ctx, fn, items[i])
			})
		}
		wg.Wait() // the batch's slowest member
	}
	return rs
}
