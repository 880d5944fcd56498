// Package replica is one replica of the platform: the process the demo's
// parent starts several copies of. It wires the lesson (autotrigger) to the
// demo: the simulated database, and events reported to the parent so it
// can count what happened. It is the demo's, not the lesson.
package replica

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/distributed/autotrigger"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/distributed/internal/db"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/distributed/internal/wire"
)

// Run is one replica on connection nc: it opens the consumer and the
// ledger, reports Ready, and runs the consumer loop until ctx is done (a
// hard stop: work abandoned, as in a crash) or stop is closed (a drain:
// the work in hand finishes). It returns once the loop has; the caller
// then drains or closes nc.
func Run(ctx context.Context, stop <-chan struct{}, nc *nats.Conn, cfg wire.Config) error {
	js, err := jetstream.New(nc)
	if err != nil {
		return fmt.Errorf("%s: %w", cfg.Name, err)
	}
	cons, err := js.Consumer(ctx, cfg.Stream, cfg.Consumer)
	if err != nil {
		return fmt.Errorf("%s: consumer %s: %w", cfg.Name, cfg.Consumer, err)
	}
	ledger, err := autotrigger.OpenLedger(ctx, js, cfg.Bucket)
	if err != nil {
		return fmt.Errorf("%s: %w", cfg.Name, err)
	}
	rep := &reporter{nc: nc, subject: cfg.Events, name: cfg.Name}
	h := &autotrigger.Handler{
		Name:   cfg.Name,
		Ledger: ledger,
		DB:     &db.Client{NC: nc, Subject: cfg.DB, Replica: cfg.Name, Timeout: cfg.DBTimeout},
	}
	w := &autotrigger.Worker{
		Consumer: cons,
		Limit:    cfg.Limit,
		PullWait: cfg.PullWait,
		Handle: func(ctx context.Context, msg jetstream.Msg) error {
			ev := rep.delivery(msg)
			ev.Kind = wire.Begin
			rep.hand(ev, +1)
			out, err := h.Handle(ctx, msg)
			ev.Kind, ev.Outcome = wire.End, out.String()
			if err != nil {
				ev.Err = err.Error()
			}
			// Reported before the worker acks: the parent's count of
			// triggers in hand then never runs ahead of the server's.
			rep.hand(ev, -1)
			return err
		},
		Nakked: func(msg jetstream.Msg) {
			ev := rep.delivery(msg)
			ev.Kind = wire.Nak
			rep.send(ev)
		},
		AckFailed: func(msg jetstream.Msg, err error) {
			ev := rep.delivery(msg)
			ev.Kind, ev.Err = wire.NoAck, err.Error()
			rep.send(ev)
		},
	}
	rep.send(wire.Event{Kind: wire.Ready})
	if err := nc.Flush(); err != nil {
		return fmt.Errorf("%s: %w", cfg.Name, err)
	}
	return w.Run(ctx, stop)
}

// reporter publishes a replica's events to the parent, fire and forget:
// core NATS, no ack. An event lost with a killed process is fine: the
// ledger and the server's counts are the truth, the events the detail.
type reporter struct {
	nc      *nats.Conn
	subject string
	name    string

	mu     sync.Mutex // orders inHand's changes and their reports alike
	inHand int        // deliveries in Handle now, across the worker's goroutines
}

// hand counts a delivery in (+1) or out (-1) and reports ev with the new
// count. Changing and sending under one lock keeps the reports in the
// order of the changes; two goroutines could otherwise send theirs
// crossed, and the parent would count one too many for a moment.
func (r *reporter) hand(ev wire.Event, delta int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.inHand += delta
	ev.InHand = r.inHand
	r.send(ev)
}

func (r *reporter) send(ev wire.Event) {
	ev.Replica = r.name
	b, err := json.Marshal(ev)
	if err != nil {
		return // strings and integers always marshal
	}
	_ = r.nc.Publish(r.subject, b) // fails only on a closed connection
}

// delivery fills in which trigger and which delivery msg is.
func (r *reporter) delivery(msg jetstream.Msg) wire.Event {
	var ev wire.Event
	var t autotrigger.Trigger
	if json.Unmarshal(msg.Data(), &t) == nil {
		ev.ID = t.ID
	}
	if md, err := msg.Metadata(); err == nil {
		ev.Seq, ev.Delivery = md.Sequence.Consumer, md.NumDelivered
	}
	return ev
}

// Connect connects a replica to its servers. The connection closing for
// good (the servers gone with the parent) calls lost.
func Connect(cfg wire.Config, lost func()) (*nats.Conn, error) {
	nc, err := nats.Connect(strings.Join(cfg.URLs, ","),
		nats.Name(cfg.Name),
		nats.ReconnectWait(100*time.Millisecond), // a cluster member gone: on to the next at once
		nats.MaxReconnects(50),
		nats.ClosedHandler(func(*nats.Conn) { lost() }),
	)
	if err != nil {
		return nil, fmt.Errorf("%s: connect: %w", cfg.Name, err)
	}
	return nc, nil
}
