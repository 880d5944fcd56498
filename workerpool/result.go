package workerpool

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
)

// Result is the outcome of one item: the value its fn returned, and its
// error (nil for success). Every shape returns one Result per item, in item
// order, so no outcome is dropped and none lands under another item.
type Result[R any] struct {
	Value R
	Err   error
}

// ErrNotStarted is wrapped by the error of every item that never ran
// because ctx was done before its turn came. The same error also wraps
// context.Cause(ctx), so errors.Is finds context.Canceled or the cause.
var ErrNotStarted = errors.New("not started")

// ErrLimit is wrapped by the error of every item when a shape is given a
// size, limit or worker count below 1: no item runs. (The production loop
// never advanced with a batch size of 0, and spun forever.)
var ErrLimit = errors.New("limit must be at least 1")

// PanicError is the error of an item whose fn panicked: the panic, caught
// in the item's own goroutine, with the stack at the moment of the panic,
// so a crash reporter can still show where it happened. Find it with
// errors.As.
type PanicError struct {
	Value any    // what fn passed to panic
	Stack []byte // the panicking goroutine's stack, as debug.Stack formats it
}

func (e *PanicError) Error() string { return fmt.Sprintf("panic: %v", e.Value) }

// Unwrap returns the panic's value if it is an error (a runtime error, say),
// so errors.Is and errors.As see through the panic to it.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// run calls fn for one item and returns its outcome, a panic included: the
// one place the package's panic policy is written down. The deferred
// recover runs on top of the panicking frames, so debug.Stack still names
// the function that panicked.
func run[T, R any](ctx context.Context, fn func(context.Context, T) (R, error), item T) (res Result[R]) {
	defer func() {
		if v := recover(); v != nil {
			res = Result[R]{Err: &PanicError{Value: v, Stack: debug.Stack()}}
		}
	}()
	v, err := fn(ctx, item)
	return Result[R]{Value: v, Err: err}
}

// skip says whether an item must not start because ctx is done, and gives
// it its error: one error for all of a call's skipped items, made once,
// however many there are. A shape can wait for a free slot past the
// cancellation, so it asks again right before each item.
type skip struct {
	ctx  context.Context
	done <-chan struct{}
	once sync.Once
	err  error
}

func newSkip(ctx context.Context) *skip { return &skip{ctx: ctx, done: ctx.Done()} }

// now reports whether ctx is done. A receive with a default is a few
// nanoseconds, and never takes the context's lock as ctx.Err() does.
func (s *skip) now() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

// error is the skipped items' error: ErrNotStarted wrapping ctx's cause.
func (s *skip) error() error {
	s.once.Do(func() { s.err = fmt.Errorf("%w: %w", ErrNotStarted, context.Cause(s.ctx)) })
	return s.err
}

// fill gives every result in rs the error err.
func fill[R any](rs []Result[R], err error) {
	for i := range rs {
		rs[i] = Result[R]{Err: err}
	}
}

// badLimit returns a result per item, each with the same error wrapping
// ErrLimit, if n is below 1; what names the number ("batch size", "limit").
func badLimit[R any](what string, n, items int) ([]Result[R], bool) {
	if n >= 1 {
		return nil, false
	}
	rs := make([]Result[R], items)
	fill(rs, fmt.Errorf("%w (%s %d)", ErrLimit, what, n))
	return rs, true
}
