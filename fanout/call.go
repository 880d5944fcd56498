package fanout

import (
	"context"
	"errors"
	"fmt"
)

// ErrLimit is returned when a limit is below 1.
var ErrLimit = errors.New("fanout: limit must be at least 1")

// ErrPanic wraps a panic recovered from one call.
var ErrPanic = errors.New("panic")

// ErrNotStarted wraps the context's error for items that were never started
// because the context was done first.
var ErrNotStarted = errors.New("not started")

// Result is the outcome of one item of a fan-out: its value, or its error.
type Result[R any] struct {
	Value R
	Err   error
}

// call runs fn for one item and turns a panic into that item's error: a
// panic in a goroutine otherwise kills the whole process.
func call[T, R any](ctx context.Context, fn func(context.Context, T) (R, error), item T) (r Result[R]) {
	defer func() {
		if p := recover(); p != nil {
			r = Result[R]{Err: fmt.Errorf("%w: %v", ErrPanic, p)}
		}
	}()
	v, err := fn(ctx, item)
	return Result[R]{Value: v, Err: err}
}

// notStarted marks rs as never run because ctx was done.
func notStarted[R any](ctx context.Context, rs []Result[R]) {
	err := fmt.Errorf("%w: %w", ErrNotStarted, context.Cause(ctx))
	for i := range rs {
		rs[i] = Result[R]{Err: err}
	}
}

// Errors returns the errors of rs, one per item, in item order.
func Errors[R any](rs []Result[R]) []error {
	errs := make([]error, len(rs))
	for i, r := range rs {
		errs[i] = r.Err
	}
	return errs
}
