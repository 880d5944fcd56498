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
		h := Detached(time.Minute, func(ctx context.Context) error {
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
	detached := func(j Job) http.Handler { return Detached(DeployTimeout, j) }
	for _, tc := range []struct {
		name     string
		serve    func(Job) http.Handler
		deploy   bool
		done     int
		recorded bool
		finished time.Duration
	}{
		{"deploy r.ctx", CancelOnDisconnect, true, 3, false, 0},
		{"deploy detach", detached, true, 8, true, 8*DeployStep - UserLeaves},
		{"read r.ctx", CancelOnDisconnect, false, 3, false, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				env := report.NewEnv(1, 1, nil)
				sc := env.Rec.Scenario(pattern, "14", "test", len(deploySteps))
				var sr stepRun
				sc.Measure(t.Context(), report.Spec{Name: tc.name}, func(ctx context.Context, p *report.Probe) []error {
					sr = leaveOperation(ctx, newMemNet(), tc.serve, tc.deploy, len(deploySteps), DeployStep, UserLeaves, p)
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
