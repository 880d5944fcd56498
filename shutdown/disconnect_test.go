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
)

// Slide 15's cluster creation: 50 API calls of 100 ms, and a client that
// gives up half-way through call 11.
const (
	clusterCalls = 50
	apiCall      = 100 * time.Millisecond
	patience     = 1050 * time.Millisecond
)

// countingCalls returns a call of latency d that counts the calls started
// and the calls completed.
func countingCalls(d time.Duration) (call func(context.Context, int) error, started, completed *atomic.Int64) {
	started, completed = new(atomic.Int64), new(atomic.Int64)
	return func(ctx context.Context, _ int) error {
		started.Add(1)
		if err := sleep(ctx, d); err != nil {
			return err
		}
		completed.Add(1)
		return nil
	}, started, completed
}

func TestCancelOnDisconnectStopsWithinOneCall(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		call, started, completed := countingCalls(apiCall)
		ctx, cancel := context.WithTimeout(t.Context(), patience) // the client gives up
		defer cancel()
		start := time.Now()
		w := httptest.NewRecorder()
		CancelOnDisconnect(ClusterCreation(clusterCalls, call)).
			ServeHTTP(w, httptest.NewRequestWithContext(ctx, http.MethodPost, "/clusters", nil))
		if got := time.Since(start); got != patience {
			t.Errorf("handler returned after %v, want %v: the moment the client left", got, patience)
		}
		if started.Load() != 11 || completed.Load() != 10 {
			t.Errorf("calls started %d, completed %d; want 11, 10", started.Load(), completed.Load())
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
	if calls != 2 || !errors.Is(err, stop) || err.Error() != "create cluster: stopped before API call 3 of 5: client left" {
		t.Errorf("calls %d, err %v; want 2 calls and the cancel's cause, naming call 3", calls, err)
	}
}

func TestClusterCreationStopsAtTheFirstError(t *testing.T) {
	quota := errors.New("quota exceeded")
	var calls int
	err := ClusterCreation(5, func(_ context.Context, i int) error {
		calls++
		if i == 2 {
			return quota
		}
		return nil
	})(t.Context())
	if calls != 3 || !errors.Is(err, quota) || err.Error() != "create cluster: API call 3 of 5: quota exceeded" {
		t.Errorf("calls %d, err %v; want 3 calls and call 3's error", calls, err)
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
