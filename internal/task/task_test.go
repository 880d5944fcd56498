package task

import (
	"context"
	"errors"
	"testing"
)

func TestDo(t *testing.T) {
	boom := errors.New("boom")
	if err := Do(t.Context(), func(context.Context, int) error { return boom }, 1); err != boom {
		t.Errorf("Do = %v, want the item's own error", err)
	}
	err := Do(t.Context(), func(context.Context, int) error { panic("nil map") }, 1)
	if !errors.Is(err, ErrPanic) || err.Error() != "panic: nil map" {
		t.Errorf("panicking item: %v", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	ran := false
	err = Do(ctx, func(context.Context, int) error { ran = true; return nil }, 1)
	if ran || !errors.Is(err, ErrNotStarted) || !errors.Is(err, context.Canceled) {
		t.Errorf("after cancel: ran %v, err %v; want not started, wrapping Canceled", ran, err)
	}
	errs := make([]error, 3)
	MarkNotStarted(ctx, errs[1:])
	if errs[0] != nil || !errors.Is(errs[1], ErrNotStarted) || !errors.Is(errs[2], ErrNotStarted) {
		t.Errorf("MarkNotStarted: %v", errs)
	}
}
