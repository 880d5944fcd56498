package autotrigger_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/distributed/autotrigger"
)

// Twenty deliveries of one trigger record at once: exactly one wins,
// whoever is first at the server; the winner's retry still knows it won.
func TestLedgerFirstWriterWins(t *testing.T) {
	q := newQueue(t)
	const n = 20
	wins := make([]bool, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			first, err := q.ledger.Record(t.Context(), "ci-7-cd-001", autotrigger.Token("r", uint64(i+1)))
			if err != nil {
				t.Error(err)
			}
			wins[i] = first
		})
	}
	wg.Wait()
	winner := -1
	for i, w := range wins {
		if w {
			if winner >= 0 {
				t.Fatalf("deliveries %d and %d both recorded the effect", winner+1, i+1)
			}
			winner = i
		}
	}
	if winner < 0 {
		t.Fatal("no delivery recorded the effect")
	}
	owner, err := q.ledger.Owner(t.Context(), "ci-7-cd-001")
	if err != nil || owner != autotrigger.Token("r", uint64(winner+1)) {
		t.Errorf("owner %q, %v; want the winner's token", owner, err)
	}
	again, err := q.ledger.Record(t.Context(), "ci-7-cd-001", owner)
	if err != nil || !again {
		t.Errorf("the winner's retry: %v, %v; want true", again, err)
	}
	if done, err := q.ledger.Done(t.Context(), "ci-7-cd-001"); err != nil || !done {
		t.Errorf("Done: %v, %v; want true", done, err)
	}
	if done, err := q.ledger.Done(t.Context(), "ci-7-cd-002"); err != nil || done {
		t.Errorf("Done of an unrecorded trigger: %v, %v; want false", done, err)
	}
	if _, err := q.ledger.Owner(t.Context(), "ci-7-cd-002"); !errors.Is(err, jetstream.ErrKeyNotFound) {
		t.Errorf("Owner of an unrecorded trigger: %v; want ErrKeyNotFound", err)
	}
	keys, err := q.ledger.Keys(t.Context())
	if err != nil || len(keys) != 1 || keys[0] != "ci-7-cd-001" {
		t.Errorf("Keys: %q, %v", keys, err)
	}
}

// A cancelled context ends a Record at once, with the cause.
func TestLedgerCancelled(t *testing.T) {
	q := newQueue(t)
	ctx, cancel := context.WithCancelCause(t.Context())
	cause := errors.New("replica stopping")
	cancel(cause)
	if _, err := q.ledger.Record(ctx, "ci-7-cd-001", "r/delivery-1"); !errors.Is(err, cause) {
		t.Errorf("Record on a cancelled context: %v; want the cause", err)
	}
}

// The CI event published twice: the stream stores each trigger once.
func TestPublishDropsDuplicates(t *testing.T) {
	q := newQueue(t)
	ts := q.publish(t, 25, 0)
	stored, dropped, err := autotrigger.Publish(t.Context(), q.js, q.subject, ts)
	if err != nil || stored != 0 || dropped != 25 {
		t.Fatalf("second publish: stored %d, dropped %d, %v; want 0, 25", stored, dropped, err)
	}
	info, err := q.stream.Info(t.Context())
	if err != nil || info.State.Msgs != 25 {
		t.Fatalf("stream holds %v messages (%v); want 25", info.State.Msgs, err)
	}
}
