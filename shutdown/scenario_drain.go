package shutdown

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/sim"
)

// Graceful shutdown, at scale 1: 20 requests in flight when the signal
// comes, most of them 1 s of work and one in ten a 2.5 s report export,
// and 5 new requests after it. The drain timeout is long enough for all of
// them, or short enough to cut the exports off.
const (
	DrainRequests = 20
	NewRequests   = 5
	RequestWork   = time.Second
	ExportWork    = 2500 * time.Millisecond
	ExportShare   = 0.1
	DrainTimeout  = 5 * time.Second
	ShortDrain    = 1500 * time.Millisecond
)

// drainDemo measures scenario 2: a signal while requests are in flight.
// Items are the requests in flight at the signal: ok counts the ones that
// completed, failed the ones cut off.
func drainDemo(ctx context.Context, env report.Env, nw network) error {
	n := env.ItemsOr(DrainRequests)
	work := sim.Scale(sim.Skewed(sim.NewRand(env.Seed), n, RequestWork, ExportWork, ExportShare), env.Scale)
	long, short := env.Scaled(DrainTimeout), env.Scaled(ShortDrain)
	sc := env.Rec.Scenario(pattern, "14-15",
		fmt.Sprintf("signal with %d requests in flight (%v-%v of work), %d new ones after it", n,
			env.Scaled(RequestWork), env.Scaled(ExportWork), NewRequests), n)

	slowest := report.Bound(work, n)
	variants := []struct {
		name, notes string
		stop        func(sig context.Context, s *demoServer) error
		bound       time.Duration
	}{
		{"Close at once", "Bad: what exiting on the signal does", closeAtOnce, 0},
		{"Shutdown", fmt.Sprintf("drain timeout %v", long), graceful(ctx, long), slowest},
		{"Shutdown+Close", fmt.Sprintf("drain timeout %v, then Close", short), graceful(ctx, short), min(slowest, short)},
	}
	var runs []drainRun
	for _, v := range variants {
		var dr drainRun
		sc.Measure(ctx, report.Spec{Name: v.name, Limit: n, Bound: v.bound, Notes: v.notes},
			func(ctx context.Context, p *report.Probe) []error {
				dr = signalInFlight(ctx, nw, work, v.stop, p)
				return dr.errs
			})
		if err := ctx.Err(); err != nil {
			return err
		}
		runs = append(runs, dr)
	}
	sc.Notice(drainNotice(runs, short))
	return nil
}

// closeAtOnce serves until the signal, then closes every connection
// (Bad): the requests in flight are cut off.
func closeAtOnce(sig context.Context, s *demoServer) error {
	served := make(chan error, 1)
	go func() { served <- s.srv.Serve(s.ln) }()
	<-sig.Done()
	err := s.srv.Close()
	<-served
	return err
}

// graceful serves until the signal, then drains within timeout: [Serve].
// The drain also gives up when life (the demo's run) ends: Ctrl-C must not
// wait for Shutdown's next poll, up to half a second apart.
func graceful(life context.Context, timeout time.Duration) func(context.Context, *demoServer) error {
	return func(sig context.Context, s *demoServer) error {
		return serve(sig, life, s.srv, s.ln, timeout, nil)
	}
}

// drainRun is what one variant of scenario 2 saw.
type drainRun struct {
	errs          []error       // one per request in flight at the signal
	inflight      int           // requests in flight at the signal
	completed     int           // of those, answered in full
	refused       int           // new requests refused after the signal
	lastAnswer    time.Duration // from the signal to the last full answer
	drain         time.Duration // from the signal to the server stopped
	stopErr       error         // the server's stop: a drain that timed out
	before, after int           // goroutines before the server, after it stopped
	failure       error         // the variant could not run
}

// signalInFlight starts a server whose i-th request works for work[i],
// sends all of them, gives the signal once they are all in flight, sends
// NewRequests more, and lets stop end the server.
func signalInFlight(ctx context.Context, nw network, work []time.Duration, stop func(context.Context, *demoServer) error, p *report.Probe) drainRun {
	n := len(work)
	dr := drainRun{before: numGoroutine()}
	signalled := make(chan struct{}) // closed at the signal
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i, ok := requestIndex(w, r, n)
		if !ok {
			return
		}
		p.Begin()
		defer p.End()
		CancelOnDisconnect(func(ctx context.Context) error {
			// Work runs from the signal, so that what is left of it
			// then is work[i], however long the connections took
			// to open on a busy machine.
			select {
			case <-signalled:
			case <-ctx.Done():
				return context.Cause(ctx)
			}
			return sim.Sleep(ctx, work[i])
		}).ServeHTTP(w, r)
	})
	s, err := newServer(ctx, nw, h)
	if err != nil {
		dr.errs, dr.failure = fill(n, err), err
		return dr
	}
	ln := watchClose(s.ln)
	s.ln = ln

	sig, signal := context.WithCancel(ctx) // cancelling it is the signal
	defer signal()
	var stoppedAt time.Time // written before stopped is closed
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		dr.stopErr = stop(sig, s)
		stoppedAt = time.Now()
	}()

	// The requests, and the signal once all of them are in flight.
	errs := make([]error, n)
	answered := make([]time.Time, n)
	var clients sync.WaitGroup
	for i := range n {
		clients.Go(func() {
			errs[i] = s.call(ctx, s.client, http.MethodGet, "/work?i="+strconv.Itoa(i))
			answered[i] = time.Now()
		})
	}
	allSent, cancelWait := context.WithCancel(ctx)
	go func() { clients.Wait(); cancelWait() }() // or a request failed early: stop waiting
	_ = s.track.wait(allSent, func(st trackState) bool { return st.started >= n })
	cancelWait()
	dr.inflight = s.track.state().active
	signalAt := time.Now()
	close(signalled)
	signal()

	// New requests, once the listener is closed: each must dial, and is refused.
	select {
	case <-ln.closed:
		fresh := s.newClient(true)
		for range NewRequests {
			if err := s.call(ctx, fresh, http.MethodGet, "/work?i=0"); errors.Is(err, syscall.ECONNREFUSED) {
				dr.refused++
			}
		}
	case <-ctx.Done():
	}
	clients.Wait()
	<-stopped
	dr.drain = stoppedAt.Sub(signalAt)
	s.finish()
	dr.after = settle(ctx, dr.before, 500*time.Millisecond)

	for i, err := range errs {
		switch {
		case err == nil:
			dr.completed++
			dr.lastAnswer = max(dr.lastAnswer, answered[i].Sub(signalAt))
		case ctx.Err() != nil:
			errs[i] = context.Cause(ctx)
		default:
			errs[i] = fmt.Errorf("%w (%v)", errCutOff, err)
		}
	}
	dr.errs = errs
	return dr
}

// closeWatcher is a listener that says when it has been closed: by Close
// or Shutdown, which both close the listeners first.
type closeWatcher struct {
	net.Listener
	once   sync.Once
	closed chan struct{} // closed by Close
}

func watchClose(ln net.Listener) *closeWatcher {
	return &closeWatcher{Listener: ln, closed: make(chan struct{})}
}

func (c *closeWatcher) Close() error {
	err := c.Listener.Close()
	c.once.Do(func() { close(c.closed) })
	return err
}

// drainNotice says what the three variants measured.
func drainNotice(runs []drainRun, short time.Duration) string {
	if len(runs) != 3 {
		return ""
	}
	for _, r := range runs {
		if r.failure != nil {
			return "could not run: " + r.failure.Error()
		}
	}
	bad, good, cut := runs[0], runs[1], runs[2]
	var b strings.Builder
	fmt.Fprintf(&b, "%d in flight at the signal: Close at once finished %d; Shutdown finished %d "+
		"(last at %v, stopped at %v: it polls for idle connections); %v timeout + Close: %d, %d cut off. ",
		bad.inflight, bad.completed, good.completed, round(good.lastAnswer), round(good.drain),
		short, cut.completed, cut.inflight-cut.completed)
	fmt.Fprintf(&b, "New requests refused: %d/%d/%d of %d. ", bad.refused, good.refused, cut.refused, NewRequests)
	if bad.after == bad.before && good.after == good.before && cut.after == cut.before {
		fmt.Fprintf(&b, "Goroutines back to %d each time", good.before)
	} else {
		fmt.Fprintf(&b, "Goroutines before/after: %d/%d, %d/%d, %d/%d",
			bad.before, bad.after, good.before, good.after, cut.before, cut.after)
	}
	return b.String()
}
