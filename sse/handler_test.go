package sse

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// streamRecorder is an in-memory ResponseWriter for synctest bubbles (real
// sockets would block virtual time). It records what each Flush sent, and
// when; a Write blocks while the recorder is stuck, like a client that
// stopped reading.
type streamRecorder struct {
	start  time.Time
	header http.Header
	stuck  chan struct{} // while open, Write blocks
	fail   error         // returned by Write if set

	mu      sync.Mutex // guards the fields below
	code    int
	pending strings.Builder
	flushes []flushed
}

type flushed struct {
	at   time.Duration
	text string
}

func newStreamRecorder() *streamRecorder {
	return &streamRecorder{start: time.Now(), header: http.Header{}}
}

func (r *streamRecorder) Header() http.Header { return r.header }

func (r *streamRecorder) WriteHeader(code int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.code = code
}

func (r *streamRecorder) Write(p []byte) (int, error) {
	if r.stuck != nil {
		<-r.stuck
	}
	if r.fail != nil {
		return 0, r.fail
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.pending.Write(p)
	return len(p), nil
}

func (r *streamRecorder) Flush() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.flushes = append(r.flushes, flushed{time.Since(r.start), r.pending.String()})
	r.pending.Reset()
}

func (r *streamRecorder) result() (int, []flushed) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.code, slices.Clone(r.flushes)
}

// serveAsync runs b's handler for a request with the given Last-Event-ID;
// cancel is the client going away, and done closes when the handler returns.
func serveAsync(b *Broker, w http.ResponseWriter, lastID string) (cancel func(), done chan struct{}) {
	ctx, cancel := context.WithCancel(context.Background())
	req := httptest.NewRequestWithContext(ctx, http.MethodGet, "/events", nil)
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	done = make(chan struct{})
	go func() {
		defer close(done)
		b.ServeHTTP(w, req)
	}()
	return cancel, done
}

// A silent stream gets a keep-alive comment every interval; an event
// restarts the interval.
func TestHandlerKeepAlive(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := NewBroker(Config{KeepAlive: 10 * time.Second})
		defer b.Shutdown()
		rec := newStreamRecorder()
		cancel, done := serveAsync(b, rec, "")

		time.Sleep(35 * time.Second)
		if err := b.Publish(t.Context(), "deployment", "payments-api\nHealthy"); err != nil {
			t.Fatal(err)
		}
		time.Sleep(19 * time.Second) // to 54s: the next keep-alive is due at 55s
		cancel()
		<-done

		code, got := rec.result()
		const ka = keepAliveComment
		want := []flushed{
			{0, ""}, // the headers
			{10 * time.Second, ka}, {20 * time.Second, ka}, {30 * time.Second, ka},
			{35 * time.Second, "id: 1\nevent: deployment\ndata: payments-api\ndata: Healthy\n\n"},
			{45 * time.Second, ka},
		}
		if code != http.StatusOK || !slices.Equal(got, want) {
			t.Errorf("got %d %v\nwant 200 %v", code, got, want)
		}
		synctest.Wait() // the loop has taken the handler's unregister
		for k, v := range map[string]string{"Content-Type": "text/event-stream", "Cache-Control": "no-cache"} {
			if g := rec.header.Get(k); g != v {
				t.Errorf("%s = %q, want %q", k, g, v)
			}
		}
		if n := b.Stats().Clients; n != 0 {
			t.Errorf("Clients = %d after the client left, want 0", n)
		}
	})
}

// A reconnect with a known Last-Event-ID gets what it missed; a malformed
// or unknown one starts from now, without error.
func TestHandlerLastEventID(t *testing.T) {
	tests := []struct{ last, want string }{
		{"2", "id: 3\ndata: c\n\n"},
		{"1", "id: 2\ndata: b\n\nid: 3\ndata: c\n\n"},
		{"garbage", ""},
		{"42", ""},
	}
	for _, tt := range tests {
		synctest.Test(t, func(t *testing.T) {
			b := NewBroker(Config{})
			defer b.Shutdown()
			for _, d := range []string{"a", "b", "c"} {
				if err := b.Publish(t.Context(), "", d); err != nil {
					t.Fatal(err)
				}
			}
			rec := newStreamRecorder()
			cancel, done := serveAsync(b, rec, tt.last)
			synctest.Wait()
			cancel()
			<-done
			code, got := rec.result()
			var text strings.Builder
			for _, f := range got {
				text.WriteString(f.text)
			}
			if code != http.StatusOK || text.String() != tt.want {
				t.Errorf("Last-Event-ID %q: %d %q, want 200 %q", tt.last, code, text.String(), tt.want)
			}
		})
	}
}

// A handler stuck writing to a client that stopped reading is evicted while
// other subscribers carry on; once its write returns, it ends, without
// sending the evicted client the backlog it could not keep up with.
func TestHandlerEndsWhenEvicted(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := NewBroker(Config{Buffer: 2})
		defer b.Shutdown()
		healthy, _ := b.Subscribe(t.Context(), "")
		defer healthy.Close()
		healthyGot := make(chan int, 1)
		go func() {
			n := 0
			for range healthy.Events() {
				if n++; n == 5 {
					break
				}
			}
			healthyGot <- n
		}()
		rec := newStreamRecorder()
		rec.stuck = make(chan struct{})
		unstick := sync.OnceFunc(func() { close(rec.stuck) })
		defer unstick()
		cancel, done := serveAsync(b, rec, "")
		defer cancel()
		synctest.Wait() // subscribed, stuck in its first write (the headers' flush)

		for range 5 {
			if err := b.Publish(t.Context(), "", "x"); err != nil {
				t.Fatal(err)
			}
			synctest.Wait() // the healthy reader keeps up
		}
		if s := b.Stats(); s.Evicted != 1 || s.Clients != 1 {
			t.Fatalf("Stats = %+v, want the stuck one evicted and the healthy one left", s)
		}
		if n := <-healthyGot; n != 5 {
			t.Errorf("healthy subscriber got %d events, want 5", n)
		}
		unstick() // the client reads again: it gets the end of its stream
		<-done
		_, got := rec.result()
		var ids []string
		for _, f := range got {
			if rest, ok := strings.CutPrefix(f.text, "id: "); ok {
				ids = append(ids, rest[:1])
			}
		}
		if len(ids) != 0 {
			t.Errorf("evicted client got events %v after its eviction, want none", ids)
		}
	})
}

// A failed write ends the handler and its subscription.
func TestHandlerEndsOnWriteError(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := NewBroker(Config{})
		defer b.Shutdown()
		rec := newStreamRecorder()
		rec.fail = errors.New("broken pipe")
		_, done := serveAsync(b, rec, "")
		<-done // the first write, the headers' flush, fails
		synctest.Wait()
		if n := b.Stats().Clients; n != 0 {
			t.Errorf("Clients = %d, want 0", n)
		}
	})
}

// After the broker shut down, a new stream is refused with 503.
func TestHandlerAfterShutdown(t *testing.T) {
	b := NewBroker(Config{})
	b.Shutdown()
	rec := httptest.NewRecorder()
	b.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/events", nil))
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("status %d, want 503", rec.Code)
	}
}
