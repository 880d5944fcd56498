package sse

import (
	"errors"
	"net/http"
	"time"
)

// ServeHTTP streams one subscription as text/event-stream: the replay after
// the request's Last-Event-ID, then every event as it is published, and a
// keep-alive comment whenever the stream has been silent for the
// configured interval.
//
// The handler's goroutine ends when its stream ends, whichever way: the
// client goes away (the request's context), the broker evicts it or shuts
// down (its channel is closed), or a write fails or times out. Each way
// runs the deferred Close, which cannot block (see Subscription.Close).
// Once the broker has shut down, a new stream gets 503 Service
// Unavailable. Open streams never go idle, so http.Server.Shutdown waits
// on them unless the broker's Shutdown is registered with
// Server.RegisterOnShutdown (see the Example).
func (b *Broker) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sub, err := b.Subscribe(ctx, r.Header.Get("Last-Event-ID"))
	if err != nil {
		http.Error(w, "event stream unavailable: "+err.Error(), http.StatusServiceUnavailable)
		return
	}
	defer sub.Close()

	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no") // ask nginx-style proxies not to buffer
	w.WriteHeader(http.StatusOK)
	st := stream{w: w, rc: http.NewResponseController(w), timeout: b.cfg.WriteTimeout}
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
			if !ok {
				return // evicted or shut down; Close is then a no-op
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

// stream writes to one client, each write bounded by a deadline and flushed
// at once through http.ResponseController.
type stream struct {
	w       http.ResponseWriter
	rc      *http.ResponseController
	timeout time.Duration
}

// write writes p and flushes it within the timeout, then clears the
// deadline. The deadline must not outlive the write: over HTTP/2 it is a
// timer that resets the stream when it fires, written to or not, so a
// stream silent for longer than the timeout (waiting for its keep-alive)
// would be reset. Over HTTP/1.1 it only fails a write in progress.
func (s stream) write(p []byte) error {
	// A writer without deadlines (a test recorder) still streams.
	err := s.rc.SetWriteDeadline(time.Now().Add(s.timeout))
	deadlines := !errors.Is(err, http.ErrNotSupported)
	if err != nil && deadlines {
		return err
	}
	if _, err := s.w.Write(p); err != nil {
		return err
	}
	if err := s.rc.Flush(); err != nil {
		return err
	}
	if deadlines {
		return s.rc.SetWriteDeadline(time.Time{})
	}
	return nil
}
