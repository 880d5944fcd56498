package shutdowndemo

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
)

// TestSignalInFlight checks scenario 2's figures, exact in virtual time,
// measured on the lesson's own shutdown.Serve. Of the requests Close cuts
// off, the short drain expects the ones longer than its timeout; Close at
// once expects none.
func TestSignalInFlight(t *testing.T) {
	work := []time.Duration{time.Second, 2 * time.Second, 2500 * time.Millisecond, time.Second}
	for _, tc := range []struct {
		name              string
		stop              func(context.Context, *demoServer) error
		cutIsRight        time.Duration
		completed         int
		expected          int
		lastAnswer, drain time.Duration // drain 0: not checked (Shutdown's poll)
		timedOut          bool
	}{
		{"Close at once", closeAtOnce, 0, 0, 0, 0, 0, false},
		{"Shutdown", graceful(context.Background(), 5*time.Second), 0, 4, 0, 2500 * time.Millisecond, 0, false},
		{"Shutdown+Close", graceful(context.Background(), 1500*time.Millisecond), 1500 * time.Millisecond,
			2, 2, time.Second, 1500 * time.Millisecond, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				env := report.NewEnv(1, 1, nil)
				sc := env.Rec.Scenario(pattern, "14", "test", len(work))
				var dr drainRun
				v := sc.Measure(t.Context(), report.Spec{Name: tc.name}, func(ctx context.Context, p *report.Probe) []error {
					dr = signalInFlight(ctx, newMemNet(), work, tc.stop, tc.cutIsRight, p)
					return dr.errs
				})
				if dr.Failure != nil {
					t.Fatal(dr.Failure)
				}
				if dr.InFlight != len(work) || dr.Completed != tc.completed || dr.Refused != NewRequests {
					t.Errorf("in flight %d, completed %d, refused %d; want %d, %d, %d",
						dr.InFlight, dr.Completed, dr.Refused, len(work), tc.completed, NewRequests)
				}
				if dr.LastAnswer != tc.lastAnswer || (tc.drain != 0 && dr.Stopped != tc.drain) {
					t.Errorf("last answer %v, drain %v; want %v, %v", dr.LastAnswer, dr.Stopped, tc.lastAnswer, tc.drain)
				}
				if (dr.stopErr != nil) != tc.timedOut {
					t.Errorf("stop: %v, want a timeout: %v", dr.stopErr, tc.timedOut)
				}
				if dr.After != dr.Before {
					t.Errorf("goroutines %d before, %d after: want back to the baseline", dr.Before, dr.After)
				}
				if v.Failed != len(work)-tc.completed || v.Expected != tc.expected {
					t.Errorf("failed %d, expected %d; want %d, %d", v.Failed, v.Expected, len(work)-tc.completed, tc.expected)
				}
			})
		})
	}
}
