package sse

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
)

// subscriber is one connection as the loop sees it.
type subscriber struct {
	lastEventID string        // the client's Last-Event-ID, "" if none
	ready       chan struct{} // closed by the loop once send is set up
	send        chan Event    // buffered; closed only by the loop (drop)
	err         atomic.Pointer[error]
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
// lastEventID that is empty, malformed, older than the buffer or newer than
// any event starts from now, without error. (Ids are a broker's sequence
// numbers, from 1: a client reconnecting to a restarted broker with an id
// the new one has reached again gets the events after that id.)
//
// It returns ErrClosed after Shutdown, or ctx's error. The caller must call
// Close when done with the subscription.
func (b *Broker) Subscribe(ctx context.Context, lastEventID string) (*Subscription, error) {
	s := &subscriber{lastEventID: lastEventID, ready: make(chan struct{})}
	select {
	case b.register <- s:
	case <-b.done:
		return nil, ErrClosed
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
	<-s.ready // the loop closes it in the same step as it takes s
	return &Subscription{b: b, s: s}, nil
}

// add is the loop's side of Subscribe. The replay is put in s's channel,
// sized to hold it on top of the usual buffer, in the same step as s joins
// the set, so no broadcast can come between them.
func (b *Broker) add(s *subscriber) {
	replay := b.since(s.lastEventID)
	s.send = make(chan Event, b.cfg.Buffer+len(replay))
	for _, ev := range replay {
		s.send <- ev // fits: the channel was sized for it
	}
	b.subs[s] = true
	b.clients.Add(1)
	close(s.ready)
}

// since returns the buffered events after the one with id last, or none
// when last is not one the buffer can continue from.
func (b *Broker) since(last string) []Event {
	n, err := strconv.ParseUint(last, 10, 64)
	if err != nil || len(b.replay) == 0 {
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
	if p := sub.s.err.Load(); p != nil {
		return *p
	}
	return nil
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
