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
// time-out once PullWait has passed. Nothing cancels one in flight; the
// loop looks at stop and ctx between pulls, so ending waits for the pulls
// in flight, at most PullWait.
//
// Rejected designs:
//   - Cancel the pull when stop closes. The server may have handed it a
//     message already, on its way over the wire: the client drops it, and
//     it sits un-acked until AckWait, a tail on every shutdown. Instead the
//     pull runs out, and a message it brings after stop is handed back with
//     Nak, for another replica at once.
//   - A pull under a context deadline (jetstream.FetchContext). The client
//     then gives up at the deadline, only a tenth of the wait after the
//     server's own expiry: a message the server sends in that last tenth,
//     read late by a busy process, is dropped and waits for AckWait. On a
//     loaded two-core machine that happened several times a run.
//     FetchMaxWait lets the client wait a second longer than the server.
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
		msg, err := w.Consumer.Next(jetstream.FetchMaxWait(w.PullWait))
		switch {
		case ctx.Err() != nil:
			// A hard stop: a message just brought is abandoned like the
			// rest, and comes back after AckWait.
			return nil, nil
		case err == nil:
		case errors.Is(err, nats.ErrTimeout):
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
