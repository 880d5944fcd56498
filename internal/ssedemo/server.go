package ssedemo

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/serving"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/sse"
)

// broker is what the demo's server needs of a broker: sse.Broker, or the
// Bad blockingBroker it is measured against.
type broker interface {
	http.Handler // the event stream
	Publish(ctx context.Context, typ, data string) error
	Stats() sse.Stats
	Shutdown()
}

var (
	_ broker = (*sse.Broker)(nil)
	_ broker = (*blockingBroker)(nil)
)

// page is the stage's view of the stream: events live through EventSource,
// with the broker's connected clients and evictions.
//
//go:embed index.html
var page []byte

// drainTimeout bounds Server.Shutdown. With the broker's shutdown wired in,
// open streams end at once, so it is only reached by a client that stopped
// reading in the middle of a write; Close then cuts it off.
const drainTimeout = 2 * time.Second

// newMux routes the event stream, the broker's counters and the page.
func newMux(b broker) *http.ServeMux {
	mux := http.NewServeMux()
	mux.Handle("GET /events", b)
	mux.HandleFunc("GET /stats", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-cache")
		_ = json.NewEncoder(w).Encode(b.Stats()) // a failed write: the client left
	})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(page)
	})
	return mux
}

// newServer is the broker's HTTP server for h, with the limits every
// server of the demo has (serving.NewServer: header and idle timeouts,
// small headers), net/http's errors going to errs: Server.Shutdown shuts
// the broker down too (RegisterOnShutdown), which ends every open stream,
// so Shutdown does not wait on streams that would never end by themselves.
func newServer(b broker, h http.Handler, errs *serving.ErrorLog) *http.Server {
	srv := serving.NewServer(h, errs)
	srv.RegisterOnShutdown(b.Shutdown)
	return srv
}

// shutdown drains srv: Shutdown with a fresh timeout (the caller's ctx is
// usually the one that was cancelled, and the drain needs time), then Close
// as the fallback for whatever did not drain. It returns nil after a clean
// drain, and an error wrapping context.DeadlineExceeded after the fallback.
func shutdown(srv *http.Server) error {
	ctx, cancel := context.WithTimeout(context.Background(), drainTimeout)
	defer cancel()
	err := srv.Shutdown(ctx)
	if err == nil {
		return nil
	}
	return fmt.Errorf("drain: connections still open after %v, closed: %w", drainTimeout, errors.Join(err, srv.Close()))
}
