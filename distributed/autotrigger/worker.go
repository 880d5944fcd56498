package autotrigger

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// RetryDelay is how long a trigger whose outcome is unknown (ErrRetry)
// waits before the server delivers it again.
const RetryDelay = time.Second

// Worker is one replica's consumer loop: Limit goroutines, each pulling
// one message at a time from Consumer (production's default), handing it
// to Handle, telling the server it is in progress while Handle runs, and
// acking it after Handle returns. Limit is this process's
// bound; the bound across replicas is the consumer's MaxAckPending (see
// GlobalBound). The zero value is not usable: set every field but the
// hooks.
type Worker struct {
	Consumer jetstream.Consumer
	// Limit is the most messages this process holds at once (>= 1).
	Limit int
	// PullWait is how long one pull waits at the server for a message
	// (> 0). Ending waits for the pulls in flight, so it is also the
	// longest a stop waits besides the work in hand (see pull.go); each
	// idle worker sends one request per PullWait.
	PullWait time.Duration
	// Handle runs one message. Its error decides the ack:
	//   - nil, or an error that does not wrap ErrRetry: acked. A failed
	//     trigger is reported by Handle, not retried: a redelivery would
	//     meet the same full pool (production acks after the callback
	//     returns, whatever it returned).
	//   - an error wrapping ErrRetry: not acked, delivered again after
	//     RetryDelay.
	// Handle gets Run's ctx: a stop does not cancel it, so the work in
	// hand finishes.
	Handle func(ctx context.Context, msg jetstream.Msg) error
	// Progress is how often a message in Handle is reported in progress,
	// restarting its AckWait (see progress.go); 0: a third of the
	// consumer's AckWait.
	Progress time.Duration

	// Optional hooks, for counting; called on the worker's goroutine.
	Nakked    func(msg jetstream.Msg)            // handed back at once after a stop
	AckFailed func(msg jetstream.Msg, err error) // ack unconfirmed: back after AckWait
}

// Run runs the loop until ctx is done or stop is closed, and returns once
// every goroutine it started has returned (a pull in flight first runs
// out: at most PullWait, or a second more if the server is gone), with the
// errors that ended them (a deleted consumer, a closed connection) joined.
//
// The two ends differ, and the difference is the shutdown lesson:
//   - stop closed (SIGTERM): no new pulls; a message that a pull already
//     in flight brings is handed back with Nak; the messages in hand are
//     finished and acked. Nothing waits for AckWait.
//   - ctx done (a hard stop): work in hand, and whatever a pull in flight
//     brings, is abandoned un-acked; the server delivers it again after
//     AckWait, like a crash's. A process that must end at once exits
//     without waiting for Run (see the demo's replica.Main).
//
// The caller owns stop and ctx; Run closes neither.
func (w *Worker) Run(ctx context.Context, stop <-chan struct{}) error {
	if w.Limit < 1 || w.PullWait <= 0 || w.Consumer == nil || w.Handle == nil {
		return fmt.Errorf("autotrigger: Worker needs Consumer, Handle, Limit >= 1 and PullWait > 0 (Limit %d, PullWait %v)", w.Limit, w.PullWait)
	}
	errs := make([]error, w.Limit) // one per goroutine: no lock needed
	var wg sync.WaitGroup
	for i := range w.Limit {
		wg.Go(func() { errs[i] = w.loop(ctx, stop) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// loop is one of the Limit goroutines: pull, handle, ack, until told to stop.
func (w *Worker) loop(ctx context.Context, stop <-chan struct{}) error {
	for {
		msg, err := w.pull(ctx, stop)
		if msg == nil {
			return err
		}
		w.handle(ctx, msg)
	}
}

// handle runs one message, keeping it alive meanwhile, and settles it
// with the server.
func (w *Worker) handle(ctx context.Context, msg jetstream.Msg) {
	stop := w.keepAlive(msg)
	err := w.Handle(ctx, msg)
	stop()
	switch {
	case ctx.Err() != nil:
		// Abandoned: no ack, so the server delivers it again after
		// AckWait, as after a crash. An ack now could claim work that
		// did not finish.
		return
	case errors.Is(err, ErrRetry):
		if err := msg.NakWithDelay(RetryDelay); err != nil && w.AckFailed != nil {
			w.AckFailed(msg, err) // then AckWait brings it back
		}
		return
	}
	// Ack after the work, never before: an ack before it would lose the
	// trigger if this process died half-way. DoubleAck waits for the
	// server to confirm: an ack is a message too, and a lost one means a
	// redelivery (harmless, with the ledger, but not free).
	if err := retry(ctx, "ack", msg.DoubleAck); err != nil && w.AckFailed != nil {
		w.AckFailed(msg, err)
	}
}
