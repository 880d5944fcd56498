package shutdowndemo

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"testing/synctest"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/memnet"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/shutdown"
)

// The timeouts nest as shutdown.Detached's doc says: detach < drain < the
// pod's 30 s grace period, in the demo's scenario (DrainTimeout; ShortDrain
// is short on purpose) and in --serve, whatever the scale does to the
// detach timeout there (routes caps it).
func TestTimeoutsNest(t *testing.T) {
	const gracePeriod = 30 * time.Second
	for _, drain := range []time.Duration{DrainTimeout, ServeDrainTimeout} {
		if !(DeployTimeout < drain && drain < gracePeriod) {
			t.Errorf("DeployTimeout %v, drain timeout %v, grace period %v: want them in increasing order",
				DeployTimeout, drain, gracePeriod)
		}
	}
}

// TestLeaveOperation checks scenario 3's figures, exact in virtual time.
// The read's steps not done are expected; the deployment's are the bug.
func TestLeaveOperation(t *testing.T) {
	for _, tc := range []struct {
		name     string
		serve    func(shutdown.Job) http.Handler // nil: Detached on the bubble's context
		deploy   bool
		done     int
		recorded bool
		finished time.Duration
		expected int
	}{
		{"deploy r.ctx", shutdown.CancelOnDisconnect, true, 3, false, 0, 0},
		{"deploy detach", nil, true, 8, true, 8*DeployStep - UserLeaves, 0},
		{"read r.ctx", shutdown.CancelOnDisconnect, false, 3, false, 0, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				env := report.NewEnv(1, 1, nil)
				sc := env.Rec.Scenario(pattern, "14", "test", len(deploySteps))
				var sr stepRun
				serve := tc.serve
				if serve == nil {
					serve = func(j shutdown.Job) http.Handler { return shutdown.Detached(t.Context(), DeployTimeout, j) }
				}
				v := sc.Measure(t.Context(), report.Spec{Name: tc.name}, func(ctx context.Context, p *report.Probe) []error {
					sr = leaveOperation(ctx, memnet.New(), serve, tc.deploy, len(deploySteps), DeployStep, UserLeaves, p)
					return sr.errs
				})
				if sr.Failure != nil {
					t.Fatal(sr.Failure)
				}
				if sr.Done != tc.done || sr.Recorded != tc.recorded || sr.Finished != tc.finished || sr.Left != UserLeaves {
					t.Errorf("done %d, recorded %v, finished %v after, left at %v; want %d, %v, %v, %v",
						sr.Done, sr.Recorded, sr.Finished, sr.Left, tc.done, tc.recorded, tc.finished, UserLeaves)
				}
				if v.Expected != tc.expected {
					t.Errorf("expected failures %d, want %d", v.Expected, tc.expected)
				}
			})
		})
	}
}

// Ctrl-C during a detached deployment ends it too (the demo's run is its
// life), at once, and the steps are labelled as they were: done, stopped
// mid-step, not started.
func TestLeaveOperationCtrlC(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		env := report.NewEnv(1, 1, nil)
		sc := env.Rec.Scenario(pattern, "14", "test", len(deploySteps))
		ctx, cancel := context.WithCancel(t.Context())
		const at = 550 * time.Millisecond // half-way through step 6
		time.AfterFunc(at, cancel)
		var sr stepRun
		start := time.Now()
		v := sc.Measure(ctx, report.Spec{Name: "deploy detach"}, func(ctx context.Context, p *report.Probe) []error {
			serve := func(j shutdown.Job) http.Handler { return shutdown.Detached(ctx, DeployTimeout, j) }
			sr = leaveOperation(ctx, memnet.New(), serve, true, len(deploySteps), DeployStep, UserLeaves, p)
			return sr.errs
		})
		if took := time.Since(start); took != at {
			t.Errorf("returned %v after the start, want %v: at Ctrl-C", took, at)
		}
		if sr.Done != 5 || sr.Recorded || !v.Partial || v.OK != 5 || v.Failed != 3 {
			t.Errorf("done %d, recorded %v, partial %v, ok %d, failed %d; want 5, false, true, 5, 3",
				sr.Done, sr.Recorded, v.Partial, v.OK, v.Failed)
		}
		if !errors.Is(sr.errs[5], errInterrupted) || !errors.Is(sr.errs[6], context.Canceled) || errors.Is(sr.errs[6], errNotDone) {
			t.Errorf("steps 6 and 7: %v, %v; want stopped mid-step, then cancelled before it started", sr.errs[5], sr.errs[6])
		}
	})
}

// A client that gives up before its request is even sent (at a tiny
// --scale) leaves no handler to wait for: both scenarios give the request
// arriveGrace to arrive, then report nothing done instead of hanging.
func TestClientGivesUpBeforeSending(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		env := report.NewEnv(1, 1, nil)
		sc := env.Rec.Scenario(pattern, "14", "test", len(deploySteps))
		start := time.Now()
		var sr stepRun
		sc.Measure(t.Context(), report.Spec{Name: "deploy"}, func(ctx context.Context, p *report.Probe) []error {
			sr = leaveOperation(ctx, memnet.New(), shutdown.CancelOnDisconnect, true, len(deploySteps), DeployStep, 0, p)
			return sr.errs
		})
		if took := time.Since(start); took != arriveGrace || sr.Done != 0 {
			t.Errorf("leaveOperation: %v, %d steps done; want arriveGrace (%v), none", took, sr.Done, arriveGrace)
		}
		sc = env.Rec.Scenario(pattern, "14", "test", ClusterCalls)
		start = time.Now()
		var lr leaveRun
		sc.Measure(t.Context(), report.Spec{Name: "create"}, func(ctx context.Context, p *report.Probe) []error {
			lr = createAndLeave(ctx, memnet.New(), shutdown.CancelOnDisconnect, ClusterCalls, APICallLatency, 0, true, p)
			return lr.errs
		})
		if took := time.Since(start); took != APICallLatency+arriveGrace || lr.Made != 0 {
			t.Errorf("createAndLeave: %v, %d calls made; want one call's wait + arriveGrace, none", took, lr.Made)
		}
	})
}
