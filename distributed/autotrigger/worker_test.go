package autotrigger_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/distributed/autotrigger"
)

// replicas runs n Workers of limit each on connections of their own, each
// handing messages to handle, until the test stops them.
func replicas(t *testing.T, q *queue, n, limit int, pullWait time.Duration,
	handle func(context.Context, jetstream.Msg) error) (stop func()) {
	t.Helper()
	quit := make(chan struct{}) // closed by stop: every worker's drain
	var wg sync.WaitGroup
	for range n {
		js, err := jetstream.New(connect(t))
		if err != nil {
			t.Fatal(err)
		}
		cons, err := js.Consumer(t.Context(), q.streamName(t), "cd")
		if err != nil {
			t.Fatal(err)
		}
		w := &autotrigger.Worker{Consumer: cons, Limit: limit, PullWait: pullWait, Handle: handle}
		wg.Go(func() {
			if err := w.Run(context.Background(), quit); err != nil {
				t.Error(err)
			}
		})
	}
	var once sync.Once
	stop = func() {
		once.Do(func() {
			close(quit)
			wg.Wait()
		})
	}
	t.Cleanup(stop)
	return stop
}

func (q *queue) streamName(t *testing.T) string {
	return q.stream.CachedInfo().Config.Name
}

// gauge counts handlers running at once, and the most ever.
type gauge struct{ now, peak atomic.Int64 }

func (g *gauge) enter() {
	n := g.now.Add(1)
	for {
		p := g.peak.Load()
		if n <= p || g.peak.CompareAndSwap(p, n) {
			return
		}
	}
}

func (g *gauge) leave() { g.now.Add(-1) }

// boundRun runs 60 triggers through three replicas of limit 5 on a
// consumer made with cfg, and returns the most handlers that ran at once,
// and the most the server ever had delivered and not acked, as each
// handler saw it when it started.
func boundRun(t *testing.T, cfg jetstream.ConsumerConfig) (handlers, server int64) {
	q := newQueue(t)
	cons := q.consumer(t, cfg)
	const n = 60
	var g gauge
	var serverPeak atomic.Int64
	var handled atomic.Int64
	all := make(chan struct{}) // closed by the handler that handles the last
	stop := replicas(t, q, 3, 5, 200*time.Millisecond, func(ctx context.Context, msg jetstream.Msg) error {
		g.enter()
		defer g.leave()
		if info, err := cons.Info(ctx); err == nil {
			for {
				p := serverPeak.Load()
				if int64(info.NumAckPending) <= p || serverPeak.CompareAndSwap(p, int64(info.NumAckPending)) {
					break
				}
			}
		}
		t := time.NewTimer(20 * time.Millisecond) // the work
		defer t.Stop()
		<-t.C
		if handled.Add(1) == n {
			close(all)
		}
		return nil
	})
	q.publish(t, n, 0)
	deadline(t, all, 30*time.Second, "60 triggers handled")
	stop()
	return g.peak.Load(), serverPeak.Load()
}

// MaxAckPending bounds every replica at once: 15 workers, never more than
// 10 triggers in hand, and 10 reached.
func TestGlobalBoundHolds(t *testing.T) {
	handlers, server := boundRun(t, autotrigger.GlobalBound("cd", 10, 5*time.Second))
	if handlers != 10 {
		t.Errorf("at most %d handlers ran at once; want exactly 10 (the bound, reached)", handlers)
	}
	if server > 10 {
		t.Errorf("the server had %d delivered and not acked; want at most 10", server)
	}
}

// The same replicas with the bound in each process only: 3 x 5 = 15.
func TestPerReplicaBoundMultiplies(t *testing.T) {
	handlers, server := boundRun(t, autotrigger.PerReplicaBound("cd", 5*time.Second))
	if handlers != 15 {
		t.Errorf("at most %d handlers ran at once; want 15 (3 replicas x 5)", handlers)
	}
	if server <= 10 {
		t.Errorf("the server had at most %d delivered and not acked; want more than 10", server)
	}
}

// Stop is a drain: the trigger in hand finishes and is acked, a pull in
// flight that brings a message hands it back with Nak, and Run returns.
func TestStopFinishesAndNaks(t *testing.T) {
	q := newQueue(t)
	cons := q.consumer(t, autotrigger.GlobalBound("cd", 10, time.Minute))
	q.publish(t, 1, 0)

	// The pull requests are messages too: seeing the second worker's
	// says it is waiting at the server.
	pulls, err := q.nc.SubscribeSync("$JS.API.CONSUMER.MSG.NEXT." + q.streamName(t) + ".cd")
	if err != nil {
		t.Fatal(err)
	}
	defer pulls.Unsubscribe()
	if err := q.nc.Flush(); err != nil {
		t.Fatal(err)
	}

	inHand := make(chan struct{}, 1) // sent by the handler as it starts
	release := make(chan struct{})   // closed by the test: the work may end
	nakked := make(chan jetstream.Msg, 1)
	stop := make(chan struct{})
	w := &autotrigger.Worker{Consumer: cons, Limit: 2, PullWait: time.Minute,
		Handle: func(ctx context.Context, msg jetstream.Msg) error {
			inHand <- struct{}{}
			<-release
			return nil
		},
		Nakked: func(msg jetstream.Msg) { nakked <- msg },
	}
	done := make(chan error, 1)
	go func() { done <- w.Run(context.Background(), stop) }()

	deadline(t, inHand, 10*time.Second, "the first trigger in hand")
	for range 2 { // the first worker's pull, then the second's
		if _, err := pulls.NextMsg(10 * time.Second); err != nil {
			t.Fatalf("the second worker's pull: %v", err)
		}
	}
	close(stop)
	more := q.publish(t, 2, 0)[1] // ci-7-cd-002 goes to the waiting pull
	msg := deadline(t, nakked, 10*time.Second, "a Nak of the trigger brought after stop")
	if got := triggerID(t, msg); got != more.ID {
		t.Errorf("nak'd %s; want %s", got, more.ID)
	}
	close(release)
	if err := deadline(t, done, 10*time.Second, "Run to return"); err != nil {
		t.Fatal(err)
	}
	// The first trigger acked: gone from the work queue. The second is
	// another replica's at once (AckWait is a minute; this waits 10s).
	info, err := q.stream.Info(t.Context())
	if err != nil || info.State.Msgs != 1 {
		t.Fatalf("the queue holds %v triggers (%v); want 1", info.State.Msgs, err)
	}
	next, err := cons.Next(jetstream.FetchMaxWait(10 * time.Second))
	if err != nil {
		t.Fatalf("the nak'd trigger for another replica: %v", err)
	}
	md, err := next.Metadata()
	if err != nil || triggerID(t, next) != more.ID || md.NumDelivered != 2 {
		t.Errorf("next: %s, delivery %d (%v); want %s, delivery 2", triggerID(t, next), md.NumDelivered, err, more.ID)
	}
}

func triggerID(t *testing.T, msg jetstream.Msg) string {
	t.Helper()
	return msg.Headers().Get(jetstream.MsgIDHeader)
}

// A trigger three times slower than AckWait is not taken for a dead
// replica's: the worker reports it in progress, and no second replica
// gets it while it runs.
func TestSlowTriggerKeptAlive(t *testing.T) {
	q := newQueue(t)
	cons := q.consumer(t, autotrigger.GlobalBound("cd", 10, 300*time.Millisecond))
	var begun atomic.Int64
	done := make(chan struct{}) // closed by the one delivery's handler
	stop := replicas(t, q, 2, 1, 100*time.Millisecond, func(ctx context.Context, msg jetstream.Msg) error {
		if begun.Add(1) > 1 {
			t.Error("delivered a second time while the first delivery still ran")
			return nil
		}
		w := time.NewTimer(time.Second) // the slow work
		defer w.Stop()
		<-w.C
		close(done)
		return nil
	})
	q.publish(t, 1, 0)
	deadline(t, done, 10*time.Second, "the slow trigger")
	stop()
	info, err := cons.Info(t.Context())
	if err != nil || info.Delivered.Consumer != 1 || info.NumAckPending != 0 {
		t.Errorf("%d deliveries, %d ack-pending (%v); want 1 delivery, acked", info.Delivered.Consumer, info.NumAckPending, err)
	}
}
