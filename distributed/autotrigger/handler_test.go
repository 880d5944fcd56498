package autotrigger_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/distributed/autotrigger"
)

// freeDB grants every connection at once; full refuses every one.
type freeDB struct{}

func (freeDB) Conn(context.Context, time.Duration) error { return nil }

type fullDB struct{}

var errFull = errors.New("connection pool exhausted")

func (fullDB) Conn(context.Context, time.Duration) error { return errFull }

// deliveries of the one trigger in q, by a consumer with a short AckWait
// so that an un-acked delivery comes back soon.
func oneTrigger(t *testing.T, hold, prepare time.Duration) (*queue, jetstream.Consumer) {
	q := newQueue(t)
	cons := q.consumer(t, autotrigger.GlobalBound("cd", 10, 300*time.Millisecond))
	ts := []autotrigger.Trigger{{ID: "ci-7-cd-001", Hold: hold, Prepare: prepare}}
	if _, _, err := autotrigger.Publish(t.Context(), q.js, q.subject, ts); err != nil {
		t.Fatal(err)
	}
	return q, cons
}

func next(t *testing.T, cons jetstream.Consumer) jetstream.Msg {
	t.Helper()
	msg, err := cons.Next(jetstream.FetchMaxWait(10 * time.Second))
	if err != nil {
		t.Fatal(err)
	}
	return msg
}

// A delivery that dies after the effect, before its ack: the redelivery
// (after AckWait) finds the record and is a no-op.
func TestCrashAfterEffect(t *testing.T) {
	q, cons := oneTrigger(t, time.Hour, 0) // the effect at once, then an hour of work
	first := next(t, cons)
	recorded, err := q.js.KeyValue(t.Context(), q.bucket)
	if err != nil {
		t.Fatal(err)
	}
	watch, err := recorded.Watch(t.Context(), "ci-7-cd-001", jetstream.UpdatesOnly())
	if err != nil {
		t.Fatal(err)
	}
	defer watch.Stop()

	ctx, crash := context.WithCancel(t.Context())
	h := &autotrigger.Handler{Name: "replica-1", Ledger: q.ledger, DB: freeDB{}}
	out := make(chan autotrigger.Outcome, 1)
	go func() {
		o, _ := h.Handle(ctx, first)
		out <- o
	}()
	deadline(t, watch.Updates(), 10*time.Second, "the effect recorded")
	crash() // mid-work, un-acked
	if o := deadline(t, out, 10*time.Second, "the crashed delivery to return"); o != autotrigger.Retry {
		t.Fatalf("crashed delivery: %v; want retry (not acked)", o)
	}

	again := next(t, cons) // after AckWait
	if md, _ := again.Metadata(); md.NumDelivered != 2 {
		t.Fatalf("redelivery number %d; want 2", md.NumDelivered)
	}
	other := &autotrigger.Handler{Name: "replica-2", Ledger: q.ledger, DB: fullDB{}} // the DB is not even asked
	if o, err := other.Handle(t.Context(), again); o != autotrigger.Duplicate || err != nil {
		t.Fatalf("redelivery: %v, %v; want duplicate", o, err)
	}
	owner, _ := q.ledger.Owner(t.Context(), "ci-7-cd-001")
	md, _ := first.Metadata()
	if owner != autotrigger.Token("replica-1", md.Sequence.Consumer) {
		t.Errorf("the effect is %q's; want the first delivery's", owner)
	}
}

// A delivery that dies before the effect: the redelivery does the work
// and the effect is its.
func TestCrashBeforeEffect(t *testing.T) {
	q, cons := oneTrigger(t, time.Hour, time.Hour) // an hour before the effect
	first := next(t, cons)
	ctx, crash := context.WithCancel(t.Context())
	crash()
	h := &autotrigger.Handler{Name: "replica-1", Ledger: q.ledger, DB: freeDB{}}
	if o, err := h.Handle(ctx, first); o != autotrigger.Retry || !errors.Is(err, autotrigger.ErrRetry) {
		t.Fatalf("crashed delivery: %v, %v; want retry", o, err)
	}
	again := next(t, cons)
	quick := jetstreamMsgWithTrigger{again, autotrigger.Trigger{ID: "ci-7-cd-001"}}
	other := &autotrigger.Handler{Name: "replica-2", Ledger: q.ledger, DB: freeDB{}}
	if o, err := other.Handle(t.Context(), quick); o != autotrigger.Effected || err != nil {
		t.Fatalf("redelivery: %v, %v; want effected", o, err)
	}
	md, _ := again.Metadata()
	if owner, _ := q.ledger.Owner(t.Context(), "ci-7-cd-001"); owner != autotrigger.Token("replica-2", md.Sequence.Consumer) {
		t.Errorf("the effect is %q's; want the redelivery's", owner)
	}
}

// A full pool fails the trigger for good: no effect, and no retry asked.
func TestPoolExhaustedFails(t *testing.T) {
	q, cons := oneTrigger(t, 0, 0)
	h := &autotrigger.Handler{Name: "replica-1", Ledger: q.ledger, DB: fullDB{}}
	o, err := h.Handle(t.Context(), next(t, cons))
	if o != autotrigger.Failed || !errors.Is(err, errFull) || errors.Is(err, autotrigger.ErrRetry) {
		t.Fatalf("%v, %v; want failed with the pool's error, not a retry", o, err)
	}
	if done, _ := q.ledger.Done(t.Context(), "ci-7-cd-001"); done {
		t.Error("a failed trigger is recorded as done")
	}
}

// jetstreamMsgWithTrigger is a delivery whose body is replaced: the same
// message, metadata and acks, another trigger (here: one without the
// hour's hold).
type jetstreamMsgWithTrigger struct {
	jetstream.Msg
	t autotrigger.Trigger
}

func (m jetstreamMsgWithTrigger) Data() []byte {
	return []byte(`{"id":"` + m.t.ID + `"}`)
}
