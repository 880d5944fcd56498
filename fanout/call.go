package fanout

import (
	"context"
	"errors"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/task"
)

// ErrLimit is returned when a limit is below 1.
var ErrLimit = errors.New("fanout: limit must be at least 1")

// ErrPanic wraps a panic recovered from one call: that call's error, not a
// dead process (every call runs through task.Do, which recovers it).
var ErrPanic = task.ErrPanic

// ErrNotStarted wraps the context's error for items that were never started
// because the context was done first.
var ErrNotStarted = task.ErrNotStarted

// Result is the outcome of one item of a fan-out: its value, or its error.
type Result[R any] struct {
	Value R
	Err   error
}

// call runs fn for one item through task.Do: a panic becomes the item's
// error, and an item whose turn comes after ctx is done is not started.
func call[T, R any](ctx context.Context, fn func(context.Context, T) (R, error), item T) Result[R] {
	var v R
	err := task.Do(ctx, func(ctx context.Context, item T) error {
		var err error
		v, err = fn(ctx, item)
		return err
	}, item)
	return Result[R]{Value: v, Err: err}
}

// notStarted marks rs as never run because ctx was done.
func notStarted[R any](ctx context.Context, rs []Result[R]) {
	err := task.NotStarted(ctx)
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
