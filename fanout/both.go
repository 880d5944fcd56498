package fanout

import (
	"context"
	"errors"
	"sync"

	"golang.org/x/sync/errgroup"
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
// (errors.Join), nil when both succeeded.
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
	wg.Go(func() { ra, errA = callOne(ctx, a) })
	wg.Go(func() { rb, errB = callOne(ctx, b) })
	wg.Wait()
	return ra, rb, errors.Join(errA, errB)
}

// BothFailFast calls a and b at the same time with errgroup.WithContext:
// the context the calls see is cancelled as soon as one of them fails (its
// cause is that failure), so the other stops early and BothFailFast returns
// at the time of the first failure, with that failure's error. Both calls
// must watch their context for this to work; a call that ignores it is
// still waited for. When both succeed it takes as long as [Both].
//
// On failure the results are whatever the calls returned (usually zero
// values); only the error counts.
func BothFailFast[A, B any](ctx context.Context, a func(context.Context) (A, error), b func(context.Context) (B, error)) (A, B, error) {
	var (
		ra A
		rb B
	)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) { ra, err = callOne(gctx, a); return err })
	g.Go(func() (err error) { rb, err = callOne(gctx, b); return err })
	err := g.Wait() // the first non-nil error; gctx is cancelled with it
	return ra, rb, err
}

// callOne runs one side of a pair and turns its panic into its error.
func callOne[R any](ctx context.Context, fn func(context.Context) (R, error)) (R, error) {
	r := call(ctx, func(ctx context.Context, _ struct{}) (R, error) { return fn(ctx) }, struct{}{})
	return r.Value, r.Err
}
