package sse

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"
)

// retryAfter is what a refused stream is told to wait, in seconds.
const retryAfter = "5"

// ServeHTTP streams one subscription as text/event-stream: the replay after
// the request's Last-Event-ID, then every event as it is published, and a
// keep-alive comment whenever the stream has been silent for the
// configured interval.
//
// The handler's goroutine ends when its stream ends, whichever way: the
// client goes away (the request's context), the broker evicts it or shuts
// down (its channel is closed), or a write fails or times out. Each way
// runs the deferred Close, which cannot block (see Subscription.Close). An
// eviction ends the stream at once: the events still in the evicted
// client's buffer are not sent, and a write in progress to it is cut
// short (its deadline moves to now) rather than left to wait out
// WriteTimeout. Over HTTP/1.x the response asks for the connection to be
// closed when the stream ends (Connection: close): a stream holds its
// connection alone, and an ended one would otherwise wait, idle, for a
// request that a reconnecting client sends on a new connection anyway.
//
// A stream the broker refuses, because Config.MaxClients are open or it
// has shut down, gets 503 Service Unavailable with Retry-After. Open
// streams never go idle, so http.Server.Shutdown waits on them unless the
// broker's Shutdown is registered with Server.RegisterOnShutdown (see the
// Example).
func (b *Broker) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sub, err := b.Subscribe(ctx, r.Header.Get("Last-Event-ID"))
	if err != nil {
		w.Header().Set("Retry-After", retryAfter)
		http.Error(w, "event stream unavailable: "+err.Error(), http.StatusServiceUnavailable)
		return
	}
	defer sub.Close()

	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no") // ask nginx-style proxies not to buffer
	if r.ProtoMajor == 1 {
		// Not over HTTP/2: there the header would close the connection
		// every other stream of the client shares.
		h.Set("Connection", "close")
	}
	w.WriteHeader(http.StatusOK)
	st := &stream{w: w, rc: http.NewResponseController(w), timeout: b.cfg.WriteTimeout}
	defer st.end() // after it, nothing touches w or its ResponseController
	stopCut := context.AfterFunc(sub.s.gone, func() {
		if errors.Is(sub.Err(), ErrEvicted) {
			st.cut()
		}
	})
	defer stopCut()
	if st.write(nil) != nil {
		return // the writer cannot stream, or the client is gone
	}

	keepAlive := time.NewTicker(b.cfg.KeepAlive)
	defer keepAlive.Stop()
	var buf []byte
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-sub.Events():
			if !ok || errors.Is(sub.Err(), ErrEvicted) {
				return // shut down (its buffer sent), or evicted (not worth sending)
			}
			buf, _ = appendEvent(buf[:0], ev) // the broker's events are valid
			if st.write(buf) != nil {
				return
			}
			keepAlive.Reset(b.cfg.KeepAlive) // silent means no event either
		case <-keepAlive.C:
			if st.write([]byte(keepAliveComment)) != nil {
				return
			}
		}
	}
}

// errCut is a write's error once the stream has been cut or has ended.
var errCut = errors.New("sse: stream ended")

// stream writes to one client, each write bounded by a deadline and flushed
// at once through http.ResponseController. Only the handler writes; cut
// may come from another goroutine.
type stream struct {
	w       http.ResponseWriter
	rc      *http.ResponseController
	timeout time.Duration

	mu    sync.Mutex // guards ended and every deadline set
	ended bool       // by cut or end: no write starts, no deadline is set
}

// write writes p and flushes it within the timeout, then clears the
// deadline. The deadline must not outlive the write: over HTTP/2 it is a
// timer that resets the stream when it fires, written to or not, so a
// stream silent for longer than the timeout (waiting for its keep-alive)
// would be reset. Over HTTP/1.1 it only fails a write in progress.
func (s *stream) write(p []byte) error {
	deadlines, err := s.deadline(time.Now().Add(s.timeout))
	if err != nil {
		return err
	}
	if _, err := s.w.Write(p); err != nil {
		return err
	}
	if err := s.rc.Flush(); err != nil {
		return err
	}
	if deadlines {
		_, err = s.deadline(time.Time{})
	}
	return err
}

// deadline sets the write deadline to t unless the stream has ended, and
// reports whether the writer has deadlines at all (a test recorder has
// none, and still streams).
func (s *stream) deadline(t time.Time) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ended {
		return false, errCut
	}
	err := s.rc.SetWriteDeadline(t)
	if errors.Is(err, http.ErrNotSupported) {
		return false, nil
	}
	return true, err
}

// cut ends the stream from another goroutine: a write in progress fails
// now (a writer without deadlines finishes it first), and no other starts.
func (s *stream) cut() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.ended {
		s.ended = true
		_ = s.rc.SetWriteDeadline(time.Now()) // unsupported: the next write fails instead
	}
}

// end marks the stream ended as the handler returns; a late cut then does
// nothing, and the ResponseController is never used after the handler.
func (s *stream) end() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ended = true
}
