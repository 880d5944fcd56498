package autotrigger

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// DB is the database a trigger works in. Conn takes one connection for
// hold and returns once it has it, or fails when the pool has none free in
// time (the error slide 6's unbounded goroutines meet). The connection is
// the trigger's until hold has passed.
type DB interface {
	Conn(ctx context.Context, hold time.Duration) error
}

// Outcome is what one delivery of a trigger came to.
type Outcome int

const (
	// Effected: this delivery's effect is the one recorded in the ledger.
	Effected Outcome = iota + 1
	// Duplicate: the effect had already happened (an earlier delivery, or
	// one running at the same time, recorded it first): a no-op.
	Duplicate
	// Failed: the trigger could not run (its error says why) and will not
	// be retried; nothing took effect.
	Failed
	// Retry: the outcome is unknown (the ledger could not be reached, ctx
	// ended first); the delivery must not be acked, so it comes back.
	Retry
)

func (o Outcome) String() string {
	switch o {
	case Effected:
		return "effected"
	case Duplicate:
		return "duplicate"
	case Failed:
		return "failed"
	case Retry:
		return "retry"
	}
	return fmt.Sprintf("Outcome(%d)", int(o))
}

// ErrRetry marks a Handle error that must not be acked: see Worker.
var ErrRetry = errors.New("outcome unknown: deliver again")

// Handler runs CD triggers so that a trigger delivered twice takes effect
// once. Name tells this replica's records apart in the ledger.
type Handler struct {
	Name   string
	Ledger *Ledger
	DB     DB
}

// Handle runs the trigger in msg and says what it came to. It never acks:
// the Worker acks after Handle returns (or, on Retry, does not).
//
// The order is the lesson:
//  1. The ledger already has the trigger: Duplicate, before any work. This
//     is production's de-dup ("is there a workflow runner already?").
//  2. Take a database connection and prepare (Prepare of the Hold).
//  3. The effect: Ledger.Record. If another delivery recorded first, this
//     one is a Duplicate and stops here.
//  4. The rest of the work (the rest of the Hold: record the CD status).
//
// A crash in 2 leaves no record, so the redelivery does the work; a crash
// in 4 leaves the record, so the redelivery stops at 1. Either way the
// effect happens once.
func (h *Handler) Handle(ctx context.Context, msg jetstream.Msg) (Outcome, error) {
	t, err := decode(msg.Data())
	if err != nil {
		return Failed, err // a body no redelivery will mend
	}
	md, err := msg.Metadata()
	if err != nil {
		return Failed, fmt.Errorf("trigger %s: %w", t.ID, err)
	}
	token := Token(h.Name, md.Sequence.Consumer)

	done, err := h.Ledger.Done(ctx, t.ID)
	if err != nil {
		return Retry, fmt.Errorf("trigger %s: %w: %w", t.ID, ErrRetry, err)
	}
	if done {
		return Duplicate, nil
	}
	if err := h.DB.Conn(ctx, t.Hold); err != nil {
		if ctx.Err() != nil {
			return Retry, fmt.Errorf("trigger %s: %w: %w", t.ID, ErrRetry, err)
		}
		return Failed, fmt.Errorf("trigger %s: %w", t.ID, err)
	}
	if err := work(ctx, t.Prepare); err != nil {
		return Retry, fmt.Errorf("trigger %s: %w: %w", t.ID, ErrRetry, err)
	}
	first, err := h.Ledger.Record(ctx, t.ID, token)
	if err != nil {
		return Retry, fmt.Errorf("trigger %s: %w: %w", t.ID, ErrRetry, err)
	}
	if !first {
		return Duplicate, nil
	}
	if err := work(ctx, t.Hold-t.Prepare); err != nil { // record the CD status
		// The effect happened; the redelivery will find it and stop at 1.
		return Retry, fmt.Errorf("trigger %s: %w: %w", t.ID, ErrRetry, err)
	}
	return Effected, nil
}

// Token names one delivery in the ledger: the replica and the consumer
// sequence, which numbers every delivery, first or not, once.
func Token(replica string, consumerSeq uint64) string {
	return fmt.Sprintf("%s/delivery-%d", replica, consumerSeq)
}

// work stands for the trigger's statements on its connection: it waits d,
// or until ctx is done.
func work(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}
