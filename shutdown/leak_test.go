package shutdown

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/workerpool"
)

func TestRunWithLeaseEndsItsLoop(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var renewals atomic.Int64
		renew := func(context.Context) { renewals.Add(1) }
		before := bubbleGoroutines()
		err := RunWithLease(t.Context(), 100*time.Millisecond, renew,
			func(ctx context.Context) error { return sleep(ctx, 350*time.Millisecond) })
		if err != nil {
			t.Fatal(err)
		}
		synctest.Wait() // the loop's goroutine has returned; let it exit
		if n := bubbleGoroutines(); n != before {
			t.Errorf("goroutines %d before, %d after RunWithLease returned", before, n)
		}
		time.Sleep(time.Second) // a loop still running would renew 10 more times
		if got := renewals.Load(); got != 3 {
			t.Errorf("renewals %d, want 3 (at 100, 200 and 300ms) and none after the job", got)
		}
	})
}

// A job that panics still ends the loop: the panic goes up to the caller
// (the job runs on its goroutine) and no renewal comes after it. With the
// cancel and the wait after the job's return, not deferred, the loop
// renewed on for ever (issue 14).
func TestRunWithLeaseEndsItsLoopWhenTheJobPanics(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var renewals atomic.Int64
		renew := func(context.Context) { renewals.Add(1) }
		before := bubbleGoroutines()
		var got any
		func() {
			defer func() { got = recover() }()
			_ = RunWithLease(t.Context(), 100*time.Millisecond, renew, func(ctx context.Context) error {
				_ = sleep(ctx, 250*time.Millisecond)
				panic("job blew up")
			})
		}()
		if got != "job blew up" {
			t.Fatalf("recovered %v, want the job's panic", got)
		}
		synctest.Wait()
		if n := bubbleGoroutines(); n != before {
			t.Errorf("goroutines %d before, %d after the panic: the renewal loop leaked", before, n)
		}
		time.Sleep(time.Second)
		if n := renewals.Load(); n != 2 {
			t.Errorf("renewals %d, want 2 (at 100 and 200ms) and none after the panic", n)
		}
	})
}

// checkLease stands for a renewal with a bug.
func checkLease(holders map[string]int) { holders["runner-7"]++ }

// A panic in renew is recovered on the loop's goroutine: the loop stops,
// the job is cancelled with the *PanicError as its cause, and RunWithLease
// returns it once, with the stack naming the function that panicked.
func TestRunWithLeaseRenewPanics(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var renewals atomic.Int64
		renew := func(context.Context) {
			if renewals.Add(1) == 2 {
				checkLease(nil) // assignment to entry in nil map
			}
		}
		start := time.Now()
		var jobErr error
		err := RunWithLease(t.Context(), 100*time.Millisecond, renew, func(ctx context.Context) error {
			jobErr = sleep(ctx, time.Hour)
			return jobErr
		})
		if got := time.Since(start); got != 200*time.Millisecond {
			t.Errorf("returned after %v, want 200ms: at the panicking renewal", got)
		}
		var pe *workerpool.PanicError
		if !errors.As(err, &pe) || !strings.Contains(err.Error(), "assignment to entry in nil map") {
			t.Fatalf("RunWithLease: %v, want the renewal's *PanicError", err)
		}
		if !strings.Contains(string(pe.Stack), "shutdown.checkLease(") {
			t.Errorf("the stack does not name the panicking function:\n%s", pe.Stack)
		}
		if !errors.Is(jobErr, pe) {
			t.Errorf("the job ended with %v, want the PanicError as its context's cause", jobErr)
		}
		if strings.Count(err.Error(), "panic:") != 1 {
			t.Errorf("RunWithLease: %q, want the panic said once", err)
		}
		time.Sleep(time.Second)
		if n := renewals.Load(); n != 2 {
			t.Errorf("renewals %d, want 2: the loop stops at the panic", n)
		}
	})
}

// A job that ignores its context still cannot hide a renewal's panic: the
// PanicError is joined to the job's own outcome.
func TestRunWithLeaseRenewPanicJoinsTheJobsError(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		quota := errors.New("quota exceeded")
		err := RunWithLease(t.Context(), 100*time.Millisecond, func(context.Context) { panic("renew blew up") },
			func(context.Context) error {
				time.Sleep(time.Second) // ignores ctx
				return quota
			})
		var pe *workerpool.PanicError
		if !errors.Is(err, quota) || !errors.As(err, &pe) || pe.Value != "renew blew up" {
			t.Errorf("RunWithLease: %v, want the job's error and the renewal's panic", err)
		}
	})
}

// A non-positive interval runs nothing: time.NewTicker would panic on the
// loop's goroutine, beyond any caller's recover.
func TestRunWithLeaseBadInterval(t *testing.T) {
	for _, every := range []time.Duration{0, -time.Second} {
		ran := false
		err := RunWithLease(t.Context(), every, func(context.Context) {}, func(context.Context) error { ran = true; return nil })
		if err == nil || ran {
			t.Errorf("every %v: %v, job ran %v; want an error and no job", every, err, ran)
		}
	}
}

// A job that ends on a tick gets no renewal after it: the loop's select
// sees both the tick and the job's end, and picks either. No renewal may
// run once RunWithLease has ended the lease (its context is then done).
// Run many times: select picks a ready case at random.
func TestRunWithLeaseNoRenewalAtTheEnd(t *testing.T) {
	for range 100 {
		synctest.Test(t, func(t *testing.T) {
			var late atomic.Int64
			renew := func(ctx context.Context) {
				if ctx.Err() != nil { // the lease had ended
					late.Add(1)
				}
			}
			err := RunWithLease(t.Context(), 100*time.Millisecond, renew, func(ctx context.Context) error {
				return sleep(ctx, 300*time.Millisecond) // ends exactly on the third tick
			})
			synctest.Wait()
			if err != nil || late.Load() != 0 {
				t.Fatalf("err %v, %d renewals after the lease ended; want none", err, late.Load())
			}
		})
	}
}
