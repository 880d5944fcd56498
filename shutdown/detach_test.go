package shutdown

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"testing/synctest"
	"time"
)

type userKey struct{}

func TestDetachedFinishesAfterTheClientLeft(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var user any
		var jobErr error
		h := Detached(t.Context(), time.Minute, func(ctx context.Context) error {
			user = ctx.Value(userKey{})
			jobErr = sleep(ctx, 800*time.Millisecond)
			return jobErr
		})
		ctx := context.WithValue(t.Context(), userKey{}, "alice")
		ctx, cancel := context.WithTimeout(ctx, 350*time.Millisecond) // the user leaves
		defer cancel()
		start := time.Now()
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequestWithContext(ctx, http.MethodPost, "/deploy", nil))
		if got := time.Since(start); got != 800*time.Millisecond || jobErr != nil {
			t.Errorf("deployment ended after %v with %v, want 800ms and success", got, jobErr)
		}
		if user != "alice" {
			t.Errorf("the detached context lost the request's values: user %v", user)
		}
		if w.Body.Len() != 0 {
			t.Errorf("wrote %q to a client that had gone", w.Body)
		}
	})
}

// A client still there when the detached job ends gets its answer.
func TestDetachedAnswers(t *testing.T) {
	w := httptest.NewRecorder()
	Detached(t.Context(), time.Minute, func(context.Context) error { return nil }).
		ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/deploy", nil))
	if w.Code != http.StatusOK || w.Body.String() != "ok\n" {
		t.Errorf("answered %d %q, want 200 \"ok\\n\"", w.Code, w.Body)
	}
}

// The detached job survives its client, not the process: when life ends
// (the server gave up its drain), so does the job.
func TestDetachedEndsWithLife(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		life, kill := context.WithCancel(t.Context())
		time.AfterFunc(300*time.Millisecond, kill)
		var jobErr error
		h := Detached(life, time.Minute, func(ctx context.Context) error {
			jobErr = sleep(ctx, time.Hour)
			return jobErr
		})
		start := time.Now()
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/deploy", nil))
		if got := time.Since(start); got != 300*time.Millisecond || !errors.Is(jobErr, context.Canceled) {
			t.Errorf("job ended after %v with %v, want 300ms and context.Canceled", got, jobErr)
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
		err := sleep(ctx, time.Hour)
		if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) != time.Second {
			t.Errorf("detached work stopped after %v with %v, want the 1s timeout", time.Since(start), err)
		}
	})
}
