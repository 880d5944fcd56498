package fanout

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/workerpool"
)

var errBoom = errors.New("boom")

// after returns a call that answers v after d, or fails with err after d.
func after(d time.Duration, v string, err error) func(context.Context) (string, error) {
	return func(ctx context.Context) (string, error) {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
			return v, err
		case <-ctx.Done():
			return "", context.Cause(ctx)
		}
	}
}

func TestBothWaitsForTheSlowerCall(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		a, b, err := Both(t.Context(), after(200*time.Millisecond, "ci", nil), after(300*time.Millisecond, "cd", nil))
		if got := time.Since(start); got != 300*time.Millisecond {
			t.Errorf("Both took %v, want 300ms (the slower call)", got)
		}
		if a != "ci" || b != "cd" || err != nil {
			t.Errorf("Both = %q, %q, %v; want ci, cd, nil", a, b, err)
		}
	})
}

func TestBothKeepsBothErrorsAndWaitsAfterAFailure(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		errCD := errors.New("cd down")
		start := time.Now()
		_, b, err := Both(t.Context(), after(100*time.Millisecond, "", errBoom), after(300*time.Millisecond, "", errCD))
		if got := time.Since(start); got != 300*time.Millisecond {
			t.Errorf("Both took %v after a failure at 100ms, want 300ms", got)
		}
		if !errors.Is(err, errBoom) || !errors.Is(err, errCD) {
			t.Errorf("Both err = %v, want both errors joined", err)
		}
		if b != "" {
			t.Errorf("b = %q, want the failed call's zero value", b)
		}
	})
}

func TestBothFailFastReturnsAtTheFirstFailure(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var cdErr error
		cd := func(ctx context.Context) (string, error) {
			_, cdErr = after(300*time.Millisecond, "cd", nil)(ctx)
			return "", cdErr
		}
		start := time.Now()
		_, _, err := BothFailFast(t.Context(), after(100*time.Millisecond, "", errBoom), cd)
		if got := time.Since(start); got != 100*time.Millisecond {
			t.Errorf("BothFailFast took %v, want 100ms (the failure's time)", got)
		}
		if !errors.Is(err, errBoom) {
			t.Errorf("err = %v, want %v", err, errBoom)
		}
		// errgroup cancels with the failure as the cause.
		if !errors.Is(cdErr, errBoom) {
			t.Errorf("the other call ended with %v, want cancelled with cause %v", cdErr, errBoom)
		}
	})
}

func TestBothFailFastSucceedsLikeBoth(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		a, b, err := BothFailFast(t.Context(), after(200*time.Millisecond, "ci", nil), after(300*time.Millisecond, "cd", nil))
		if got := time.Since(start); got != 300*time.Millisecond {
			t.Errorf("took %v, want 300ms", got)
		}
		if a != "ci" || b != "cd" || err != nil {
			t.Errorf("= %q, %q, %v; want ci, cd, nil", a, b, err)
		}
	})
}

func TestBothTurnsAPanicIntoAnError(t *testing.T) {
	boom := func(context.Context) (string, error) { panic("kaboom") }
	ok := func(context.Context) (string, error) { return "ok", nil }
	for name, f := range map[string]func(context.Context, func(context.Context) (string, error), func(context.Context) (string, error)) (string, string, error){
		"Both": Both[string, string], "BothFailFast": BothFailFast[string, string],
	} {
		_, b, err := f(t.Context(), boom, ok)
		var pe *workerpool.PanicError
		if !errors.As(err, &pe) || pe.Value != "kaboom" || !strings.Contains(string(pe.Stack), "fanout.TestBothTurnsAPanicIntoAnError") {
			t.Errorf("%s: err = %v, want a *workerpool.PanicError with the stack", name, err)
		}
		if name == "Both" && b != "ok" {
			t.Errorf("%s: b = %q, want ok", name, b)
		}
	}
}

// A pair whose ctx is done before it starts runs neither call.
func TestBothNotStarted(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	called := false
	call := func(context.Context) (string, error) { called = true; return "", nil }
	for name, f := range map[string]func(context.Context, func(context.Context) (string, error), func(context.Context) (string, error)) (string, string, error){
		"Both": Both[string, string], "BothFailFast": BothFailFast[string, string],
	} {
		if _, _, err := f(ctx, call, call); !errors.Is(err, workerpool.ErrNotStarted) || !errors.Is(err, context.Canceled) {
			t.Errorf("%s: err = %v, want not started, wrapping Canceled", name, err)
		}
	}
	if called {
		t.Error("a call ran after the cancel")
	}
}
