package shutdowndemo

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/render"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/sim"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/shutdown"
)

// disconnect measures scenario 1: a client leaves a cluster creation.
// Items are the job's API calls: ok counts the calls completed, failed the
// ones the disconnect interrupted or saved (expected, on r.Context()).
func disconnect(ctx context.Context, env report.Env, nw network) error {
	n := env.ItemsOr(ClusterCalls)
	step, patience := env.Scaled(APICallLatency), env.Scaled(ClientPatience)
	sc := env.Rec.Scenario(pattern, "14-15", fmt.Sprintf("create a cluster (%d API calls of %s), client leaves after %s",
		n, render.DurOf(step), render.DurOf(patience)), n)

	variants := []struct {
		name, notes string
		role        report.Role
		serve       func(shutdown.Job) http.Handler
		bound       time.Duration
		stopIsRight bool // the calls the client's leaving stopped were rightly not made
	}{
		{"ignores ctx", "ok = API calls made while the client waited", report.Bad,
			func(j shutdown.Job) http.Handler { return IgnoreDisconnect(ctx, j) }, time.Duration(n) * step, false},
		{"r.Context()", "ok = API calls completed", report.Fix,
			shutdown.CancelOnDisconnect, min(patience, time.Duration(n)*step), true},
	}
	var runs []render.ShutdownLeaveRun
	for _, v := range variants {
		var lr leaveRun
		spec := report.Spec{Name: v.name, Role: v.role, Limit: 1, Bound: v.bound, Notes: v.notes}
		m := sc.Measure(ctx, spec, func(ctx context.Context, p *report.Probe) []error {
			lr = createAndLeave(ctx, nw, v.serve, n, step, patience, v.stopIsRight, p)
			return lr.errs
		})
		if err := ctx.Err(); err != nil {
			return err
		}
		lr.Unexpected = m.Unexpected()
		runs = append(runs, lr.ShutdownLeaveRun)
	}
	sc.Notice(render.ShutdownDisconnect(render.ShutdownDisconnectFacts{Ignored: runs[0], Followed: runs[1]}))
	return nil
}

// leaveRun is what one variant of scenario 1 saw: the facts for the
// notice, and one error per API call (nil if completed, else why not).
type leaveRun struct {
	render.ShutdownLeaveRun
	errs []error
}

// createAndLeave starts a server whose handler (made by serve) creates a
// cluster of n calls of step each, sends one request that gives up after
// patience, and waits for the handler to end. stopIsRight marks the calls
// the client's leaving stopped as expected failures.
func createAndLeave(ctx context.Context, nw network, serve func(shutdown.Job) http.Handler, n int, step, patience time.Duration, stopIsRight bool, p *report.Probe) leaveRun {
	var (
		mu      sync.Mutex // guards started and errs
		started = make([]time.Time, n)
		errs    = fill(n, errNotMade)
	)
	call := func(ctx context.Context, i int) error {
		defer p.Item(ctx).End()
		mu.Lock()
		started[i] = time.Now()
		first := started[0]
		mu.Unlock()
		err := onSchedule(ctx, first, i, step) // one Kubernetes API call
		mu.Lock()
		errs[i] = nil
		if err != nil {
			errs[i] = fmt.Errorf("%w (%v)", errInterrupted, err)
		}
		mu.Unlock()
		return err
	}
	s, stop, err := startServer(ctx, nw, serve(shutdown.ClusterCreation(n, call)))
	if err != nil {
		return leaveRun{ShutdownLeaveRun: render.ShutdownLeaveRun{Failure: err}, errs: fill(n, err)}
	}

	start := time.Now()
	cctx, cancel := context.WithTimeout(ctx, patience) // the user's patience
	err = s.call(cctx, s.client, http.MethodPost, "/clusters")
	cancel()
	leftAt := time.Now()
	p.Mark("client left")
	lr := leaveRun{ShutdownLeaveRun: render.ShutdownLeaveRun{Left: leftAt.Sub(start), Step: step, Stayed: err == nil}}

	// One call later, is the handler still busy? The demo is watching
	// then, not working, unless a handler still runs.
	watched := p.Observing()
	_ = sim.Sleep(ctx, step)
	if lr.BusyHandlers = s.track.state().active; lr.BusyHandlers == 0 {
		watched()
	}
	s.track.waitHandled(ctx)
	// After Ctrl-C the handler may still be running: stop waits for it
	// (ctx ends even the one that ignores its request), so the calls read
	// below are final.
	stop(0)
	if end := s.track.state().lastEnd; end.After(leftAt) {
		lr.BusyAfter = end.Sub(leftAt)
	}

	mu.Lock()
	defer mu.Unlock()
	for i, t := range started {
		switch {
		case !t.IsZero():
			lr.Made++
			if t.After(leftAt) {
				lr.MadeAfter++
				if errs[i] == nil {
					// Done, and for nobody: the handler that ignores
					// its client wasted it. Its failure, not a success.
					errs[i] = errForNobody
				}
			}
		case ctx.Err() != nil:
			errs[i] = context.Cause(ctx) // not made: Ctrl-C came first
		}
		if stopIsRight && ctx.Err() == nil && (errors.Is(errs[i], errNotMade) || errors.Is(errs[i], errInterrupted)) {
			errs[i] = report.Expected(errs[i]) // the client left: rightly not made, or stopped
		}
	}
	lr.errs = append([]error(nil), errs...)
	return lr
}
