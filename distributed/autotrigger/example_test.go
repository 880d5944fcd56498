package autotrigger_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/distributed/autotrigger"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/distributed/internal/natsd"
)

// noWait is a database with a connection always free.
type noWait struct{}

func (noWait) Conn(context.Context, time.Duration) error { return nil }

// Three replicas of limit 5 (here in one process; in production, three
// pods) on one consumer with MaxAckPending 10: never more than 10 triggers
// in hand, and every trigger's effect exactly once.
func Example() {
	s, err := natsd.Start() // an embedded server, as the demo runs
	if err != nil {
		panic(err)
	}
	defer s.Shutdown()
	nc, err := nats.Connect(s.URL())
	if err != nil {
		panic(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	ctx := context.Background()

	stream, _ := autotrigger.CreateQueue(ctx, js, "CD", "cd.triggers", 1)
	ledger, _ := autotrigger.CreateLedger(ctx, js, "RUNNERS", 1)
	cons, _ := stream.CreateConsumer(ctx, autotrigger.GlobalBound("cd-auto-trigger", 10, 5*time.Second))

	ts := make([]autotrigger.Trigger, 30)
	for i := range ts {
		ts[i] = autotrigger.Trigger{ID: autotrigger.TriggerID(1842, i+1), Hold: 20 * time.Millisecond, Prepare: 10 * time.Millisecond}
	}
	if _, _, err := autotrigger.Publish(ctx, js, "cd.triggers", ts); err != nil {
		panic(err)
	}

	var inHand, peak, ended atomic.Int64
	all := make(chan struct{}) // closed by the handler that ends the last trigger
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for r := range 3 {
		h := &autotrigger.Handler{Name: fmt.Sprintf("replica-%d", r+1), Ledger: ledger, DB: noWait{}}
		w := &autotrigger.Worker{Consumer: cons, Limit: 5, PullWait: 250 * time.Millisecond,
			Handle: func(ctx context.Context, msg jetstream.Msg) error {
				n := inHand.Add(1)
				for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
				}
				_, err := h.Handle(ctx, msg)
				inHand.Add(-1)
				if ended.Add(1) == int64(len(ts)) {
					close(all)
				}
				return err
			}}
		wg.Go(func() { _ = w.Run(ctx, stop) })
	}
	<-all
	close(stop) // SIGTERM, for all three
	wg.Wait()

	keys, _ := ledger.Keys(ctx)
	fmt.Println("effects recorded:", len(keys))
	fmt.Println("most in hand at once:", peak.Load())
	// Output:
	// effects recorded: 30
	// most in hand at once: 10
}
