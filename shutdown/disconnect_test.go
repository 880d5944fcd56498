package shutdown

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/sim"
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

// serveLeaving serves one request through h whose client leaves after
// patience, and returns when the handler returns.
func serveLeaving(h http.Handler, patience time.Duration) *httptest.ResponseRecorder {
	ctx, cancel := context.WithTimeout(context.Background(), patience)
	defer cancel()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequestWithContext(ctx, http.MethodPost, "/clusters", nil))
	return w
}

func TestCancelOnDisconnectStopsWithinOneCall(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		call, started, completed := countingCalls(APICallLatency)
		start := time.Now()
		serveLeaving(CancelOnDisconnect(ClusterCreation(ClusterCalls, call)), ClientPatience)
		if got := time.Since(start); got != ClientPatience {
			t.Errorf("handler returned after %v, want %v: the moment the client left", got, ClientPatience)
		}
		// The client left half-way through call 11.
		if started.Load() != 11 || completed.Load() != 10 {
			t.Errorf("calls started %d, completed %d; want 11, 10", started.Load(), completed.Load())
		}
	})
}

func TestIgnoreDisconnectRunsToTheEnd(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		call, started, completed := countingCalls(APICallLatency)
		start := time.Now()
		w := serveLeaving(IgnoreDisconnect(t.Context(), ClusterCreation(ClusterCalls, call)), ClientPatience)
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

func TestCancelOnDisconnectAnswers(t *testing.T) {
	w := httptest.NewRecorder()
	CancelOnDisconnect(func(context.Context) error { return nil }).ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	if w.Code != http.StatusOK || w.Body.String() != "ok\n" {
		t.Errorf("success: %d %q, want 200 \"ok\\n\"", w.Code, w.Body)
	}
	w = httptest.NewRecorder()
	CancelOnDisconnect(func(context.Context) error { return errors.New("quota exceeded") }).ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	if w.Code != http.StatusInternalServerError || w.Body.String() != "quota exceeded\n" {
		t.Errorf("failure: %d %q, want 500 \"quota exceeded\\n\"", w.Code, w.Body)
	}
}

func TestClusterCreationStartsNoCallAfterCancel(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	stop := errors.New("client left")
	var calls int
	job := ClusterCreation(5, func(_ context.Context, i int) error {
		calls++
		if i == 1 {
			cancel(stop) // a call that ignores ctx, and finishes anyway
		}
		return nil
	})
	err := job(ctx)
	if calls != 2 || !errors.Is(err, stop) {
		t.Errorf("calls %d, err %v; want 2 calls and the cancel's cause", calls, err)
	}
}

// TestDisconnectOverSockets is the real-socket path: a real client gives
// up, the server notices the closed connection and cancels r.Context().
func TestDisconnectOverSockets(t *testing.T) {
	// Real sockets end asynchronously: wait for them here, so the
	// goroutine counts of the tests in virtual time are exact.
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	call, started, _ := countingCalls(10 * time.Millisecond)
	jobErr := make(chan error, 1)
	h := CancelOnDisconnect(func(ctx context.Context) error {
		err := ClusterCreation(1000, call)(ctx) // 10 s unless the disconnect stops it
		jobErr <- err
		return err
	})
	srv := httptest.NewServer(h)
	defer srv.Close()
	defer srv.Client().CloseIdleConnections()

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL, nil)
	if _, err := srv.Client().Do(req); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("client: %v, want its deadline", err)
	}
	if err := <-jobErr; !errors.Is(err, context.Canceled) {
		t.Errorf("job ended with %v, want context.Canceled from the disconnect", err)
	}
	if n := started.Load(); n >= 1000 {
		t.Errorf("all %d calls made: the disconnect did not stop the job", n)
	}
}

// TestCreateAndLeave checks scenario 1's figures, exact in virtual time.
func TestCreateAndLeave(t *testing.T) {
	for _, tc := range []struct {
		name         string
		serve        func(context.Context) func(Job) http.Handler
		made, after  int
		busy         time.Duration
		busyHandlers int
	}{
		{"ignores ctx", func(ctx context.Context) func(Job) http.Handler {
			return func(j Job) http.Handler { return IgnoreDisconnect(ctx, j) }
		}, 50, 39, 50*APICallLatency - ClientPatience, 1},
		{"r.Context()", func(context.Context) func(Job) http.Handler { return CancelOnDisconnect }, 11, 0, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				env := report.NewEnv(1, 1, nil)
				sc := env.Rec.Scenario(pattern, "14", "test", ClusterCalls)
				var lr leaveRun
				sc.Measure(t.Context(), report.Spec{Name: tc.name}, func(ctx context.Context, p *report.Probe) []error {
					lr = createAndLeave(ctx, newMemNet(), tc.serve(t.Context()), ClusterCalls, APICallLatency, ClientPatience, p)
					return lr.errs
				})
				if lr.failure != nil {
					t.Fatal(lr.failure)
				}
				if lr.made != tc.made || lr.after != tc.after || lr.busy != tc.busy || lr.left != ClientPatience || lr.busyHandlers != tc.busyHandlers {
					t.Errorf("made %d, after %d, busy %v, left %v, busy handlers %d; want %d, %d, %v, %v, %d",
						lr.made, lr.after, lr.busy, lr.left, lr.busyHandlers, tc.made, tc.after, tc.busy, ClientPatience, tc.busyHandlers)
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
			serve := func(j Job) http.Handler { return IgnoreDisconnect(ctx, j) }
			lr = createAndLeave(ctx, newMemNet(), serve, ClusterCalls, APICallLatency, ClientPatience, p)
			return lr.errs
		})
		if took := time.Since(start); took != at {
			t.Errorf("returned %v after the start, want %v: at Ctrl-C", took, at)
		}
		if lr.made != 21 || !v.Partial || v.OK != 20 || v.Failed != 30 {
			t.Errorf("made %d, partial %v, ok %d, failed %d; want 21, true, 20, 30", lr.made, v.Partial, v.OK, v.Failed)
		}
		for i, err := range lr.errs[20:] {
			if errors.Is(err, errNotMade) || (i == 0) != errors.Is(err, errInterrupted) || (i > 0 && !errors.Is(err, context.Canceled)) {
				t.Errorf("call %d: %v; want call 21 stopped mid-call, the rest cancelled", 21+i, err)
			}
		}
	})
}
