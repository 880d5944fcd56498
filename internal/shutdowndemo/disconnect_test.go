package shutdowndemo

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/memnet"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/sim"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/shutdown"
)

// countingCalls returns a call of latency d that counts the calls started
// and the calls completed.
func countingCalls(d time.Duration) (call func(context.Context, int) error, started, completed *atomic.Int64) {
	started, completed = new(atomic.Int64), new(atomic.Int64)
	return func(ctx context.Context, _ int) error {
		started.Add(1)
		if err := sim.Sleep(ctx, d); err != nil {
			return err
		}
		completed.Add(1)
		return nil
	}, started, completed
}

// The Bad shape: the client leaves, the job runs all its calls for nobody,
// and nothing is written to a client that has gone.
func TestIgnoreDisconnectRunsToTheEnd(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		call, started, completed := countingCalls(APICallLatency)
		ctx, cancel := context.WithTimeout(t.Context(), ClientPatience)
		defer cancel()
		start := time.Now()
		w := httptest.NewRecorder()
		IgnoreDisconnect(t.Context(), shutdown.ClusterCreation(ClusterCalls, call)).
			ServeHTTP(w, httptest.NewRequestWithContext(ctx, http.MethodPost, "/clusters", nil))
		if got, want := time.Since(start), ClusterCalls*APICallLatency; got != want {
			t.Errorf("handler returned after %v, want %v: the whole job", got, want)
		}
		if started.Load() != ClusterCalls || completed.Load() != ClusterCalls {
			t.Errorf("calls started %d, completed %d; want all %d", started.Load(), completed.Load(), ClusterCalls)
		}
		if w.Body.Len() != 0 {
			t.Errorf("wrote %q to a client that had gone", w.Body)
		}
	})
}

// TestCreateAndLeave checks scenario 1's figures, exact in virtual time:
// on r.Context() the calls the client's leaving stopped are expected
// failures; ignoring ctx, there are none.
func TestCreateAndLeave(t *testing.T) {
	for _, tc := range []struct {
		name         string
		serve        func(context.Context) func(shutdown.Job) http.Handler
		stopIsRight  bool
		made, after  int
		busy         time.Duration
		busyHandlers int
		ok, expected int
		unexpected   int
		observed     time.Duration
	}{
		{"ignores ctx", func(ctx context.Context) func(shutdown.Job) http.Handler {
			return func(j shutdown.Job) http.Handler { return IgnoreDisconnect(ctx, j) }
		}, false, 50, 39, 50*APICallLatency - ClientPatience, 1, 11, 0, 39, 0}, // 39 made for nobody
		// The handler ends the moment the client leaves: the one call
		// the demo then waits, to see, is watching, not work.
		{"r.Context()", func(context.Context) func(shutdown.Job) http.Handler { return shutdown.CancelOnDisconnect },
			true, 11, 0, 0, 0, 10, 40, 0, APICallLatency},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				env := report.NewEnv(1, 1, nil)
				sc := env.Rec.Scenario(pattern, "14", "test", ClusterCalls)
				var lr leaveRun
				v := sc.Measure(t.Context(), report.Spec{Name: tc.name}, func(ctx context.Context, p *report.Probe) []error {
					lr = createAndLeave(ctx, memnet.New(), tc.serve(t.Context()), ClusterCalls, APICallLatency, ClientPatience, tc.stopIsRight, p)
					return lr.errs
				})
				if lr.Failure != nil {
					t.Fatal(lr.Failure)
				}
				if lr.Made != tc.made || lr.MadeAfter != tc.after || lr.BusyAfter != tc.busy || lr.Left != ClientPatience || lr.BusyHandlers != tc.busyHandlers {
					t.Errorf("made %d, after %d, busy %v, left %v, busy handlers %d; want %d, %d, %v, %v, %d",
						lr.Made, lr.MadeAfter, lr.BusyAfter, lr.Left, lr.BusyHandlers, tc.made, tc.after, tc.busy, ClientPatience, tc.busyHandlers)
				}
				if v.OK != tc.ok || v.Expected != tc.expected || v.Unexpected() != tc.unexpected {
					t.Errorf("ok %d, expected %d, unexpected %d; want %d, %d, %d", v.OK, v.Expected, v.Unexpected(), tc.ok, tc.expected, tc.unexpected)
				}
				if got := time.Duration(v.ObservedMS * float64(time.Millisecond)); got != tc.observed {
					t.Errorf("observed %v, want %v", got, tc.observed)
				}
			})
		})
	}
}

// Ctrl-C while the job that ignores its client runs on: it ends at once
// (the demo's run is its life), and the calls are labelled as they were.
// None is "not made: client gone": Ctrl-C, not the client, stopped them.
func TestCreateAndLeaveCtrlC(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		env := report.NewEnv(1, 1, nil)
		sc := env.Rec.Scenario(pattern, "14", "test", ClusterCalls)
		ctx, cancel := context.WithCancel(t.Context())
		const at = 2050 * time.Millisecond // half-way through call 21
		time.AfterFunc(at, cancel)
		var lr leaveRun
		start := time.Now()
		v := sc.Measure(ctx, report.Spec{Name: "ignores ctx"}, func(ctx context.Context, p *report.Probe) []error {
			serve := func(j shutdown.Job) http.Handler { return IgnoreDisconnect(ctx, j) }
			lr = createAndLeave(ctx, memnet.New(), serve, ClusterCalls, APICallLatency, ClientPatience, false, p)
			return lr.errs
		})
		if took := time.Since(start); took != at {
			t.Errorf("returned %v after the start, want %v: at Ctrl-C", took, at)
		}
		// 11 made while the client waited, 9 for nobody, 1 cut, 29 never made.
		if lr.Made != 21 || !v.Partial || v.OK != 11 || v.Failed != 39 || v.Expected != 0 {
			t.Errorf("made %d, partial %v, ok %d, failed %d, expected %d; want 21, true, 11, 39, 0",
				lr.Made, v.Partial, v.OK, v.Failed, v.Expected)
		}
		for i, err := range lr.errs[20:] {
			if errors.Is(err, errNotMade) || (i == 0) != errors.Is(err, errInterrupted) || (i > 0 && !errors.Is(err, context.Canceled)) {
				t.Errorf("call %d: %v; want call 21 stopped mid-call, the rest cancelled", 21+i, err)
			}
		}
	})
}
