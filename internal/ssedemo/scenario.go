// Package ssedemo measures package sse for cmd/demo (slides 16-17): a real
// HTTP server on 127.0.0.1 broadcasts deployment events to clients that
// read them as browsers do, one of them slow, first through a broker whose
// send blocks (the Bad, blocking.go) and then through sse.Broker, whose
// send is slide 17's select with default. With --serve it runs sse.Broker
// behind the page for the stage instead (serve.go, index.html), with
// built-in subscribers next to the browsers, one of them slow, so the
// eviction happens on the page by itself (lanes.go).
package ssedemo

import (
	"context"
	"fmt"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/render"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/sse"
)

// The workload at scale 1, built so the slide's point shows in one short
// run: the slow client reads one event in ten, so it fills its buffer (plus
// what its tiny socket holds, see clients.go) about half-way through the
// events. From then on the blocking send holds every fast client to the
// slow one's pace until the demo's deadline stops it, while select+default
// evicts the slow one and the fast ones get every event as it is
// published. What the run measures is the pace the fast clients actually
// got, the eviction point, and the goroutines left after shutdown.
const (
	Clients   = 6 // --items: all the clients; the last one is the slow one
	Events    = 100
	Interval  = 20 * time.Millisecond  // between two published events
	SlowEvery = 200 * time.Millisecond // the slow client reads one event per SlowEvery
	Buffer    = 32                     // each subscriber's buffer (sse.Config.Buffer): 32 intervals of slack
)

// newRealBroker is the broker to copy, sse.Broker, with the demo's buffer,
// for the given number of clients: no more streams than that are needed,
// so none are let in.
func newRealBroker(clients int) broker {
	return sse.NewBroker(sse.Config{Buffer: Buffer, MaxClients: clients})
}

// eventType is the type of the demo's deployment updates.
const eventType = "deployment"

// Run measures the SSE broker of slides 16-17: --items clients (default 6:
// 5 fast, the last one slow) and 100 deployment events, once with the
// blocking send (Bad) and once with sse.Broker (Fix). An item is a client:
// ok when it got every event in order, failed when it was evicted or
// stalled; the slow client's eviction under select+default is the slide's
// point, and counts as expected. --workers is not used.
//
// With env.Serve set, Run serves sse.Broker and its page on that address
// until ctx ends instead (see serve). Run returns nil, or ctx's error soon
// after ctx ends.
func Run(ctx context.Context, env report.Env) error {
	if env.Serve != "" {
		return serve(ctx, env)
	}
	d := demo{
		clients:   max(env.ItemsOr(Clients), 2),
		interval:  env.Scaled(Interval),
		slowEvery: env.Scaled(SlowEvery),
		seed:      env.Seed,
	}
	sc := env.Rec.Scenario("sse", "16-17",
		fmt.Sprintf("broadcast %d deployment events to %d clients, one slow", Events, d.clients), d.clients)
	facts := render.SSEFacts{Events: Events, Clients: d.clients}

	// No bound for the blocking send: it stalls until the demo's own
	// deadline, so its wall is that deadline, not a measured pace.
	bad := sc.Measure(ctx, report.Spec{Name: "blocking send", Role: report.Bad, Limit: d.clients,
		Notes: "slide 17 without default"}, func(ctx context.Context, p *report.Probe) []error {
		out := d.run(ctx, p, func(int) broker { return newBlockingBroker(Buffer) }, true)
		facts.Blocking = out.facts
		return out.errs
	})
	if err := ctx.Err(); err != nil {
		return err
	}
	facts.Blocking.Unexpected = bad.Unexpected()

	// Publishing alone takes Events intervals: no schedule can be faster.
	bound := time.Duration(Events) * d.interval
	good := sc.Measure(ctx, report.Spec{Name: "select+default", Role: report.Fix, Limit: d.clients, Bound: bound,
		Notes: fmt.Sprintf("buffer %d per client; full = evicted", Buffer)}, func(ctx context.Context, p *report.Probe) []error {
		out := d.run(ctx, p, newRealBroker, false)
		facts.Select = out.facts
		return out.errs
	})
	if err := ctx.Err(); err != nil {
		return err
	}
	facts.Select.Unexpected = good.Unexpected()
	sc.Notice(render.SSEBroadcast(facts))
	return nil
}
