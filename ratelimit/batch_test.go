package ratelimit

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/workerpool"
)

// Slide 13's figures: 100 GETs of 50 ms take 1 s in batches of 5, and no
// more than 5 at once reach the server. Every response is its own
// request's manifest, in request order.
func TestSlide13(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := &throttle{latency: 50 * time.Millisecond}
		c := inMemory(s)
		reqs := requests(100)
		start := time.Now()
		rs := GetManifestsByBatch(context.Background(), reqs, 5, c.Get)
		if took := time.Since(start); took != time.Second {
			t.Errorf("took %v, want 1s", took)
		}
		if peak, _, _ := s.counts(); peak != 5 {
			t.Errorf("%d at once at the server, want 5", peak)
		}
		for i, r := range rs {
			if want := "manifest of /api/v1/namespaces/default/configmaps/" + reqs[i].Name; r.Error != nil || string(r.Manifest) != want {
				t.Errorf("response %d: %q, %v; want %q", i, r.Manifest, r.Error, want)
			}
		}
	})
}

// A batch waits for its slowest request; a window does not. Six GETs, three
// at once, the first slow: batches take 90+30 ms, workerpool.Window 90 ms.
func TestBatchWaitsForTheSlowest(t *testing.T) {
	get := func(ctx context.Context, r ResourceRequest) ([]byte, error) {
		d := 30 * time.Millisecond
		if r.Name == "app-001" {
			d = 90 * time.Millisecond
		}
		time.Sleep(d)
		return []byte(r.Name), nil
	}
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		GetManifestsByBatch(t.Context(), requests(6), 3, get)
		if took := time.Since(start); took != 120*time.Millisecond {
			t.Errorf("batches took %v, want 120ms", took)
		}
		start = time.Now()
		workerpool.Window(t.Context(), requests(6), 3, get)
		if took := time.Since(start); took != 90*time.Millisecond {
			t.Errorf("the window took %v, want 90ms", took)
		}
	})
}

// A batch size below 1 is the caller's bug, not an endless loop nor a
// limit of 1: nothing is sent, and every request has ErrLimit.
func TestBatchSizeBelowOne(t *testing.T) {
	for _, size := range []int{0, -1} {
		rs := GetManifestsByBatch(t.Context(), requests(3), size, func(context.Context, ResourceRequest) ([]byte, error) {
			t.Error("a request was sent")
			return nil, nil
		})
		if len(rs) != 3 {
			t.Fatalf("%d responses for 3 requests", len(rs))
		}
		for _, r := range rs {
			if !errors.Is(r.Error, workerpool.ErrLimit) || r.Manifest != nil {
				t.Errorf("batch size %d: %q, %v; want ErrLimit", size, r.Manifest, r.Error)
			}
		}
	}
}

// Cancelled at 120 ms, 50 ms GETs in batches of 2: the first two batches
// are fetched, the third is cut, the rest are never sent, and the call
// returns at the cancel.
func TestBatchCancelled(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := &throttle{latency: 50 * time.Millisecond}
		ctx, cancel := context.WithTimeout(t.Context(), 120*time.Millisecond)
		defer cancel()
		start := time.Now()
		rs := GetManifestsByBatch(ctx, requests(10), 2, inMemory(s).Get)
		if took := time.Since(start); took != 120*time.Millisecond {
			t.Errorf("returned after %v, want 120ms", took)
		}
		for i, r := range rs {
			switch {
			case i < 4 && r.Error != nil:
				t.Errorf("request %d: %v, want fetched", i, r.Error)
			case i >= 4 && i < 6 && !errors.Is(r.Error, context.DeadlineExceeded):
				t.Errorf("request %d: %v, want cut by the deadline", i, r.Error)
			case i >= 6 && (!errors.Is(r.Error, workerpool.ErrNotStarted) || !strings.Contains(r.Error.Error(), "deadline")):
				t.Errorf("request %d: %v, want not started", i, r.Error)
			}
		}
	})
}
