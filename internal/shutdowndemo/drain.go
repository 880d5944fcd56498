package shutdowndemo

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/render"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/serving"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/sim"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/shutdown"
)

// drainDemo measures scenario 2: a signal while requests are in flight.
// Items are the requests in flight at the signal: ok counts the ones that
// completed, failed the ones cut off (expected of the short drain's
// fallback for the requests longer than its timeout).
func drainDemo(ctx context.Context, env report.Env, nw network) error {
	n := env.ItemsOr(DrainRequests)
	work := sim.Scale(sim.Skewed(sim.NewRand(env.Seed), n, RequestWork, ExportWork, ExportShare), env.Scale)
	long, short := env.Scaled(DrainTimeout), env.Scaled(ShortDrain)
	sc := env.Rec.Scenario(pattern, "14-15",
		fmt.Sprintf("signal with %d requests in flight (%s-%s of work), %d new ones after it", n,
			render.DurOf(env.Scaled(RequestWork)), render.DurOf(env.Scaled(ExportWork)), NewRequests), n)

	slowest := report.Bound(work, n)
	variants := []struct {
		name, notes string
		role        report.Role
		stop        func(sig context.Context, s *demoServer) error
		bound       time.Duration
		cutIsRight  time.Duration // requests of more work than this are rightly cut off; 0: none
	}{
		{"Close at once", "Bad: what exiting on the signal does", report.Bad, closeAtOnce, 0, 0},
		{"Shutdown", "drain timeout " + render.DurOf(long), report.Fix, graceful(ctx, long), slowest, 0},
		{"Shutdown+Close", fmt.Sprintf("drain timeout %s, then Close", render.DurOf(short)), report.Fix,
			graceful(ctx, short), min(slowest, short), short},
	}
	var runs []render.ShutdownDrainRun
	for _, v := range variants {
		var dr drainRun
		spec := report.Spec{Name: v.name, Role: v.role, Limit: n, Bound: v.bound, Notes: v.notes}
		m := sc.Measure(ctx, spec, func(ctx context.Context, p *report.Probe) []error {
			dr = signalInFlight(ctx, nw, work, v.stop, v.cutIsRight, p)
			return dr.errs
		})
		if err := ctx.Err(); err != nil {
			return err
		}
		dr.Unexpected = m.Unexpected()
		runs = append(runs, dr.ShutdownDrainRun)
		if dr.Failure != nil {
			// Out of descriptors: the next variant would fail the same
			// way. What was measured stays, with the reason.
			sc.Notice("could not run: " + dr.Failure.Error())
			return fmt.Errorf("%s: %w", v.name, dr.Failure)
		}
	}
	sc.Notice(render.ShutdownDrain(render.ShutdownDrainFacts{NewRequests: NewRequests, Short: short,
		CloseAtOnce: runs[0], Shutdown: runs[1], ShutdownClose: runs[2]}))
	return nil
}

// graceful serves until the signal, then drains within timeout: the
// lesson's own shutdown.Serve, unchanged. If life (the demo's run) ends,
// Ctrl-C, the process is going: srv.Close ends the drain as the kubelet's
// SIGKILL would, and Serve returns at Shutdown's next look at its
// connections, at most about half a second later.
func graceful(life context.Context, timeout time.Duration) func(context.Context, *demoServer) error {
	return func(sig context.Context, s *demoServer) error {
		stop := context.AfterFunc(life, func() { _ = s.srv.Close() })
		defer stop()
		return shutdown.Serve(sig, s.srv, s.ln, timeout)
	}
}

// drainRun is what one variant of scenario 2 saw: the facts for the
// notice, the server's stop, and one error per request.
type drainRun struct {
	render.ShutdownDrainRun
	stopErr error // the server's stop: a drain that timed out
	errs    []error
}

// signalInFlight starts a server whose i-th request works for work[i],
// sends all of them, gives the signal once they are all in flight (or
// failed on the way), sends NewRequests more, and lets stop end the server. A request that failed
// after its handler started was cut off: expected when its work is longer
// than cutIsRight (the drain's timeout, when its fallback is the point).
func signalInFlight(ctx context.Context, nw network, work []time.Duration, stop func(context.Context, *demoServer) error, cutIsRight time.Duration, p *report.Probe) drainRun {
	n := len(work)
	dr := drainRun{ShutdownDrainRun: render.ShutdownDrainRun{Before: numGoroutine()}}
	signalled := make(chan struct{})  // closed at the signal, by this goroutine
	handled := make([]atomic.Bool, n) // request i reached its handler
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i, ok := requestIndex(w, r, n)
		if !ok {
			return
		}
		handled[i].Store(true)
		defer p.Item(r.Context()).End()
		shutdown.CancelOnDisconnect(func(ctx context.Context) error {
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
		dr.Failure, dr.errs = err, fill(n, err)
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

	// The requests, and the signal once every one is in flight or has
	// failed before it reached its handler (a dial refused when the
	// descriptors run out, say): waiting for that one would be for ever.
	errs := make([]error, n)
	answered := make([]time.Time, n)
	failedEarly := make(chan struct{}, n) // buffered: a client never waits to say so
	var clients sync.WaitGroup
	for i := range n {
		clients.Go(func() {
			errs[i] = s.call(ctx, s.client, http.MethodGet, "/work?i="+strconv.Itoa(i))
			answered[i] = time.Now()
			if errs[i] != nil && !handled[i].Load() {
				failedEarly <- struct{}{}
			}
		})
	}
	for early := 0; ctx.Err() == nil && s.errs.Exhausted().Err() == nil; {
		st, changed := s.track.next()
		if st.started+early >= n {
			break
		}
		select {
		case <-changed:
		case <-failedEarly:
			early++
		case <-s.errs.Exhausted().Done(): // the rest cannot reach a handler
			dr.Failure = serving.ErrExhausted
		case <-ctx.Done():
		}
	}
	dr.InFlight = s.track.state().active
	signalAt := time.Now()
	p.Mark("signal")
	close(signalled)
	signal()

	// New requests, once the listener is closed: each must dial, and is refused.
	select {
	case <-ln.closed:
		fresh := s.newClient(true)
		for range NewRequests {
			if err := s.call(ctx, fresh, http.MethodGet, "/work?i=0"); errors.Is(err, syscall.ECONNREFUSED) {
				dr.Refused++
			}
		}
	case <-ctx.Done():
	}
	clients.Wait()
	if dr.Failure == nil && (s.errs.Exhausted().Err() != nil || s.dialsRanOut.Load()) {
		dr.Failure = serving.ErrExhausted // a client's dial ran out first
	}
	<-stopped
	dr.Stopped = stoppedAt.Sub(signalAt)
	s.finish()
	// Counting the goroutines back is the demo watching, not working.
	watched := p.Observing()
	dr.After = settle(ctx, dr.Before, 500*time.Millisecond)
	watched()

	for i, err := range errs {
		switch {
		case err == nil:
			dr.Completed++
			dr.LastAnswer = max(dr.LastAnswer, answered[i].Sub(signalAt))
		case ctx.Err() != nil:
			errs[i] = context.Cause(ctx)
		case !handled[i].Load():
			// Never reached its handler (a dial that failed, say):
			// its own error, not a cut-off.
		case cutIsRight > 0 && work[i] > cutIsRight:
			errs[i] = report.Expected(fmt.Errorf("%w (%v)", errCutOff, err))
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
