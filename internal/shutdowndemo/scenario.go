// Package shutdowndemo measures package shutdown for cmd/demo (slides
// 14-15 and 23), on real net/http servers on 127.0.0.1 and real clients:
// a client that leaves a cluster creation, a signal with requests in
// flight, a deployment whose user closes the browser, and slide 23's
// leaking lease loop. With --serve it runs a server of the lesson's
// handlers until Ctrl-C, then drains it with the lesson's Serve.
//
// The Bad shapes it measures the lesson against (bad.go) are the demo's,
// not the lesson's: an attendee copies package shutdown, never this one.
package shutdowndemo

import (
	"context"
	"errors"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/sim"
)

// pattern is the lesson's name in the report.
const pattern = "shutdown"

// Run is the pattern's entry for cmd/demo. With env.Serve empty it is the
// self-running demo: four scenarios, each on real net/http servers on
// 127.0.0.1 with real clients, measured through env.Rec:
//
//  1. a client leaves a cluster creation: work that ignores the request's
//     context against work on r.Context() (slides 14-15);
//  2. graceful shutdown with requests in flight: Close at once, Shutdown,
//     and Shutdown with a short drain timeout and the Close fallback;
//  3. a deployment and a read whose client leaves: the deployment on the
//     request's context, the deployment detached, the read;
//  4. slide 23's goroutine leak: a lease-renewal loop with no exit against
//     one that selects on ctx.Done().
//
// --items sets the API calls of the cluster creation (1) and the requests
// of 2 and 4. Run returns ctx's error soon after ctx is done.
//
// With env.Serve set, Run serves the demo's handlers on that address until
// ctx is done (cmd/demo cancels it on the first Ctrl-C), then drains, and
// returns nil after a graceful drain: see serve.go.
func Run(ctx context.Context, env report.Env) error {
	if env.Serve != "" {
		return serveInteractive(ctx, env)
	}
	return run(ctx, env, loopback{})
}

func run(ctx context.Context, env report.Env, nw network) error {
	parts := []func(context.Context, report.Env, network) error{disconnect, drainDemo, detachDemo, leakDemo}
	for _, part := range parts {
		if err := part(ctx, env, nw); err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return nil
}

// The outcomes an item of the demo can have besides success, as the report
// tallies them.
var (
	errNotMade     = errors.New("not made: client gone")
	errForNobody   = errors.New("made for nobody: client gone")
	errInterrupted = errors.New("stopped mid-call")
	errNotDone     = errors.New("not done")
	errCutOff      = errors.New("cut off by Close")
	errLeaked      = errors.New("loop leaked")
	errNoAnswer    = errors.New("answered nothing: the handler saw its client gone")
)

// onSchedule waits until call i of a series of calls of step each, begun
// at start, is due to end: start + (i+1)*step. Waiting for absolute times,
// rather than for step after each call, keeps one late timer from pushing
// every later call back, so a client leaving at a given moment interrupts
// the same call in every rehearsal.
func onSchedule(ctx context.Context, start time.Time, i int, step time.Duration) error {
	return sim.Sleep(ctx, time.Until(start.Add(time.Duration(i+1)*step)))
}

// fill returns n copies of err: every item of a variant that could not run.
func fill(n int, err error) []error {
	errs := make([]error, n)
	for i := range errs {
		errs[i] = err
	}
	return errs
}
