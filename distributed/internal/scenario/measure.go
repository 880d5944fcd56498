package scenario

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/distributed/autotrigger"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/distributed/internal/db"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/distributed/internal/fleet"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/distributed/internal/report"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/distributed/internal/sim"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/distributed/internal/wire"
)

// durable is the one consumer every replica pulls from.
const durable = "cd-auto-trigger"

// measurement is one variant's run, from setup to clean-up. Its fields
// are set by Run and by run's setup, and read by the loop on run's
// goroutine, except tally, which is safe for concurrent use.
type measurement struct {
	w     World
	v     Variant
	idx   int
	nc    *nats.Conn
	js    jetstream.JetStream
	ts    []autotrigger.Trigger
	byID  map[string]autotrigger.Trigger
	holds []time.Duration
	end   func() // the observer's, if any
	// later queues a clean-up for the end of the run: see Run.
	later func(func(ctx context.Context) error)

	tally   *tally
	stream  jetstream.Stream
	cons    jetstream.Consumer
	ledger  *autotrigger.Ledger
	pool    *sim.Pool
	reps    []fleet.Replica
	dropped int // the CI retry's triggers the stream dropped as duplicates

	// What the disruption did, for the notes.
	disruptedAt    time.Duration // since the clock started; 0: not (yet)
	victim         string
	heldAtHit      int
	disruptErr     error         // the kill or signal could not be sent
	consumerLeader string        // KillLeader: who led the consumer when the stream's leader was killed
	exitedAfter    time.Duration // how long the victim took to exit
	victimExit     error         // how it exited (nil: status 0)
}

// progress is for the observer's live line.
func (m *measurement) progress() (done, inflight int) {
	if m.tally == nil {
		return 0, 0
	}
	done, _ = m.tally.done()
	return done, m.tally.inflightNow()
}

// names of this variant's stream, subjects and bucket: unique per run and
// variant.
func (m *measurement) name(kind string) string {
	switch kind {
	case "stream", "bucket":
		return fmt.Sprintf("GCE_%s_%d_%s", m.w.RunID, m.idx, map[string]string{"stream": "TRIGGERS", "bucket": "RUNNERS"}[kind])
	}
	return fmt.Sprintf("gce.%s.%d.%s", m.w.RunID, m.idx, kind)
}

// run sets the variant up, measures it and cleans up. An error with a
// Partial variant is ctx's: the run was interrupted and the variant holds
// what was measured until then.
func (m *measurement) run(ctx context.Context) (report.Variant, error) {
	rv := report.Variant{Name: m.v.Name, Role: m.v.Role}
	ackWait := m.w.scaled(AckWait)
	rv.AckWaitMS = report.MS(ackWait)
	rv.Limit = m.w.Replicas * PerReplica
	if m.v.MaxAckPending > 0 {
		rv.Limit = min(rv.Limit, m.v.MaxAckPending)
	}
	rv.BoundMS = report.MS(sim.Bound(m.holds, rv.Limit))

	setup, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	var err error
	if m.stream, err = autotrigger.CreateQueue(setup, m.js, m.name("stream"), m.name("triggers"), m.w.Copies); err != nil {
		return rv, err
	}
	m.later(func(ctx context.Context) error { return m.js.DeleteStream(ctx, m.name("stream")) })
	if m.ledger, err = autotrigger.CreateLedger(setup, m.js, m.name("bucket"), m.w.Copies); err != nil {
		return rv, err
	}
	m.later(func(ctx context.Context) error { return m.js.DeleteKeyValue(ctx, m.name("bucket")) })
	cc := autotrigger.GlobalBound(durable, m.v.MaxAckPending, ackWait)
	if m.v.MaxAckPending < 0 {
		cc = autotrigger.PerReplicaBound(durable, ackWait)
	}
	if m.cons, err = m.stream.CreateConsumer(setup, cc); err != nil {
		return rv, fmt.Errorf("create consumer: %w", err)
	}
	if m.v.Disrupt == KillLeader {
		if err := m.colocateLeaders(setup); err != nil {
			return rv, err
		}
	}
	m.pool = sim.NewPool(PoolSize, m.w.scaled(AcquireTimeout))
	dbs, err := db.Serve(m.nc, m.name("db"), m.pool)
	if err != nil {
		return rv, err
	}
	defer dbs.Close()

	ids := make([]string, len(m.ts))
	for i, t := range m.ts {
		ids[i] = t.ID
	}
	names := make([]string, m.w.Replicas)
	for i := range names {
		names[i] = fmt.Sprintf("replica-%d", i+1)
	}
	m.tally = newTally(ids, names)
	sub, err := m.nc.Subscribe(m.name("events"), m.tally.event)
	if err != nil {
		return rv, fmt.Errorf("subscribe to events: %w", err)
	}
	defer sub.Unsubscribe()
	if err := m.nc.Flush(); err != nil {
		return rv, err
	}

	// One watcher per replica (owned here, waited for below): it ends when
	// its replica exits, which stopAll makes sure of.
	var watchers sync.WaitGroup
	defer watchers.Wait()
	interrupted := false
	defer func() { m.stopAll(interrupted) }()
	for _, name := range names {
		r, err := m.w.Launch(wire.Config{
			Name: name, URLs: m.w.URLs, Stream: m.name("stream"), Consumer: durable, Bucket: m.name("bucket"),
			Limit: PerReplica, PullWait: max(m.w.scaled(PullWait), 10*time.Millisecond), Grace: ackWait,
			DBTimeout: m.w.scaled(AcquireTimeout) + autotrigger.CallTimeout,
			Events:    m.name("events"), DB: m.name("db"),
		})
		if err != nil {
			return rv, err
		}
		m.reps = append(m.reps, r)
		watchers.Go(func() {
			<-r.Done()
			m.tally.exited(r.Name())
		})
	}
	if err := m.waitReady(ctx); err != nil {
		interrupted = ctx.Err() != nil
		return rv, err
	}

	rv.BaselineGoroutines = runtime.NumGoroutine()
	smp := startSampler(ctx, m.cons, m.tally, m.w.scaled(10*time.Millisecond))
	start := time.Now()
	m.tally.started(start)
	wall, err := m.measure(ctx, start)
	smp.stop()
	interrupted = ctx.Err() != nil
	m.figures(&rv, wall, smp, interrupted)
	if interrupted {
		rv.Partial = true
		return rv, context.Cause(ctx)
	}
	return rv, err
}

// waitReady waits until every replica has reported Ready; a replica that
// exits first fails the variant.
func (m *measurement) waitReady(ctx context.Context) error {
	t := time.NewTimer(30 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-m.tally.ready:
			return nil
		case <-t.C:
			return errors.New("the replicas were not ready after 30s")
		case <-ctx.Done():
			return context.Cause(ctx)
		case <-m.tally.changed: // an event, or a replica's exit
			for _, r := range m.reps {
				select {
				case <-r.Done():
					return fmt.Errorf("%s exited before it was ready: %v", r.Name(), r.Err())
				default:
				}
			}
		}
	}
}

// measure publishes the triggers, disrupts the run if the variant says
// so, and returns the wall time once every trigger has an outcome and the
// server holds nothing un-acked.
func (m *measurement) measure(ctx context.Context, start time.Time) (time.Duration, error) {
	if _, _, err := autotrigger.Publish(ctx, m.js, m.name("triggers"), m.ts); err != nil {
		return time.Since(start), err
	}
	// The CI event, delivered twice: the same IDs again. Nats-Msg-Id
	// makes the stream drop every one.
	_, dropped, err := autotrigger.Publish(ctx, m.js, m.name("triggers"), m.ts)
	if err != nil {
		return time.Since(start), err
	}
	m.dropped = dropped

	budget := 10*time.Duration(len(m.ts))*m.w.scaled(Hold)/PoolSize + 5*m.w.scaled(AckWait) + 10*time.Second
	if m.w.Cluster != nil {
		budget += time.Minute // elections
	}
	deadline := time.NewTimer(budget)
	defer deadline.Stop()
	// The end is the server's to say: every trigger delivered, nothing
	// pending or un-acked. Asked every 20ms, every 2ms once the reports
	// say every trigger has an outcome (reports can be lost in a
	// cluster's failover; the server's state cannot).
	slow := time.NewTicker(20 * time.Millisecond)
	defer slow.Stop()
	poll := slow.C
	fast := false
	var disrupting sync.WaitGroup
	defer disrupting.Wait()
	for {
		select {
		case <-ctx.Done():
			return time.Since(start), context.Cause(ctx)
		case <-deadline.C:
			return time.Since(start), fmt.Errorf("not done after %v", budget)
		case <-m.tally.changed:
		case <-poll:
		}
		n, all := m.tally.done()
		if m.v.Disrupt != None && m.disruptedAt == 0 && m.disruptErr == nil {
			switch {
			case m.v.Disrupt != KillOne:
				// Mid-run: a SIGTERM's nak and a leader's election show
				// while there is still work to hand out.
				if n >= len(m.ts)*3/10 {
					m.disrupt(ctx, start, &disrupting)
				}
			case m.tally.handedOut() >= len(m.ts):
				// Every trigger handed out once: a kill now shows its
				// AckWait tail alone, with no new work to hide it. Looked
				// at every 2ms from here, until the moment is right.
				if !fast {
					fast = true
					tick := time.NewTicker(2 * time.Millisecond)
					defer tick.Stop()
					poll = tick.C
				}
				if m.killNow(time.Now()) {
					m.disrupt(ctx, start, &disrupting)
				}
			}
		}
		if all && !fast {
			fast = true
			tick := time.NewTicker(2 * time.Millisecond)
			defer tick.Stop()
			poll = tick.C
		}
		ictx, cancel := context.WithTimeout(ctx, time.Second)
		info, err := m.cons.Info(ictx)
		cancel()
		if err == nil && info.Delivered.Stream >= uint64(len(m.ts)) && info.NumPending == 0 && info.NumAckPending == 0 {
			return time.Since(start), nil
		}
	}
}
