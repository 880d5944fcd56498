package ssedemo

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"testing/synctest"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/sse"
)

// The Bad broadcast: one stuck subscriber blocks the loop, and with it the
// publisher and anyone who wants to leave, until Shutdown. sse.Broker, given
// the same subscribers and events, evicts the stuck one and publishes all
// of them at once.
func TestBlockingBroadcastStallsEveryone(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := newBlockingBroker(4)
		healthy, err := b.subscribe(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		stuck, _ := b.subscribe(t.Context()) // never read until the end
		healthyGot := make(chan int, 1)
		go func() {
			n := 0
			for range healthy { // closed by the loop at Shutdown
				n++
			}
			healthyGot <- n
		}()

		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		start := time.Now()
		published := 0
		for range 20 {
			if b.Publish(ctx, "", "x") != nil {
				break
			}
			published++
		}
		// Events 1-4 fill the stuck buffer, the loop takes event 5 and
		// waits on it, so event 6 waits until the timeout.
		if published != 5 || time.Since(start) != time.Second {
			t.Errorf("published %d events in %v, want 5, then a wait until the 1s timeout", published, time.Since(start))
		}
		left := make(chan struct{})
		go func() {
			b.leave(healthy)
			close(left)
		}()
		synctest.Wait()
		select {
		case <-left:
			t.Error("a subscriber left a broker held by a stuck one")
		default:
		}

		b.Shutdown()
		<-left
		if n := <-healthyGot; n < 4 || n > 5 {
			t.Errorf("healthy subscriber got %d events, want 4 or 5 (all but those the stuck one held up)", n)
		}
		n := 0
		for range stuck {
			n++
		}
		if n != 4 {
			t.Errorf("stuck subscriber got %d events, want the 4 its buffer held", n)
		}
		b.leave(stuck) // the loop is gone: returns at once
		if err := b.Publish(t.Context(), "", "late"); !errors.Is(err, sse.ErrClosed) {
			t.Errorf("Publish after Shutdown = %v, want sse.ErrClosed", err)
		}
		if s := b.Stats(); s.Evicted != 0 || s.Published != 5 {
			t.Errorf("Stats = %+v, want 5 published and nobody evicted", s)
		}
	})
	synctest.Test(t, func(t *testing.T) {
		b := sse.NewBroker(sse.Config{Buffer: 4})
		defer b.Shutdown()
		healthy, _ := b.Subscribe(t.Context(), "")
		defer healthy.Close()
		stuck, _ := b.Subscribe(t.Context(), "")
		defer stuck.Close()
		go func() {
			for range healthy.Events() {
			}
		}()
		start := time.Now()
		for i := range 20 {
			if err := b.Publish(t.Context(), "", "x"); err != nil {
				t.Fatalf("event %d: %v", i+1, err)
			}
			synctest.Wait() // the healthy reader keeps up; the stuck one does not read
		}
		if d := time.Since(start); d != 0 {
			t.Errorf("sse.Broker took %v to publish 20 events past a stuck subscriber, want no wait", d)
		}
		if s := b.Stats(); s.Evicted != 1 || s.Clients != 1 {
			t.Errorf("sse.Broker: Stats = %+v, want the stuck subscriber evicted", s)
		}
	})
}

// The Bad broker's handler streams events in sse's wire format, ends with
// the broker, and refuses a stream once the broker is down.
func TestBlockingBrokerServeHTTP(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := newBlockingBroker(4)
		rec := httptest.NewRecorder()
		done := make(chan struct{})
		go func() {
			defer close(done)
			b.ServeHTTP(rec, httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/events", nil))
		}()
		synctest.Wait() // subscribed: the handler waits for events
		for _, d := range []string{"payments-api -> prod: Healthy", "a\nb"} {
			if err := b.Publish(t.Context(), eventType, d); err != nil {
				t.Fatal(err)
			}
		}
		synctest.Wait()
		b.Shutdown()
		<-done
		want := "id: 1\nevent: deployment\ndata: payments-api -> prod: Healthy\n\nid: 2\nevent: deployment\ndata: a\ndata: b\n\n"
		if rec.Code != http.StatusOK || rec.Body.String() != want || rec.Header().Get("Content-Type") != "text/event-stream" {
			t.Errorf("got %d %q %q, want 200 text/event-stream %q", rec.Code, rec.Header().Get("Content-Type"), rec.Body.String(), want)
		}

		late := httptest.NewRecorder()
		b.ServeHTTP(late, httptest.NewRequest(http.MethodGet, "/events", nil))
		if late.Code != http.StatusServiceUnavailable {
			t.Errorf("after Shutdown: status %d, want 503", late.Code)
		}
	})
}
