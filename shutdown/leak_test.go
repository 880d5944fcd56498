package shutdown

import (
	"context"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/sim"
)

func TestRunWithLeaseEndsItsLoop(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var renewals atomic.Int64
		renew := func(context.Context) { renewals.Add(1) }
		before := numGoroutine()
		err := RunWithLease(t.Context(), 100*time.Millisecond, renew,
			func(ctx context.Context) error { return sim.Sleep(ctx, 350*time.Millisecond) })
		if err != nil {
			t.Fatal(err)
		}
		synctest.Wait() // the loop's goroutine has returned; let it exit
		if n := numGoroutine(); n != before {
			t.Errorf("goroutines %d before, %d after RunWithLease returned", before, n)
		}
		time.Sleep(time.Second) // a loop still running would renew 10 more times
		if got := renewals.Load(); got != 3 {
			t.Errorf("renewals %d, want 3 (at 100, 200 and 300ms) and none after the job", got)
		}
	})
}

func TestRunWithLeakyLeaseLeaks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var renewals atomic.Int64
		renew := func(context.Context) { renewals.Add(1) }
		stop := make(chan struct{})
		before := numGoroutine()
		err := RunWithLeakyLease(t.Context(), 100*time.Millisecond, renew,
			func(ctx context.Context) error { return sim.Sleep(ctx, 350*time.Millisecond) }, stop)
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Second)
		if n := numGoroutine(); n != before+1 {
			t.Errorf("goroutines %d before, %d a second after the job: want the leaked loop", before, n)
		}
		if got := renewals.Load(); got != 13 {
			t.Errorf("renewals %d, want 13: the loop renews a lease of a job that has ended", got)
		}
		close(stop)
		synctest.Wait()
		if n := numGoroutine(); n != before {
			t.Errorf("goroutines %d after stop, want %d", n, before)
		}
	})
}

// TestLeaseRequests checks scenario 4's figures, exact in virtual time.
func TestLeaseRequests(t *testing.T) {
	for _, leaky := range []bool{true, false} {
		synctest.Test(t, func(t *testing.T) {
			env := report.NewEnv(1, 1, nil)
			n := 5
			sc := env.Rec.Scenario(pattern, "23", "test", n)
			var lr leakRun
			sc.Measure(t.Context(), report.Spec{Name: "test"}, func(ctx context.Context, p *report.Probe) []error {
				lr = leaseRequests(ctx, newMemNet(), leaky, n, LeaseJob, LeaseEvery, p)
				return lr.errs
			})
			if lr.failure != nil {
				t.Fatal(lr.failure)
			}
			wantLeaked, wantRenewals := 0, int64(0)
			if leaky {
				// Each leaked loop renews on every tick after its job
				// ended at 250ms, during the 300ms watch: at 300, 400
				// and 500ms. (Stopping the server does not wait for
				// them to go: it knows they will not.)
				wantLeaked, wantRenewals = n, int64(n*leakWatch)
			}
			if lr.leaked != wantLeaked || lr.renewals != wantRenewals {
				t.Errorf("leaky %v: leaked %d, renewals after the end %d; want %d, %d",
					leaky, lr.leaked, lr.renewals, wantLeaked, wantRenewals)
			}
			if lr.afterEnd != lr.before+wantLeaked || lr.afterStop != lr.before {
				t.Errorf("leaky %v: goroutines %d before, %d after the requests, %d after stop; want %d, %d",
					leaky, lr.before, lr.afterEnd, lr.afterStop, lr.before+wantLeaked, lr.before)
			}
		})
	}
}
