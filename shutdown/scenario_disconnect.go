package shutdown

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/sim"
)

// Slide 15's cluster creation, at scale 1: 50 Kubernetes API calls of
// 100 ms, about 5 s, and a client that gives up after about 1 s. It leaves
// half-way through call 11, so that a timer firing a little late or early
// never changes which call the disconnect interrupts.
const (
	ClusterCalls   = 50
	APICallLatency = 100 * time.Millisecond
	ClientPatience = 1050 * time.Millisecond
)

// disconnect measures scenario 1: a client leaves a cluster creation.
// Items are the job's API calls: ok counts the calls completed, failed the
// ones the disconnect interrupted or saved.
func disconnect(ctx context.Context, env report.Env, nw network) error {
	n := env.ItemsOr(ClusterCalls)
	step, patience := env.Scaled(APICallLatency), env.Scaled(ClientPatience)
	sc := env.Rec.Scenario(pattern, "14-15",
		fmt.Sprintf("create a cluster (%d API calls of %v), client leaves after %v", n, step, patience), n)

	variants := []struct {
		name, notes string
		serve       func(Job) http.Handler
		bound       time.Duration
	}{
		{"ignores ctx", "Bad: ok = API calls completed",
			func(j Job) http.Handler { return IgnoreDisconnect(ctx, j) }, time.Duration(n) * step},
		{"r.Context()", "ok = API calls completed",
			CancelOnDisconnect, min(patience, time.Duration(n)*step)},
	}
	var runs []leaveRun
	for _, v := range variants {
		var lr leaveRun
		sc.Measure(ctx, report.Spec{Name: v.name, Limit: 1, Bound: v.bound, Notes: v.notes}, func(ctx context.Context, p *report.Probe) []error {
			lr = createAndLeave(ctx, nw, v.serve, n, step, patience, p)
			return lr.errs
		})
		if err := ctx.Err(); err != nil {
			return err
		}
		runs = append(runs, lr)
	}
	sc.Notice(disconnectNotice(runs[0], runs[1], step))
	return nil
}

// leaveRun is what one variant of scenario 1 saw.
type leaveRun struct {
	errs         []error       // one per API call: nil if completed, else why not
	made         int           // calls made (started)
	after        int           // calls started after the client had left
	left         time.Duration // when the client left, from its request
	busy         time.Duration // how long the handler ran on after that
	busyHandlers int           // handler goroutines still running one call after the client left
	stayed       bool          // the job ended before the client gave up
	failure      error         // the variant could not run
}

// createAndLeave starts a server whose handler (made by serve) creates a
// cluster of n calls of step each, sends one request that gives up after
// patience, and waits for the handler to end.
func createAndLeave(ctx context.Context, nw network, serve func(Job) http.Handler, n int, step, patience time.Duration, p *report.Probe) leaveRun {
	var (
		mu      sync.Mutex // guards started and errs
		started = make([]time.Time, n)
		errs    = fill(n, errNotMade)
	)
	call := func(ctx context.Context, i int) error {
		p.Begin()
		defer p.End()
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
	s, stop, err := startServer(ctx, nw, serve(ClusterCreation(n, call)))
	if err != nil {
		return leaveRun{errs: fill(n, err), failure: err}
	}

	start := time.Now()
	cctx, cancel := context.WithTimeout(ctx, patience) // the user's patience
	err = s.call(cctx, s.client, http.MethodPost, "/clusters")
	cancel()
	leftAt := time.Now()
	lr := leaveRun{left: leftAt.Sub(start), stayed: err == nil}

	// One call later, is the handler still busy?
	_ = sim.Sleep(ctx, step)
	lr.busyHandlers = s.track.state().active
	s.track.waitHandled(ctx)
	// After Ctrl-C the handler may still be running: stop waits for it
	// (ctx ends even the one that ignores its request), so the calls read
	// below are final.
	stop(0)
	if end := s.track.state().lastEnd; end.After(leftAt) {
		lr.busy = end.Sub(leftAt)
	}

	mu.Lock()
	defer mu.Unlock()
	for i, t := range started {
		if !t.IsZero() {
			lr.made++
			if t.After(leftAt) {
				lr.after++
			}
		} else if ctx.Err() != nil {
			errs[i] = context.Cause(ctx) // not made: Ctrl-C came first
		}
	}
	lr.errs = append([]error(nil), errs...)
	return lr
}

// disconnectNotice compares the two variants from what they measured.
func disconnectNotice(bad, good leaveRun, step time.Duration) string {
	const closeNotifier = "http.CloseNotifier (slide 14) is deprecated since Go 1.11: r.Context() carries the disconnect"
	if bad.failure != nil || good.failure != nil {
		return closeNotifier
	}
	if bad.stayed {
		return fmt.Sprintf("the job ended before the client gave up: nothing to save. %s", closeNotifier)
	}
	saved := bad.made - good.made
	// Slide 15's "~5 seconds" is the whole job; a client that leaves
	// after a second of it can only save the rest.
	return fmt.Sprintf("client left at %v: ignoring ctx, the handler made %s for nobody (%s busy %v more); "+
		"on r.Context() it stopped %v after, within one call: %s (%v) saved, the rest of the %v job "+
		"(slide 15's \"~5 seconds\" is all of it; this client stayed %v first). %s",
		round(bad.left), plural(bad.after, "more API call"), plural(bad.busyHandlers, "goroutine"), round(bad.busy),
		round(good.busy), plural(saved, "call"), round(time.Duration(saved)*step), round(time.Duration(len(bad.errs))*step),
		round(good.left), closeNotifier)
}
