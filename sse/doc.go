// Package sse is slides 16-17 of the talk: a Server-Sent Events broker in
// the slide's shape, corrected: the broker (Devtron's api/sse/Broker.go)
// that streams deployment status to every open dashboard.
//
// One goroutine, the broker's loop, owns the set of subscribers and
// selects over register, unregister, publish and shutdown (slide 16).
// Broadcasting never blocks: every subscriber has a bounded buffer, and a
// subscriber whose buffer is full is evicted on the spot (slide 17: select
// with default), so one slow client costs the others nothing. The loop is
// the only closer of a subscriber's channel, so no send on a closed
// channel can happen.
//
// Where the slides' code is wrong, the fix is here and the wrong shape is
// named next to it: slide 16's loop has no unregister case, and the
// production broker leaked a goroutine per finished stream because of it
// (see [Subscription.Close]); slide 17 without its default lets one slow
// client stall everyone (see broadcast.go, and go run ./cmd/demo sse for
// the measurement).
//
// The pieces, one idea per file:
//
//   - event.go: [Event] and [Encode], the wire format and what it rejects;
//     decode.go: [Decoder], a client's parser of it, as EventSource parses;
//   - broker.go: [Config], [NewBroker], the loop, [Broker.Publish],
//     [Broker.Shutdown], [Broker.Stats];
//   - broadcast.go: slide 17's send, and the designs it rejects;
//   - subscribe.go: [Broker.Subscribe], Last-Event-ID replay (bounded,
//     and of this run's ids only: [Config.Epoch]), the cap on subscribers
//     ([Config.MaxClients]), and the production broker's leak, named next
//     to its fix;
//   - handler.go: [Broker.ServeHTTP], which streams one subscription and
//     frees its goroutine and connection as soon as the stream ends, an
//     eviction included.
//
// # Panics
//
// The broker runs no code of its caller in the goroutine it starts (its
// loop only moves events between channels), so it has no panic to
// recover; ServeHTTP runs on net/http's goroutine for the request.
// NewBroker panics on a Config.Epoch that is not valid in an id: a
// mistake in the program, not in its input.
package sse
