package autotrigger_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/distributed/autotrigger"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/distributed/internal/natsd"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/distributed/internal/natsdtest"
)

// srv is the package's one embedded server, shut down before goleak looks.
var srv *natsd.Server

func TestMain(m *testing.M) { natsdtest.Main(m, &srv) }

// names makes each test's stream, subject and bucket its own.
var seq atomic.Int64

type queue struct {
	nc      *nats.Conn
	js      jetstream.JetStream
	stream  jetstream.Stream
	subject string
	ledger  *autotrigger.Ledger
	bucket  string
}

// newQueue creates a fresh work queue and ledger, removed with the test.
func newQueue(t *testing.T) *queue {
	t.Helper()
	n := seq.Add(1)
	q := &queue{nc: connect(t), subject: fmt.Sprintf("test.%d.triggers", n), bucket: fmt.Sprintf("TEST_%d_RUNNERS", n)}
	var err error
	if q.js, err = jetstream.New(q.nc); err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("TEST_%d_TRIGGERS", n)
	if q.stream, err = autotrigger.CreateQueue(t.Context(), q.js, name, q.subject, 1); err != nil {
		t.Fatal(err)
	}
	if q.ledger, err = autotrigger.CreateLedger(t.Context(), q.js, q.bucket, 1); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = q.js.DeleteStream(ctx, name)
		_ = q.js.DeleteKeyValue(ctx, q.bucket)
	})
	return q
}

// connect opens a connection closed with the test.
func connect(t *testing.T) *nats.Conn {
	t.Helper()
	nc, err := nats.Connect(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	return nc
}

// consumer creates the durable consumer with cfg.
func (q *queue) consumer(t *testing.T, cfg jetstream.ConsumerConfig) jetstream.Consumer {
	t.Helper()
	c, err := q.stream.CreateConsumer(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// publish publishes n triggers of hold each.
func (q *queue) publish(t *testing.T, n int, hold time.Duration) []autotrigger.Trigger {
	t.Helper()
	ts := make([]autotrigger.Trigger, n)
	for i := range ts {
		ts[i] = autotrigger.Trigger{ID: autotrigger.TriggerID(7, i+1), Hold: hold, Prepare: hold / 2}
	}
	if _, _, err := autotrigger.Publish(t.Context(), q.js, q.subject, ts); err != nil {
		t.Fatal(err)
	}
	return ts
}

// deadline fails the test if ch is not closed or sent on within d.
func deadline[T any](t *testing.T, ch <-chan T, d time.Duration, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(d):
		t.Fatalf("%s: not within %v", what, d)
	}
	var zero T
	return zero
}
