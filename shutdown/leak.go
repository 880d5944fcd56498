package shutdown

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/workerpool"
)

// Slide 23's goroutine leak is a background loop with no exit condition:
//
//	go func() {
//		for {
//			doWork() // No exit condition!
//		}
//	}()
//
// Next to a job it renews the lease of, it outlives the job, renews a lease
// nobody holds, and each call leaks one goroutine for the life of the
// process. RunWithLease is the same loop with the exit, and an owner that
// waits for it.

// RunWithLease runs job on ctx while a background loop calls renew every
// tick to keep job's lease (a lock, a claim on a workflow runner). It
// blocks until job has returned and the loop has ended: when RunWithLease
// returns, no renewal is running or will run, even when job panics.
//
// Who cancels: RunWithLease gives job and renew one context derived from
// ctx, and cancels it as soon as job returns (or panics); the loop selects
// on its Done, the exit condition slide 23's loop lacks. renew calls never
// overlap one another, and may run while job does; once job has returned,
// none starts (one under way is waited for), even at the very tick job
// returns on.
//
// Panics: job runs on the caller's goroutine, so a panic in it goes up to
// the caller as usual, after the loop has ended. renew runs on the loop's
// goroutine, which RunWithLease starts: a panic there is recovered into a
// *workerpool.PanicError (value and stack, for errors.As), which stops the
// loop and cancels job's context with the PanicError as its cause (a job
// without a renewed lease must stop). The PanicError is then returned,
// joined with job's error unless job returned it already.
//
// RunWithLease returns job's error, and nothing else but a renew panic. If
// every is not positive, it runs neither and returns an error: the ticker
// would panic in the loop's goroutine, where no caller can recover it.
func RunWithLease(ctx context.Context, every time.Duration, renew func(context.Context), job Job) (err error) {
	if every <= 0 {
		return fmt.Errorf("lease renewal every %v: the interval must be positive", every)
	}
	ctx, cancel := context.WithCancelCause(ctx)
	var (
		wg     sync.WaitGroup
		panicE error // the loop's renew panic; written by the loop, read after wg.Wait
		l      lease
	)
	// Deferred, so that a job that panics still ends the loop: with
	// cancel and Wait after job's return, the panic would skip them and
	// the loop would renew on for ever.
	defer func() {
		l.end(cancel)
		wg.Wait()
		if panicE != nil && !errors.Is(err, panicE) {
			err = errors.Join(err, panicE)
		}
	}()
	wg.Go(func() { panicE = renewUntilDone(ctx, every, renew, cancel, &l) })
	return job(ctx)
}

// lease says whether the job still holds its lease. A renewal runs with
// mu held, and end takes it, so a renewal is never under way, nor starts,
// once the job has returned: the tick the job ends on is a moment at which
// the loop's select can pick either case.
type lease struct {
	mu    sync.Mutex
	ended bool
}

// end ends the lease: it waits for a renewal under way, then cancels ctx.
func (l *lease) end(cancel context.CancelCauseFunc) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.ended = true
	cancel(nil)
}

// renewUntilDone calls renew every tick until ctx is done or the lease has
// ended. A renew panic ends it: it cancels ctx with the
// *workerpool.PanicError as the cause and returns it.
func renewUntilDone(ctx context.Context, every time.Duration, renew func(context.Context), cancel context.CancelCauseFunc, l *lease) error {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done(): // the exit condition
			return nil
		case <-t.C:
			if err := l.renew(ctx, renew); err != nil {
				cancel(err)
				return err
			}
		}
	}
}

// renew calls renew unless the lease has ended, and returns its panic.
func (l *lease) renew(ctx context.Context, renew func(context.Context)) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ended {
		return nil // the loop sees ctx done at its next select
	}
	return renewOnce(ctx, renew)
}

// renewOnce calls renew, and returns its panic as a *workerpool.PanicError.
// The deferred recover runs on top of the panicking frames, so debug.Stack
// still names the function that panicked.
func renewOnce(ctx context.Context, renew func(context.Context)) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &workerpool.PanicError{Value: v, Stack: debug.Stack()}
		}
	}()
	renew(ctx)
	return nil
}
