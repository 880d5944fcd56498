package workerpool

import (
	"context"
	"errors"
	"fmt"
)

// ErrLimit is returned when a batch size, worker count or limit is below 1.
// (The production loop this package comes from never advanced with a batch
// size of 0: it spun forever. Here it is an error before any work starts.)
var ErrLimit = errors.New("workerpool: limit must be at least 1")

// ErrPanic wraps a panic recovered from an item's work.
var ErrPanic = errors.New("panic")

// ErrNotStarted wraps the context's error for items that were never started
// because the context was done first.
var ErrNotStarted = errors.New("not started")

// call runs fn for one item and turns a panic into that item's error. An
// item whose turn comes after ctx is done is not started: a shape may have
// waited for a free slot past the cancellation (errgroup's Go, a worker's
// receive), and starting work then would only waste it. A
// panic in a goroutine otherwise kills the whole process; recovering it
// without a deferred wg.Done would skip the Done and leave Wait blocked
// forever (slide 23's deadlock). Here Done is deferred by WaitGroup.Go and
// the panic never leaves call.
func call[T any](ctx context.Context, fn func(context.Context, T) error, item T) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v", ErrPanic, r)
		}
	}()
	if ctx.Err() != nil {
		return notStartedErr(ctx)
	}
	return fn(ctx, item)
}

// notStarted fills errs with the reason its items never ran.
func notStarted(ctx context.Context, errs []error) {
	err := notStartedErr(ctx)
	for i := range errs {
		errs[i] = err
	}
}

func notStartedErr(ctx context.Context) error {
	return fmt.Errorf("%w: %w", ErrNotStarted, context.Cause(ctx))
}

func checkLimit(what string, n int) error {
	if n < 1 {
		return fmt.Errorf("%w (%s %d)", ErrLimit, what, n)
	}
	return nil
}
