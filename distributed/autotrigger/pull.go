package autotrigger

import (
	"context"
	"errors"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// pull returns the next message for this worker to handle, or nil when
// the worker must end: stop closed or ctx done (with a nil error), or the
// consumer gone (with the error).
//
// A pull is a request the server answers later: with a message, or with a
// time-out once PullWait has passed. Stopping never cancels one in flight.
// Rejected design: cancel the pull when stop closes. The server may have
// handed it a message already, on its way over the wire: the client drops
// it, and the message sits un-acked until AckWait, a tail on every
// shutdown. Instead the pull runs out (at most PullWait), and a message it
// brings after stop is handed back with Nak, for another replica at once.
//
// ctx, the hard stop, does cancel the pull: abandoning is what a hard stop
// is, and AckWait covers what it drops.
func (w *Worker) pull(ctx context.Context, stop <-chan struct{}) (jetstream.Msg, error) {
	pause := 10 * time.Millisecond
	for {
		select {
		case <-stop:
			return nil, nil
		case <-ctx.Done():
			return nil, nil
		default:
		}
		// With a deadline, the request's server-side expiry is set a
		// tenth earlier, so the server's time-out arrives before the
		// client gives up on the request.
		pctx, cancel := context.WithTimeout(ctx, w.PullWait)
		msg, err := w.Consumer.Next(jetstream.FetchContext(pctx))
		cancel()
		switch {
		case err == nil:
		case ctx.Err() != nil:
			return nil, nil
		case errors.Is(err, nats.ErrTimeout), errors.Is(err, context.DeadlineExceeded):
			continue // nothing to do within PullWait: ask again
		case errors.Is(err, jetstream.ErrConsumerDeleted), errors.Is(err, jetstream.ErrConsumerNotFound),
			errors.Is(err, nats.ErrConnectionClosed), errors.Is(err, jetstream.ErrInvalidOption):
			return nil, err
		default:
			// A leader election, a reconnect: try again shortly.
			if !wait(ctx, stop, pause) {
				return nil, nil
			}
			pause = min(2*pause, time.Second)
			continue
		}
		select {
		case <-stop:
			// Brought by a pull that was in flight when stop closed.
			if err := msg.Nak(); err == nil && w.Nakked != nil {
				w.Nakked(msg)
			}
			return nil, nil
		default:
			return msg, nil
		}
	}
}

// wait waits d and reports true, or reports false as soon as ctx is done
// or stop is closed.
func wait(ctx context.Context, stop <-chan struct{}, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-stop:
	case <-ctx.Done():
	}
	return false
}
