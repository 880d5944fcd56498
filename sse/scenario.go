package sse

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/sim"
)

// The demo's workload, at scale 1: 100 deployment updates, one every 20 ms,
// to 5 fast clients and one that reads an event only every 200 ms.
const (
	defaultClients = 6 // --items: all the clients; the last one is the slow one
	events         = 100
	interval       = 20 * time.Millisecond
	slowEvery      = 200 * time.Millisecond
	demoBuffer     = 32 // each subscriber's buffer (Config.Buffer): 32 intervals of slack
)

// Run is the sse pattern for cmd/demo. With env.Serve set it serves the
// stream and its page on that address until ctx ends (see serve). Otherwise
// it runs the self-running demo: a real HTTP server on 127.0.0.1, --items
// clients (default 6: 5 fast, the last one slow) and 100 deployment events,
// once with a blocking broadcast (the Bad) and once with slide 17's select
// and default. An item is a client: ok when it got every event in order,
// failed when it was evicted or stalled. --workers is not used.
//
// Run returns nil, or ctx's error soon after ctx ends.
func Run(ctx context.Context, env report.Env) error {
	if env.Serve != "" {
		return serve(ctx, env)
	}
	d := demo{
		clients:   max(env.ItemsOr(defaultClients), 2),
		interval:  env.Scaled(interval),
		slowEvery: env.Scaled(slowEvery),
		seed:      env.Seed,
	}
	bound := time.Duration(events) * d.interval // publishing alone takes this long
	sc := env.Rec.Scenario("sse", "16-17",
		fmt.Sprintf("broadcast %d deployment events to %d clients, one slow", events, d.clients), d.clients)

	var bad, good outcome
	// No bound for the blocking send: it stalls until the demo's own
	// deadline, so its wall is that deadline, not a measured pace.
	sc.Measure(ctx, report.Spec{Name: "blocking send", Limit: d.clients,
		Notes: "slide 17 without default"}, func(ctx context.Context, p *report.Probe) []error {
		bad = d.run(ctx, p, true)
		return bad.errs
	})
	if err := ctx.Err(); err != nil {
		return err
	}
	sc.Measure(ctx, report.Spec{Name: "select+default", Limit: d.clients, Bound: bound,
		Notes: fmt.Sprintf("buffer %d per client; full = evicted", demoBuffer)}, func(ctx context.Context, p *report.Probe) []error {
		good = d.run(ctx, p, false)
		return good.errs
	})
	if err := ctx.Err(); err != nil {
		return err
	}
	sc.Notice(noticeLine(d, bad, good))
	return nil
}

// noticeLine is the scenario's line, from what was measured.
func noticeLine(d demo, bad, good outcome) string {
	fast := fmt.Sprintf("%d fast clients", d.clients-1)
	if d.clients == 2 {
		fast = "the fast client"
	}
	goodFast := fmt.Sprintf("all %d to %s in %v", events, fast, good.fastDone.Round(time.Millisecond))
	if good.fastMin < events {
		goodFast = fmt.Sprintf("only %d of %d to some fast client", good.fastMin, events)
	}
	slow := fmt.Sprintf("the slow one evicted after %d", good.slowGot)
	if good.evicted == 0 {
		slow = fmt.Sprintf("the slow one never evicted (it got %d)", good.slowGot)
	}
	return fmt.Sprintf("blocking send: 1 slow client held %s to %d/%d events; "+
		"select+default: %s, %s; goroutines %d before, %d after shutdown",
		fast, bad.fastMin, events, goodFast, slow, good.goroutinesBefore, good.goroutinesAfter)
}

// demo is the workload of one run.
type demo struct {
	clients   int
	interval  time.Duration
	slowEvery time.Duration // the slow client reads one event per slowEvery
	seed      int64
}

// outcome is what one variant measured besides the report's figures.
type outcome struct {
	errs                              []error
	fastMin                           int           // fewest events a fast client got
	fastDone                          time.Duration // when the last fast client had them all
	slowGot                           int           // events the slow client got
	evicted                           int
	goroutinesBefore, goroutinesAfter int
}

// Errors of the demo's clients, named so the report tallies them.
var (
	// The blocking send: every client waits for the slow one.
	errStalled = errors.New("stalled behind the slow client")
	errHeld    = errors.New("slow client never evicted: it set everyone's pace")
	// Slide 17's send: nothing waits for the slow client, so a fast one
	// that falls short was slow itself (a machine too busy to read).
	errBehind = errors.New("evicted too: fell a whole buffer behind (a busy machine?)")
	errMissed = errors.New("missed the demo's deadline (a busy machine?)")
	// Either: Ctrl-C came first.
	errInterrupted = errors.New("interrupted before it had every event")
)

// evictedError is the slow client's fate under slide 17; it does not wrap,
// so the report shows its count.
type evictedError struct{ got int }

func (e evictedError) Error() string {
	return fmt.Sprintf("slow client evicted after %d of %d events", e.got, events)
}

// run starts a server with a broker (the blocking Bad one or slide 17's),
// connects the clients, publishes the events, shuts everything down and
// waits until none of its goroutines is left.
func (d demo) run(ctx context.Context, p *report.Probe, blocking bool) outcome {
	out := outcome{errs: make([]error, d.clients), goroutinesBefore: runtime.NumGoroutine()}
	b := newBroker(Config{Buffer: demoBuffer}, blocking)
	srv := newServer(b, "")
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

	// The bad variant stalls until this deadline; the good one ends early.
	deadline := 2 * time.Duration(events) * d.interval
	dctx, cancel := context.WithTimeout(ctx, deadline)
	defer cancel()
	start := time.Now()
	cs := d.connect(dctx, p, "http://"+ln.Addr().String()+"/events", "http://"+slowLn.Addr().String()+"/events", out.errs)

	gen := deployments{r: sim.NewRand(d.seed)}
	for range events {
		if sim.Sleep(dctx, d.interval) != nil || b.Publish(dctx, eventType, gen.next()) != nil {
			break // the blocking broker stalled us until the deadline, or Ctrl-C
		}
	}
	cs.fastDone.Wait()
	out.fastDone = time.Since(start)
	out.evicted = b.Stats().Evicted
	if ctx.Err() == nil && dctx.Err() != nil {
		p.Note(fmt.Sprintf("stopped by the demo's deadline (%v)", deadline))
	}

	// The slow client reads what is left for it at full speed and sees its
	// stream end: evicted, or ended by the broker's shutdown, which
	// Server.Shutdown triggers.
	close(cs.hurry)
	_ = shutdown(srv) // a Close fallback is fine here: the clients are done
	cs.all.Wait()
	serving.Wait()
	cs.fast.CloseIdleConnections()
	cs.slow.CloseIdleConnections()
	out.goroutinesAfter = settle(ctx)

	judge(&out, cs.tallies, blocking, ctx.Err() != nil)
	return out
}

// clientSet is one run's clients: all fast but the last one.
type clientSet struct {
	fast, slow *http.Client
	hurry      chan struct{} // closed: the slow client reads at full speed
	tallies    []tally
	errs       []error // a client's error in connecting
	fastDone   sync.WaitGroup
	all        sync.WaitGroup
}

// connect starts the clients and returns once every one is subscribed (or
// failed to be).
// The fast clients use url, the slow one slowURL.
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
			p.Begin()
			defer p.End()
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
			cs.tallies[i] = read(ctx, resp.Body, bufSize, events, pace)
		})
	}
	connected.Wait()
	return cs
}

// judge turns the clients' tallies into one outcome per client; the last
// client is the slow one. What a shortfall is blamed on depends on the
// variant: with the blocking send every client waits for the slow one;
// with slide 17's nothing does, so a fast client that fell short was too
// slow itself. When Ctrl-C came first (interrupted), it is blamed on that.
func judge(out *outcome, tallies []tally, blocking, interrupted bool) {
	out.fastMin = events
	short := func(t tally, why error) error {
		return fmt.Errorf("got %d of %d events: %w", t.got, events, why)
	}
	for i, t := range tallies {
		if out.errs[i] != nil {
			continue
		}
		if i == len(tallies)-1 {
			out.slowGot = t.got
			switch {
			case !t.inOrder:
				out.errs[i] = errors.New("events out of order")
			case out.evicted > 0:
				out.errs[i] = evictedError{t.got}
			case t.got == events:
			case interrupted:
				out.errs[i] = short(t, errInterrupted)
			case blocking:
				out.errs[i] = errHeld
			default:
				out.errs[i] = short(t, errMissed)
			}
			continue
		}
		out.fastMin = min(out.fastMin, t.got)
		switch {
		case !t.inOrder:
			out.errs[i] = errors.New("events out of order")
		case t.got == events:
		case t.ended && !blocking:
			out.errs[i] = short(t, errBehind)
		case interrupted:
			out.errs[i] = short(t, errInterrupted)
		case blocking:
			out.errs[i] = short(t, errStalled)
		default:
			out.errs[i] = short(t, errMissed)
		}
	}
}

// settle waits, up to a second, until none of the demo's goroutines is
// left (connections' goroutines end just after their handlers and
// clients), and returns the process's goroutine count then. It looks at
// stacks, not at the count alone, so that a goroutine someone else started
// meanwhile does not keep it waiting.
func settle(ctx context.Context) int {
	deadline := time.Now().Add(time.Second)
	for ours() > 0 && time.Now().Before(deadline) {
		if sim.Sleep(ctx, time.Millisecond) != nil {
			break
		}
	}
	return runtime.NumGoroutine()
}

// ours counts the goroutines, other than the caller, that net/http or this
// package started.
func ours() int {
	buf := make([]byte, 64<<10)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	stacks := strings.Split(string(buf), "\n\n")
	count := 0
	for _, st := range stacks[1:] { // the first is the caller's
		_, creator, _ := strings.Cut(st, "\ncreated by ")
		if strings.HasPrefix(creator, "net/http.") || strings.Contains(creator, "go-concurrency-examples/sse.") {
			count++
		}
	}
	return count
}
