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
//
// Designs rejected:
//   - the same select without its default, a plain send: the first
//     subscriber whose buffer is full blocks the loop, and with it every
//     other subscriber, every Publish, every Subscribe and every Close,
//     until that one client reads. The demo (go run ./cmd/demo sse)
//     measures it next to this one: one slow client holds every fast one
//     to its own pace.
//   - a goroutine per send (go func() { s.send <- ev }()): nothing waits,
//     but a stuck client piles up one goroutine per event, the events can
//     arrive out of order, and a send can race the close in drop.
//   - a bigger buffer: it only moves the moment a slow client fills it.
//     Buffer sets how far behind a client may fall; some bound must evict.
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
