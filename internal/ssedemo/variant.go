package ssedemo

import (
	"context"
	"net"
	"net/http"
	"runtime"
	"sync"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/render"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/serving"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/sim"
)

// demo is the workload of one run.
type demo struct {
	clients   int
	interval  time.Duration
	slowEvery time.Duration // the slow client reads one event per slowEvery
	seed      int64
}

// outcome is what one variant measured: one error per client for the
// report, and the facts behind the notice.
type outcome struct {
	errs  []error
	facts render.SSEClients // Unexpected is left for the caller, who has the Variant
}

// run measures one variant: it starts a broker with newBroker (after
// counting the goroutines before it), serves it over HTTP on 127.0.0.1,
// connects the clients, publishes the events, then shuts everything down
// and waits until none of its goroutines is left. blocking says whether the
// broker's send waits for a full buffer, which decides what a client's
// shortfall is blamed on (see judge).
//
// Only the time until the fast clients are done is the variant's work;
// the teardown after it is the demo's own, marked with p.Observing so
// best% leaves it out.
func (d demo) run(ctx context.Context, p *report.Probe, newBroker func(clients int) broker, blocking bool) outcome {
	out := outcome{errs: make([]error, d.clients)}
	out.facts.GoroutinesBefore = runtime.NumGoroutine()
	b := newBroker(d.clients)
	var errs serving.ErrorLog // net/http's complaints, for the variant's notes
	srv := newServer(b, newMux(b), &errs)
	// The slow client has a listener of its own, so that only its
	// connection gets the tiny send buffer.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	var slowLn net.Listener
	if err == nil {
		if slowLn, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
			ln.Close()
		}
	}
	if err != nil {
		b.Shutdown()
		for i := range out.errs {
			out.errs[i] = err
		}
		return out
	}
	srv.ConnContext = smallSendBuffer(slowLn.Addr())
	var serving sync.WaitGroup
	serving.Go(func() { _ = srv.Serve(ln) })     // ErrServerClosed after Shutdown
	serving.Go(func() { _ = srv.Serve(slowLn) }) // likewise

	// The blocking send stalls until this deadline; select+default ends early.
	deadline := 2 * time.Duration(Events) * d.interval
	dctx, cancel := context.WithTimeout(ctx, deadline)
	defer cancel()
	start := time.Now()
	cs := d.connect(dctx, p, "http://"+ln.Addr().String()+"/events", "http://"+slowLn.Addr().String()+"/events", out.errs)

	gen := deployments{r: sim.NewRand(d.seed)}
	marked := false
	for range Events {
		if sim.Sleep(dctx, d.interval) != nil || b.Publish(dctx, eventType, gen.next()) != nil {
			break // the blocking broker stalled us until the deadline, or Ctrl-C
		}
		if !marked && b.Stats().Evicted > 0 {
			p.Mark("slow client evicted")
			marked = true
		}
	}
	if ctx.Err() == nil && dctx.Err() != nil {
		p.Mark("deadline: still stalled")
	}
	cs.fastDone.Wait()
	out.facts.FastDone = time.Since(start)
	out.facts.Evicted = b.Stats().Evicted
	if ctx.Err() == nil && dctx.Err() != nil {
		p.Note("stopped by the demo's deadline (" + render.DurOf(deadline) + ")")
	}

	// The slow client reads what is left for it at full speed and sees its
	// stream end: evicted, or ended by the broker's shutdown, which
	// Server.Shutdown triggers.
	observed := p.Observing()
	close(cs.hurry)
	_ = shutdown(srv) // a Close fallback is fine here: the clients are done
	cs.all.Wait()
	serving.Wait()
	cs.fast.CloseIdleConnections()
	cs.slow.CloseIdleConnections()
	out.facts.GoroutinesAfter = settle(ctx)
	observed()
	if sum := errs.Summary(); sum != "" {
		p.Note(sum)
	}

	judge(&out, cs.tallies, blocking, ctx.Err() != nil)
	return out
}

// clientSet is one run's clients: all fast but the last one.
type clientSet struct {
	fast, slow *http.Client
	hurry      chan struct{} // closed by run: the slow client reads at full speed
	tallies    []tally       // one per client, each written by its own goroutine
	errs       []error       // a client's error in connecting, likewise
	fastDone   sync.WaitGroup
	all        sync.WaitGroup
}

// connect starts the clients and returns once every one is subscribed (or
// failed to be). The fast clients use url, the slow one slowURL.
func (d demo) connect(ctx context.Context, p *report.Probe, url, slowURL string, errs []error) *clientSet {
	cs := &clientSet{fast: &http.Client{}, slow: slowHTTPClient(), hurry: make(chan struct{}),
		tallies: make([]tally, d.clients), errs: errs}
	var connected sync.WaitGroup
	for i := range d.clients {
		isSlow := i == d.clients-1
		connected.Add(1)
		if !isSlow {
			cs.fastDone.Add(1)
		}
		cs.all.Go(func() {
			defer p.Item(ctx).End()
			if !isSlow {
				defer cs.fastDone.Done()
			}
			hc, bufSize, u := cs.fast, 4096, url
			var pace func() error // nil: as fast as events come
			if isSlow {
				hc, bufSize, u, pace = cs.slow, slowReadBuffer, slowURL, slowPace(ctx, d.slowEvery, cs.hurry)
			}
			resp, err := openStream(ctx, hc, u)
			connected.Done()
			if err != nil {
				cs.errs[i] = err
				return
			}
			defer resp.Body.Close()
			cs.tallies[i] = read(ctx, resp.Body, bufSize, Events, pace)
		})
	}
	connected.Wait()
	return cs
}
