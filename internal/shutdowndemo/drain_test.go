package shutdowndemo

import (
	"context"
	"errors"
	"net"
	"sync/atomic"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/memnet"
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
					dr = signalInFlight(ctx, memnet.New(), work, tc.stop, tc.cutIsRight, p)
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

// refusing is a network whose nth dial (from 1) is refused: a request that
// never reaches its handler.
type refusing struct {
	*memnet.Network
	n     int64
	dials atomic.Int64
}

func (r *refusing) Dial(ctx context.Context, addr string) (net.Conn, error) {
	if r.dials.Add(1) == r.n {
		return nil, &net.OpError{Op: "dial", Net: "mem", Err: syscall.EMFILE}
	}
	return r.Network.Dial(ctx, addr)
}

// A request that never reached its handler was not cut off by anything:
// it keeps its own error, and the signal still comes for the others.
func TestSignalInFlightRequestNeverSent(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		work := []time.Duration{time.Second, time.Second, time.Second}
		env := report.NewEnv(1, 1, nil)
		sc := env.Rec.Scenario(pattern, "14", "test", len(work))
		// A deadline, so that the wait for the request that never came
		// (issue 14's deadlock when descriptors run out) fails the test
		// instead of hanging it.
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		defer cancel()
		start := time.Now()
		var dr drainRun
		sc.Measure(ctx, report.Spec{Name: "Shutdown"}, func(ctx context.Context, p *report.Probe) []error {
			dr = signalInFlight(ctx, &refusing{Network: memnet.New(), n: 2}, work, graceful(ctx, 5*time.Second), 0, p)
			return dr.errs
		})
		if took := time.Since(start); took >= time.Minute {
			t.Fatalf("took %v: waited for the request that was never sent", took)
		}
		var cut, emfile int
		for _, err := range dr.errs {
			switch {
			case errors.Is(err, errCutOff):
				cut++
			case errors.Is(err, syscall.EMFILE):
				emfile++
			}
		}
		if dr.InFlight != 2 || dr.Completed != 2 || cut != 0 || emfile != 1 {
			t.Errorf("in flight %d, completed %d, cut off %d, refused dial %d; want 2, 2, 0, 1 (%v)",
				dr.InFlight, dr.Completed, cut, emfile, dr.errs)
		}
	})
}

// Ctrl-C during the drain: the demo closes the server (Close from
// context.AfterFunc on the run), and the lesson's Serve returns at
// Shutdown's next look at its connections, at most about half a second
// (500ms plus 10% jitter) later, not at the drain's timeout.
func TestSignalInFlightCtrlCDuringTheDrain(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		work := []time.Duration{time.Minute, time.Minute}
		env := report.NewEnv(1, 1, nil)
		sc := env.Rec.Scenario(pattern, "14", "test", len(work))
		ctx, cancel := context.WithCancel(t.Context())
		const at = 3 * time.Second // the drain's polls are 500ms apart by then
		time.AfterFunc(at, cancel)
		start := time.Now()
		var dr drainRun
		v := sc.Measure(ctx, report.Spec{Name: "Shutdown"}, func(ctx context.Context, p *report.Probe) []error {
			dr = signalInFlight(ctx, memnet.New(), work, graceful(ctx, time.Hour), 0, p)
			return dr.errs
		})
		if lag := time.Since(start) - at; lag < 0 || lag > 550*time.Millisecond {
			t.Errorf("returned %v after Ctrl-C, want within Shutdown's poll (550ms)", lag)
		}
		if !v.Partial || v.Failed != 2 {
			t.Errorf("partial %v, failed %d; want true, 2 (%v)", v.Partial, v.Failed, dr.errs)
		}
	})
}
