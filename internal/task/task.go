// Package task runs one item of a pattern's work safely: the part every
// pattern package shares and none of them is about. workerpool,
// hibernation and fanout re-export its errors as their own.
package task

import (
	"context"
	"errors"
	"fmt"
)

// ErrPanic wraps a panic recovered from one item's work.
var ErrPanic = errors.New("panic")

// ErrNotStarted wraps the context's error for an item that never started
// because the context was done first.
var ErrNotStarted = errors.New("not started")

// Do runs fn for one item and returns its error, turning a panic into that
// item's error: a panic in a goroutine otherwise kills the whole process,
// and recovering it without a deferred wg.Done would skip the Done and
// leave Wait blocked forever (slide 23's deadlock).
//
// An item whose turn comes after ctx is done is not started and gets
// NotStarted(ctx): a pattern may have waited for a free slot past the
// cancellation (errgroup's Go, a worker's receive), and starting work then
// would only waste it.
func Do[T any](ctx context.Context, fn func(context.Context, T) error, item T) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v", ErrPanic, r)
		}
	}()
	if ctx.Err() != nil {
		return NotStarted(ctx)
	}
	return fn(ctx, item)
}

// NotStarted is the error of an item that never started because ctx was
// done: it wraps both ErrNotStarted and the context's cause.
func NotStarted(ctx context.Context) error {
	return fmt.Errorf("%w: %w", ErrNotStarted, context.Cause(ctx))
}

// MarkNotStarted sets every element of errs to NotStarted(ctx).
func MarkNotStarted(ctx context.Context, errs []error) {
	err := NotStarted(ctx)
	for i := range errs {
		errs[i] = err
	}
}
