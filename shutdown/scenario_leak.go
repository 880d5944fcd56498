package shutdown

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/sim"
)

// Slide 23's leak, at scale 1: 20 requests, each a 250 ms job whose lease
// a background loop renews every 100 ms (not a multiple: no renewal falls
// at the very moment a job ends). After the requests end, the demo watches
// for three more ticks.
const (
	LeaseRequests = 20
	LeaseJob      = 250 * time.Millisecond
	LeaseEvery    = 100 * time.Millisecond
	leakWatch     = 3 // ticks
)

// leakDemo measures scenario 4. Items are the requests: ok counts the ones
// whose renewal loop ended with them, failed the loops leaked.
func leakDemo(ctx context.Context, env report.Env, nw network) error {
	n := env.ItemsOr(LeaseRequests)
	job, every := env.Scaled(LeaseJob), env.Scaled(LeaseEvery)
	sc := env.Rec.Scenario(pattern, "23",
		fmt.Sprintf("goroutine leak: %d requests, each a %v job, a loop renewing its lease every %v", n, job, every), n)

	variants := []struct {
		name, notes string
		leaky       bool
	}{
		{"no exit", "Bad: slide 23's loop", true},
		{"ctx.Done()", "loop selects on ctx.Done(), is waited for", false},
	}
	var runs []leakRun
	for _, v := range variants {
		var lr leakRun
		sc.Measure(ctx, report.Spec{Name: v.name, Limit: n, Bound: job, Notes: v.notes},
			func(ctx context.Context, p *report.Probe) []error {
				lr = leaseRequests(ctx, nw, v.leaky, n, job, every, p)
				return lr.errs
			})
		if err := ctx.Err(); err != nil {
			return err
		}
		runs = append(runs, lr)
	}
	sc.Notice(leakNotice(runs))
	return nil
}

// leakRun is what one variant of scenario 4 saw.
type leakRun struct {
	errs       []error       // one per request: nil if its loop ended with it
	leaked     int           // loops that renewed after their request ended
	renewals   int64         // renewals after their request ended
	before     int           // goroutines before the server
	afterEnd   int           // after the requests and the server ended
	afterStop  int           // after the demo closed the leaked loops' stop
	failure    error         // the variant could not run
	watchedFor time.Duration // from the end of the requests to the count
}

// leaseRequests serves n requests, each a job with a lease-renewal loop,
// waits for them all, watches for leakWatch ticks and counts what is left.
func leaseRequests(ctx context.Context, nw network, leaky bool, n int, job, every time.Duration, p *report.Probe) leakRun {
	lr := leakRun{before: numGoroutine()}
	var (
		ended    = make([]atomic.Bool, n) // request i has returned
		leaked   = make([]atomic.Bool, n) // request i's loop renewed after that
		renewals atomic.Int64
	)
	// stop ends the leaked loops once they are counted. Only the demo has
	// it: RunWithLeakyLease in production has no way out.
	stop := make(chan struct{})
	var stopOnce sync.Once
	closeStop := func() { stopOnce.Do(func() { close(stop) }) }
	defer closeStop()

	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i, ok := requestIndex(w, r, n)
		if !ok {
			return
		}
		p.Begin()
		defer p.End()
		renew := func(context.Context) {
			if ended[i].Load() {
				leaked[i].Store(true)
				renewals.Add(1)
			}
		}
		work := func(ctx context.Context) error { return sim.Sleep(ctx, job) }
		var err error
		if leaky {
			err = RunWithLeakyLease(r.Context(), every, renew, work, stop)
		} else {
			err = RunWithLease(r.Context(), every, renew, work)
		}
		ended[i].Store(true)
		respond(w, r, err)
	})
	s, stopServer, err := startServer(ctx, nw, h)
	if err != nil {
		lr.errs, lr.failure = fill(n, err), err
		return lr
	}
	errs := make([]error, n)
	var clients sync.WaitGroup
	for i := range n {
		clients.Go(func() { errs[i] = s.call(ctx, s.client, http.MethodPost, "/jobs?i="+strconv.Itoa(i)) })
	}
	clients.Wait()
	endedAt := time.Now()
	leftover := 0
	if leaky {
		leftover = n // every leaky loop runs on: do not wait for them to go
	}
	stopServer(leftover)

	// Every request has ended and the server is gone: watch what is left.
	_ = sim.Sleep(ctx, leakWatch*every)
	lr.renewals, lr.watchedFor = renewals.Load(), time.Since(endedAt)
	for i := range errs {
		switch {
		case ctx.Err() != nil && errs[i] != nil:
			errs[i] = context.Cause(ctx)
		case leaked[i].Load():
			lr.leaked++
			errs[i] = errLeaked
		}
	}
	// Goroutines of the closed connections may still be on their way
	// out; the leaked loops are not.
	lr.afterEnd = settle(ctx, lr.before+lr.leaked, every)
	closeStop()
	lr.afterStop = settle(ctx, lr.before, 500*time.Millisecond)

	lr.errs = errs
	return lr
}

// leakNotice compares the goroutine counts of the two loops.
func leakNotice(runs []leakRun) string {
	if len(runs) != 2 {
		return ""
	}
	for _, r := range runs {
		if r.failure != nil {
			return "could not run: " + r.failure.Error()
		}
	}
	bad, good := runs[0], runs[1]
	return fmt.Sprintf("%v after the requests ended: %s with no exit still running (goroutines %d -> %d), "+
		"%d renewals of finished jobs, gone only when the demo closed their stop (%d; production has none); "+
		"ctx.Done() loops ended with their requests (%d -> %d)",
		round(bad.watchedFor), plural(bad.leaked, "loop"), bad.before, bad.afterEnd, bad.renewals, bad.afterStop,
		good.before, good.afterEnd)
}
