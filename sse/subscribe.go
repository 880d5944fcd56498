package sse

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
)

// subscriber is one connection as the loop sees it.
type subscriber struct {
	after  uint64        // replay the events after this one...
	resume bool          // ...if the client's Last-Event-ID named one of ours
	ready  chan struct{} // closed by the loop once it took s (send set up, or refused)
	full   bool          // set by the loop before ready: refused for MaxClients
	send   chan Event    // buffered; closed only by the loop (drop)

	// gone ends, with the reason as its cause, when the loop drops s:
	// Err's answer, and what the handler waits on to cut a write short.
	gone context.Context
	end  context.CancelCauseFunc
}

// Subscription is one subscriber's stream of events; see Broker.Subscribe.
type Subscription struct {
	b       *Broker
	s       *subscriber
	release sync.Once
}

// Subscribe registers a subscriber and returns its subscription. If
// lastEventID names an event still in the replay buffer, the events after it
// come first on Events, with no gap or duplicate before the live ones. A
// lastEventID that is empty, malformed, longer than any id the broker
// sends, older than the buffer or newer than any event starts from now,
// without error. The broker keeps only the number it parsed from it, never
// the string, so a client's huge header costs nothing past this call.
//
// Ids are a broker's sequence numbers, from 1. Without Config.Epoch, a
// client reconnecting to a restarted broker with an id the new one has
// reached again gets the events after that id, which are not the ones it
// missed; with an Epoch, an id of another run starts from now.
//
// It returns ErrFull when Config.MaxClients are subscribed, ErrClosed
// after Shutdown, or ctx's error. The caller must call Close when done
// with a subscription it got.
func (b *Broker) Subscribe(ctx context.Context, lastEventID string) (*Subscription, error) {
	s := &subscriber{ready: make(chan struct{})}
	s.after, s.resume = b.parseID(lastEventID)
	s.gone, s.end = context.WithCancelCause(context.Background())
	select {
	case b.register <- s:
	case <-b.done:
		s.end(ErrClosed)
		return nil, ErrClosed
	case <-ctx.Done():
		s.end(context.Cause(ctx))
		return nil, context.Cause(ctx)
	}
	<-s.ready // the loop closes it in the same step as it takes s
	if s.full {
		s.end(ErrFull)
		return nil, ErrFull
	}
	return &Subscription{b: b, s: s}, nil
}

// add is the loop's side of Subscribe. The replay is put in s's channel,
// sized to hold it on top of the usual buffer, in the same step as s joins
// the set, so no broadcast can come between them.
func (b *Broker) add(s *subscriber) {
	defer close(s.ready)
	if len(b.subs) >= b.cfg.MaxClients {
		s.full = true
		b.refused.Add(1)
		return
	}
	replay := b.since(s.after, s.resume)
	s.send = make(chan Event, b.cfg.Buffer+len(replay))
	for _, ev := range replay {
		s.send <- ev // fits: the channel was sized for it
	}
	b.subs[s] = true
	b.clients.Add(1)
}

// id is the id of the event numbered n.
func (b *Broker) id(n uint64) string {
	if b.cfg.Epoch == "" {
		return strconv.FormatUint(n, 10)
	}
	return b.cfg.Epoch + "-" + strconv.FormatUint(n, 10)
}

// parseID returns the number in id, and whether id is one this broker
// could have sent: of its epoch, and no longer than its longest id (an
// attacker's megabyte is not even looked at).
func (b *Broker) parseID(id string) (n uint64, ok bool) {
	if id == "" || len(id) > len(b.id(^uint64(0))) {
		return 0, false
	}
	if b.cfg.Epoch != "" {
		var found bool
		if id, found = strings.CutPrefix(id, b.cfg.Epoch+"-"); !found {
			return 0, false // another run's id, or a bare number
		}
	}
	n, err := strconv.ParseUint(id, 10, 64)
	return n, err == nil
}

// since returns the buffered events after the one numbered n, or none when
// resume is false or n is not one the buffer can continue from.
func (b *Broker) since(n uint64, resume bool) []Event {
	if !resume || len(b.replay) == 0 {
		return nil
	}
	oldest := b.lastID - uint64(len(b.replay)) + 1
	if n+1 < oldest || n > b.lastID {
		return nil // events were lost in between, or an id we never sent
	}
	return append([]Event(nil), b.replay[n+1-oldest:]...)
}

// Events is the subscription's stream, in publishing order. The broker
// closes it when it evicts the subscriber, when it shuts down, or after
// Close; Err then says which.
func (sub *Subscription) Events() <-chan Event { return sub.s.send }

// Err says why Events was closed: ErrEvicted after an eviction, ErrClosed
// after the broker shut down, nil after Close (and while Events is open).
func (sub *Subscription) Err() error {
	if err := context.Cause(sub.s.gone); errors.Is(err, ErrEvicted) || errors.Is(err, ErrClosed) {
		return err
	}
	return nil // open, or closed by Close
}

// Close unsubscribes. It may be called at any time, more than once, and
// after the broker has shut down; it never blocks for long, since the loop
// never blocks.
//
// The production broker this slide comes from leaked one goroutine per
// finished stream right here: its handler ended with
//
//	defer func() { br.unregister <- conn }() // Bad
//
// an unbuffered send that nobody receives once the loop stops taking it (it
// has returned after a shutdown; slide 16's loop has no such case at all),
// so every handler that ever finished stayed blocked in its deferred exit.
// The fix is the loop's unregister case plus a send that also gives up
// when the loop is gone:
func (sub *Subscription) Close() {
	sub.release.Do(func() {
		select {
		case sub.b.unregister <- sub.s: // Good
		case <-sub.b.done:
		}
	})
}
