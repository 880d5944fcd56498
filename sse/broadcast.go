package sse

import "errors"

// ErrEvicted is a subscription's Err after the broker evicted it for being
// too slow: its buffer was full when an event came (slide 17).
var ErrEvicted = errors.New("sse: evicted: buffer full (client too slow)")

// broadcast is slide 17: a select with a default is a send that never
// blocks. A subscriber whose buffer is full is evicted on the spot, so one
// slow client costs the others nothing.
//
// Only the loop calls it, and only the loop closes a subscriber's channel
// (in drop), so the send below can never be on a closed channel: the panic
// a broker risks when a handler also closes its channel on the way out.
func (b *Broker) broadcast(ev Event) {
	for s := range b.subs {
		select {
		case s.send <- ev:
		default: // buffer full: the client is too slow
			b.drop(s, ErrEvicted)
			b.evicted.Add(1)
		}
	}
}

// broadcastBlocking is the Bad version, kept for the demo's contrast: slide
// 17 without its default. The first stuck subscriber blocks the loop, so
// every other subscriber stops receiving, publishers block in Publish, and
// nobody can subscribe or leave. (The case on shutdown is only there so the
// demo can stop it; without it not even Shutdown would get through.)
func (b *Broker) broadcastBlocking(ev Event) {
	for s := range b.subs {
		select {
		case s.send <- ev:
		case <-b.shutdown:
			return
		}
	}
}
