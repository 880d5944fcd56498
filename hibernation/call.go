package hibernation

import (
	"context"
	"errors"
	"fmt"
)

// ErrSize is returned when a batch or window size is below 1. (The slide's
// loop never advances with a batch size of 0: it spins forever.)
var ErrSize = errors.New("hibernation: size must be at least 1")

// ErrPanic wraps a panic recovered from one check.
var ErrPanic = errors.New("panic")

// ErrNotStarted wraps the context's error for checks that never started
// because the context was done first.
var ErrNotStarted = errors.New("not started")

// call runs fn for one item and turns a panic into that item's error: a
// panic in a goroutine otherwise kills the whole process.
func call[T any](ctx context.Context, fn func(context.Context, T) error, item T) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v", ErrPanic, r)
		}
	}()
	return fn(ctx, item)
}

// notStarted fills errs with the reason its items never ran.
func notStarted(ctx context.Context, errs []error) {
	err := fmt.Errorf("%w: %w", ErrNotStarted, context.Cause(ctx))
	for i := range errs {
		errs[i] = err
	}
}

func checkSize(size int) error {
	if size < 1 {
		return fmt.Errorf("%w (size %d)", ErrSize, size)
	}
	return nil
}
