// Package sse is slides 16-17: a Server-Sent Events broker in the slide's
// shape, corrected.
//
// One goroutine (the broker's loop) owns the set of connections and selects
// over register, unregister, broadcast and shutdown channels (slide 16).
// Broadcasting never blocks: every subscriber has a bounded buffer, and a
// subscriber whose buffer is full is evicted (slide 17) by the loop alone,
// which is also the only closer of a subscriber's channel, so no send on a
// closed channel can happen.
//
// The pieces, one idea per file:
//
//   - event.go: the wire format (id, event and data lines) and what it
//     rejects; decode.go: a client's parser of it, as EventSource parses;
//   - broker.go: the loop, Publish, Shutdown, Stats;
//   - broadcast.go: slide 17's non-blocking send, next to the blocking one;
//   - subscribe.go: a subscription, Last-Event-ID replay, and the
//     production broker's goroutine leak, named next to its fix;
//   - handler.go: the http.Handler that streams one subscription;
//   - serve.go, index.html: the interactive server for the stage (--serve);
//   - scenario.go, clients.go, deploy.go: the self-running, measured demo.
package sse
