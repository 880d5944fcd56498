package ssedemo

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/render"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/sim"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/sse"
)

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

// serveOn is serve on a listener it takes over, publishing every interval:
// the real sse.Broker, the one to copy. It tells the presenter how the
// drain went through announce. It returns nil after a clean drain, the
// drain's error when it fell back to Close, or the listener's error if
// serving failed.
func serveOn(ctx context.Context, ln net.Listener, seed int64, interval time.Duration, announce func(string)) error {
	b := sse.NewBroker(sse.Config{})
	srv := newServer(b, ln.Addr().String())

	var wg sync.WaitGroup
	served := make(chan error, 1) // buffered: Serve's result is read at most once
	wg.Go(func() { served <- srv.Serve(ln) })
	pubCtx, stopPublishing := context.WithCancel(ctx) // the publisher's lifetime is serveOn's
	defer stopPublishing()
	wg.Go(func() { publishEvery(pubCtx, b, seed, interval) })

	var err error
	select {
	case <-ctx.Done():
	case err = <-served: // the listener failed: shut down the rest
	}
	stopPublishing()
	at, signalAt := b.Stats(), time.Now()
	announce(fmt.Sprintf("draining: %s open; the broker's shutdown ends them, new connections are refused",
		render.Plural(at.Clients, "stream")))
	derr := shutdown(srv)
	b.Shutdown() // already done by srv.Shutdown, unless the listener failed first
	wg.Wait()
	how := "every stream ended by the broker's shutdown"
	if derr != nil {
		how = fmt.Sprintf("the drain gave up after %s and closed what was left", render.DurOf(drainTimeout))
	}
	final := b.Stats()
	announce(fmt.Sprintf("stopped after %s: %s; %s published, %s evicted in all",
		render.DurOf(time.Since(signalAt)), how, render.Plural(final.Published, "event"), render.Plural(final.Evicted, "slow client")))
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return errors.Join(err, derr)
}

// publishEvery publishes a simulated deployment update every interval until
// ctx ends or the broker shuts down (Publish then fails).
func publishEvery(ctx context.Context, b broker, seed int64, interval time.Duration) {
	gen := deployments{r: sim.NewRand(seed)}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if b.Publish(ctx, eventType, gen.next()) != nil {
				return
			}
		}
	}
}
