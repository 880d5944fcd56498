package autotrigger

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// CallTimeout bounds one call to the server (a ledger read or write, an
// ack). On one server a call takes well under a millisecond; in a cluster
// a call in flight when a leader dies gets no answer, and this is how long
// it waits before trying again.
const CallTimeout = 2 * time.Second

// retry runs call until it succeeds, fails for good, or ctx is done. Each
// attempt gets CallTimeout; a time-out or a missing responder (an election
// in progress, a reconnect) is tried again after a pause that doubles up to
// a second. Only idempotent calls may be retried: an attempt that timed out
// may still have happened.
func retry(ctx context.Context, what string, call func(ctx context.Context) error) error {
	pause := 10 * time.Millisecond
	for {
		actx, cancel := context.WithTimeout(ctx, CallTimeout)
		err := call(actx)
		cancel()
		switch {
		case err == nil:
			return nil
		case ctx.Err() != nil:
			return fmt.Errorf("%s: %w", what, context.Cause(ctx))
		case !transient(err):
			return fmt.Errorf("%s: %w", what, err)
		}
		t := time.NewTimer(pause)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("%s: %w (after %w)", what, context.Cause(ctx), err)
		}
		pause = min(2*pause, time.Second)
	}
}

// transient reports whether err is one a later attempt may not meet: no
// answer in time, or nobody to answer yet.
func transient(err error) bool {
	return errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, nats.ErrTimeout) ||
		errors.Is(err, nats.ErrNoResponders) ||
		errors.Is(err, jetstream.ErrNoStreamResponse)
}
