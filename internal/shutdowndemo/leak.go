package shutdowndemo

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/render"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/sim"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/shutdown"
)

// leakDemo measures scenario 4. Items are the requests: ok counts the ones
// whose renewal loop ended with them, failed the loops leaked.
func leakDemo(ctx context.Context, env report.Env, nw network) error {
	n := env.ItemsOr(LeaseRequests)
	job, every := env.Scaled(LeaseJob), env.Scaled(LeaseEvery)
	sc := env.Rec.Scenario(pattern, "23", fmt.Sprintf("goroutine leak: %d requests, each a %s job, a loop renewing its lease every %s",
		n, render.DurOf(job), render.DurOf(every)), n)

	variants := []struct {
		name, notes string
		role        report.Role
		leaky       bool
	}{
		{"no exit", "Bad: slide 23's loop", report.Bad, true},
		{"ctx.Done()", "loop selects on ctx.Done(), is waited for", report.Fix, false},
	}
	var runs []render.ShutdownLeakRun
	for _, v := range variants {
		var lr leakRun
		spec := report.Spec{Name: v.name, Role: v.role, Limit: n, Bound: job, Notes: v.notes}
		m := sc.Measure(ctx, spec, func(ctx context.Context, p *report.Probe) []error {
			lr = leaseRequests(ctx, nw, v.leaky, n, job, every, p)
			return lr.errs
		})
		if err := ctx.Err(); err != nil {
			return err
		}
		// Leaked loops are the scenario's point, and the Bad variant's
		// failures, not excused as expected. For the notice, Unexpected
		// counts the requests that failed for another reason.
		lr.Unexpected = m.Unexpected() - lr.Leaked
		runs = append(runs, lr.ShutdownLeakRun)
	}
	sc.Notice(render.ShutdownLeak(render.ShutdownLeakFacts{NoExit: runs[0], CtxDone: runs[1]}))
	return nil
}

// leakRun is what one variant of scenario 4 saw: the facts for the notice,
// and one error per request (nil if its loop ended with it).
type leakRun struct {
	render.ShutdownLeakRun
	errs []error
}

// leaseRequests serves n requests, each a job with a lease-renewal loop,
// waits for them all, watches for leakWatch ticks and counts what is left.
func leaseRequests(ctx context.Context, nw network, leaky bool, n int, job, every time.Duration, p *report.Probe) leakRun {
	lr := leakRun{ShutdownLeakRun: render.ShutdownLeakRun{Before: numGoroutine()}}
	var (
		ended    = make([]atomic.Bool, n) // request i has returned
		leaked   = make([]atomic.Bool, n) // request i's loop renewed after that
		renewals atomic.Int64
	)
	// stop ends the leaked loops once they are counted. Only the demo has
	// it: the leaky loop in production has no way out. Closed once, by
	// this function, whichever way it returns.
	stop := make(chan struct{})
	var stopOnce sync.Once
	closeStop := func() { stopOnce.Do(func() { close(stop) }) }
	defer closeStop()

	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i, ok := requestIndex(w, r, n)
		if !ok {
			return
		}
		defer p.Item(r.Context()).End()
		renew := func(context.Context) {
			if ended[i].Load() {
				leaked[i].Store(true)
				renewals.Add(1)
			}
		}
		work := func(ctx context.Context) error { return sim.Sleep(ctx, job) }
		shutdown.CancelOnDisconnect(func(ctx context.Context) error {
			var err error
			if leaky {
				err = RunWithLeakyLease(ctx, every, renew, work, stop)
			} else {
				err = shutdown.RunWithLease(ctx, every, renew, work)
			}
			ended[i].Store(true)
			return err
		}).ServeHTTP(w, r)
	})
	s, stopServer, err := startServer(ctx, nw, h)
	if err != nil {
		lr.Failure, lr.errs = err, fill(n, err)
		return lr
	}
	errs := make([]error, n)
	var clients sync.WaitGroup
	for i := range n {
		clients.Go(func() { errs[i] = s.call(ctx, s.client, http.MethodPost, "/jobs?i="+strconv.Itoa(i)) })
	}
	clients.Wait()
	endedAt := time.Now()
	p.Mark("requests ended")
	leftover := 0
	if leaky {
		leftover = n // every leaky loop runs on: do not wait for them to go
	}
	stopServer(leftover)

	// Every request has ended and the server is gone: from here the demo
	// watches what is left, and does no work.
	watched := p.Observing()
	defer watched()
	_ = sim.Sleep(ctx, leakWatch*every)
	lr.Renewals, lr.Watched = renewals.Load(), time.Since(endedAt)
	for i := range errs {
		switch {
		case ctx.Err() != nil && errs[i] != nil:
			errs[i] = context.Cause(ctx)
		case leaked[i].Load():
			lr.Leaked++
			errs[i] = errLeaked
		}
	}
	// Goroutines of the closed connections may still be on their way
	// out; the leaked loops are not.
	lr.AfterEnd = settle(ctx, lr.Before+lr.Leaked, every)
	if leaky {
		p.Mark("demo stops the leaked loops")
	}
	closeStop()
	lr.AfterStop = settle(ctx, lr.Before, 500*time.Millisecond)

	lr.errs = errs
	return lr
}
