package fanout

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/workerpool"
)

// Both calls a and b at the same time and waits for both: slide 9's
//
//	wg.Add(2)
//	go func() { defer wg.Done(); ciWorkflowStatus, err = ...(appId) }()
//	go func() { defer wg.Done(); cdWorkflowStatus, err1 = ...(appId) }()
//	wg.Wait()
//
// It takes as long as the slower call (300 ms instead of 200 + 300 ms in
// sequence: slide 24's 40%). The error is both calls' errors joined
// (errors.Join), nil when both succeeded. A panic in a or b is that call's
// *workerpool.PanicError (the module's panic policy: see package
// workerpool). If ctx is done before Both starts, neither call runs and the
// error wraps workerpool.ErrNotStarted.
//
// Bad (slide 9): the slide writes err and err1 and then builds the
// TriggerWorkflowStatus without reading either, so a failed call shows up
// as an empty status and no error at all. Good: both errors reach the
// caller. What Both cannot do is stop early: after a fails, it still waits
// for b. Use [BothFailFast] when one failure makes the other result useless.
func Both[A, B any](ctx context.Context, a func(context.Context) (A, error), b func(context.Context) (B, error)) (A, B, error) {
	var (
		ra   A
		rb   B
		errA error // written only by a's goroutine, read after Wait
		errB error // written only by b's goroutine, read after Wait
		wg   sync.WaitGroup
	)
	if err := notStarted(ctx); err != nil {
		return ra, rb, err
	}
	wg.Go(func() { ra, errA = call(ctx, a) })
	wg.Go(func() { rb, errB = call(ctx, b) })
	wg.Wait()
	return ra, rb, errors.Join(errA, errB)
}

// BothFailFast calls a and b at the same time with errgroup.WithContext:
// the context the calls see is cancelled as soon as one of them fails (its
// cause is that failure), so the other stops early and BothFailFast returns
// at the time of the first failure, with that failure's error. Both calls
// must watch their context for this to work; a call that ignores it is
// still waited for. When both succeed it takes as long as [Both], and
// panics and a ctx done before the start are handled as in Both.
//
// On failure the results are whatever the calls returned (usually zero
// values); only the error counts.
func BothFailFast[A, B any](ctx context.Context, a func(context.Context) (A, error), b func(context.Context) (B, error)) (A, B, error) {
	var (
		ra A
		rb B
	)
	if err := notStarted(ctx); err != nil {
		return ra, rb, err
	}
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) { ra, err = call(gctx, a); return err })
	g.Go(func() (err error) { rb, err = call(gctx, b); return err })
	err := g.Wait() // the first non-nil error; gctx is cancelled with it
	return ra, rb, err
}

// call runs one side of a pair in the calling goroutine, turning a panic
// into its *workerpool.PanicError with the stack at the panic.
func call[R any](ctx context.Context, fn func(context.Context) (R, error)) (r R, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &workerpool.PanicError{Value: v, Stack: debug.Stack()}
		}
	}()
	return fn(ctx)
}

// notStarted is the error of a pair whose ctx is done before it starts.
func notStarted(ctx context.Context) error {
	if ctx.Err() == nil {
		return nil
	}
	return fmt.Errorf("%w: %w", workerpool.ErrNotStarted, context.Cause(ctx))
}
