package sse

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/sim"
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
func newMux(b *Broker) *http.ServeMux {
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

// newServer is the broker's HTTP server: Server.Shutdown shuts the broker
// down too (RegisterOnShutdown), which ends every open stream, so Shutdown
// does not wait on streams that would never end by themselves.
func newServer(b *Broker, addr string) *http.Server {
	srv := &http.Server{Addr: addr, Handler: newMux(b), ReadHeaderTimeout: 5 * time.Second}
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

// serve is --serve ADDR: the stream at /events and the page at /, with a
// simulated deployment update about every second (scaled), until ctx ends;
// then a graceful shutdown. It returns nil after a clean drain.
func serve(ctx context.Context, env report.Env) error {
	ln, err := net.Listen("tcp", env.Serve)
	if err != nil {
		return fmt.Errorf("--serve: %w", err)
	}
	url := "http://" + ln.Addr().String()
	env.Rec.Announce("SSE broker (slides 16-17) at " + url + "/ : open it in a browser to watch deployments live")
	env.Rec.Announce("the stream itself: curl -N " + url + "/events ; Ctrl-C here drains, also with streams open")
	return serveOn(ctx, ln, env.Seed, env.Scaled(time.Second), env.Rec.Announce)
}

// serveOn is serve on a listener it takes over, publishing every interval.
// It tells the presenter how the drain went through announce. It returns
// nil after a clean drain, the drain's error when it fell back to Close,
// or the listener's error if serving failed.
func serveOn(ctx context.Context, ln net.Listener, seed int64, interval time.Duration, announce func(string)) error {
	b := NewBroker(Config{})
	srv := newServer(b, ln.Addr().String())

	var wg sync.WaitGroup
	served := make(chan error, 1) // buffered: Serve's result is read at most once
	wg.Go(func() { served <- srv.Serve(ln) })
	wg.Go(func() { publishEvery(ctx, b, seed, interval) })

	var err error
	select {
	case <-ctx.Done():
	case err = <-served: // the listener failed: shut down the rest
	}
	at, signalAt := b.Stats(), time.Now()
	announce(fmt.Sprintf("draining: %s open; the broker's shutdown ends them, new connections are refused",
		plural(at.Clients, "stream")))
	derr := shutdown(srv)
	b.Shutdown() // returns once the loop is gone; the publisher then stops
	wg.Wait()
	how := "every stream ended by the broker's shutdown"
	if derr != nil {
		how = fmt.Sprintf("the drain gave up after %v and closed what was left", drainTimeout)
	}
	final := b.Stats()
	announce(fmt.Sprintf("stopped after %v: %s; %s published, %s evicted in all",
		time.Since(signalAt).Round(time.Millisecond), how, plural(final.Published, "event"), plural(final.Evicted, "slow client")))
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return errors.Join(err, derr)
}

// plural is "1 stream" or "2 streams".
func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// publishEvery publishes a simulated deployment update every interval until
// ctx ends or the broker shuts down.
func publishEvery(ctx context.Context, b *Broker, seed int64, interval time.Duration) {
	gen := deployments{r: sim.NewRand(seed)}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-b.done:
			return
		case <-tick.C:
			if b.Publish(ctx, eventType, gen.next()) != nil {
				return
			}
		}
	}
}
