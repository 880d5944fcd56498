package shutdowndemo

import (
	"context"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/memnet"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/sim"
)

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

// A scaled interval of 0 (a tiny --scale) is an error, not a panic on the
// loop's goroutine.
func TestRunWithLeakyLeaseBadInterval(t *testing.T) {
	ran := false
	err := RunWithLeakyLease(t.Context(), 0, func(context.Context) {}, func(context.Context) error { ran = true; return nil }, nil)
	if err == nil || ran {
		t.Errorf("every 0: %v, job ran %v; want an error and no job", err, ran)
	}
}

// TestLeaseRequests checks scenario 4's figures, exact in virtual time.
// The watch after the requests is observing, not work: the variant's
// worked time is the job's.
func TestLeaseRequests(t *testing.T) {
	for _, leaky := range []bool{true, false} {
		synctest.Test(t, func(t *testing.T) {
			env := report.NewEnv(1, 1, nil)
			n := 5
			sc := env.Rec.Scenario(pattern, "23", "test", n)
			var lr leakRun
			v := sc.Measure(t.Context(), report.Spec{Name: "test"}, func(ctx context.Context, p *report.Probe) []error {
				lr = leaseRequests(ctx, memnet.New(), leaky, n, LeaseJob, LeaseEvery, p)
				return lr.errs
			})
			if lr.Failure != nil {
				t.Fatal(lr.Failure)
			}
			wantLeaked, wantRenewals := 0, int64(0)
			if leaky {
				// Each leaked loop renews on every tick after its job
				// ended at 250ms, during the 300ms watch: at 300, 400
				// and 500ms. (Stopping the server does not wait for
				// them to go: it knows they will not.)
				wantLeaked, wantRenewals = n, int64(n*leakWatch)
			}
			if lr.Leaked != wantLeaked || lr.Renewals != wantRenewals || v.Failed != wantLeaked {
				t.Errorf("leaky %v: leaked %d, renewals after the end %d, failed %d; want %d, %d, %d",
					leaky, lr.Leaked, lr.Renewals, v.Failed, wantLeaked, wantRenewals, wantLeaked)
			}
			if lr.AfterEnd != lr.Before+wantLeaked || lr.AfterStop != lr.Before {
				t.Errorf("leaky %v: goroutines %d before, %d after the requests, %d after stop; want %d, %d",
					leaky, lr.Before, lr.AfterEnd, lr.AfterStop, lr.Before+wantLeaked, lr.Before)
			}
			worked := time.Duration((v.WallMS - v.ObservedMS) * float64(time.Millisecond))
			if observed := time.Duration(v.ObservedMS * float64(time.Millisecond)); observed < leakWatch*LeaseEvery || worked < LeaseJob || worked > LeaseJob+2*time.Millisecond {
				t.Errorf("leaky %v: observed %v, worked %v; want the %v watch and more observed, the %v job worked (plus a poll or two)",
					leaky, observed, worked, leakWatch*LeaseEvery, LeaseJob)
			}
		})
	}
}
