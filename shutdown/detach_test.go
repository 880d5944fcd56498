package shutdown

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"testing/synctest"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/sim"
)

type userKey struct{}

func TestDetachedFinishesAfterTheClientLeft(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var user any
		var jobErr error
		h := Detached(t.Context(), time.Minute, func(ctx context.Context) error {
			user = ctx.Value(userKey{})
			jobErr = sim.Sleep(ctx, 800*time.Millisecond)
			return jobErr
		})
		ctx := context.WithValue(t.Context(), userKey{}, "alice")
		ctx, cancel := context.WithTimeout(ctx, 350*time.Millisecond) // the user leaves
		defer cancel()
		start := time.Now()
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequestWithContext(ctx, http.MethodPost, "/deploy", nil))
		if got := time.Since(start); got != 800*time.Millisecond || jobErr != nil {
			t.Errorf("deployment ended after %v with %v, want 800ms and success", got, jobErr)
		}
		if user != "alice" {
			t.Errorf("the detached context lost the request's values: user %v", user)
		}
	})
}

// The detached job survives its client, not the process: when life ends
// (the server gave up its drain), so does the job.
func TestDetachedEndsWithLife(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		life, kill := context.WithCancel(t.Context())
		time.AfterFunc(300*time.Millisecond, kill)
		var jobErr error
		h := Detached(life, time.Minute, func(ctx context.Context) error {
			jobErr = sim.Sleep(ctx, time.Hour)
			return jobErr
		})
		start := time.Now()
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/deploy", nil))
		if got := time.Since(start); got != 300*time.Millisecond || !errors.Is(jobErr, context.Canceled) {
			t.Errorf("job ended after %v with %v, want 300ms and context.Canceled", got, jobErr)
		}
	})
}

// The timeouts nest as Detached's doc says: detach < drain < the pod's
// 30 s grace period, in the demo's scenario (DrainTimeout; ShortDrain is
// short on purpose) and in --serve, whatever the scale does to the detach
// timeout there (routes caps it).
func TestTimeoutsNest(t *testing.T) {
	const gracePeriod = 30 * time.Second
	for _, drain := range []time.Duration{DrainTimeout, ServeDrainTimeout} {
		if !(DeployTimeout < drain && drain < gracePeriod) {
			t.Errorf("DeployTimeout %v, drain timeout %v, grace period %v: want them in increasing order",
				DeployTimeout, drain, gracePeriod)
		}
	}
}

func TestDetachHasItsOwnTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		parent, cancel := context.WithCancel(t.Context())
		cancel() // already gone
		ctx, stop := Detach(parent, time.Second)
		defer stop()
		start := time.Now()
		err := sim.Sleep(ctx, time.Hour)
		if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) != time.Second {
			t.Errorf("detached work stopped after %v with %v, want the 1s timeout", time.Since(start), err)
		}
	})
}

// TestLeaveOperation checks scenario 3's figures, exact in virtual time.
func TestLeaveOperation(t *testing.T) {
	for _, tc := range []struct {
		name     string
		serve    func(Job) http.Handler // nil: Detached on the bubble's context
		deploy   bool
		done     int
		recorded bool
		finished time.Duration
	}{
		{"deploy r.ctx", CancelOnDisconnect, true, 3, false, 0},
		{"deploy detach", nil, true, 8, true, 8*DeployStep - UserLeaves},
		{"read r.ctx", CancelOnDisconnect, false, 3, false, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				env := report.NewEnv(1, 1, nil)
				sc := env.Rec.Scenario(pattern, "14", "test", len(deploySteps))
				var sr stepRun
				serve := tc.serve
				if serve == nil {
					serve = func(j Job) http.Handler { return Detached(t.Context(), DeployTimeout, j) }
				}
				sc.Measure(t.Context(), report.Spec{Name: tc.name}, func(ctx context.Context, p *report.Probe) []error {
					sr = leaveOperation(ctx, newMemNet(), serve, tc.deploy, len(deploySteps), DeployStep, UserLeaves, p)
					return sr.errs
				})
				if sr.failure != nil {
					t.Fatal(sr.failure)
				}
				if sr.done != tc.done || sr.recorded != tc.recorded || sr.finished != tc.finished || sr.left != UserLeaves {
					t.Errorf("done %d, recorded %v, finished %v after, left at %v; want %d, %v, %v, %v",
						sr.done, sr.recorded, sr.finished, sr.left, tc.done, tc.recorded, tc.finished, UserLeaves)
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
			serve := func(j Job) http.Handler { return Detached(ctx, DeployTimeout, j) }
			sr = leaveOperation(ctx, newMemNet(), serve, true, len(deploySteps), DeployStep, UserLeaves, p)
			return sr.errs
		})
		if took := time.Since(start); took != at {
			t.Errorf("returned %v after the start, want %v: at Ctrl-C", took, at)
		}
		if sr.done != 5 || sr.recorded || !v.Partial || v.OK != 5 || v.Failed != 3 {
			t.Errorf("done %d, recorded %v, partial %v, ok %d, failed %d; want 5, false, true, 5, 3",
				sr.done, sr.recorded, v.Partial, v.OK, v.Failed)
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
			sr = leaveOperation(ctx, newMemNet(), CancelOnDisconnect, true, len(deploySteps), DeployStep, 0, p)
			return sr.errs
		})
		if took := time.Since(start); took != arriveGrace || sr.done != 0 {
			t.Errorf("leaveOperation: %v, %d steps done; want arriveGrace (%v), none", took, sr.done, arriveGrace)
		}
		sc = env.Rec.Scenario(pattern, "14", "test", ClusterCalls)
		start = time.Now()
		var lr leaveRun
		sc.Measure(t.Context(), report.Spec{Name: "create"}, func(ctx context.Context, p *report.Probe) []error {
			lr = createAndLeave(ctx, newMemNet(), CancelOnDisconnect, ClusterCalls, APICallLatency, 0, p)
			return lr.errs
		})
		if took := time.Since(start); took != APICallLatency+arriveGrace || lr.made != 0 {
			t.Errorf("createAndLeave: %v, %d calls made; want one call's wait + arriveGrace, none", took, lr.made)
		}
	})
}
