// Package shutdown is slides 14-15 and 23 of the talk: a client that leaves
// should stop the work done for it, a server that is told to stop should
// finish what it started and then stop, and a goroutine needs a way out.
//
// The pattern, in the order of the demo:
//
//   - [CancelOnDisconnect]: run a handler's work on r.Context(), which the
//     server cancels when the client disconnects. Slide 14 builds the same
//     thing from http.CloseNotifier, deprecated since Go 1.11: the request's
//     context already carries the disconnect. [IgnoreDisconnect] is the
//     problem, kept to measure it: its work runs on for nobody.
//   - [Serve] and [Drain]: graceful shutdown. On the signal the server stops
//     accepting, lets the requests in flight finish within a drain timeout
//     (Server.Shutdown on a fresh timeout context) and closes what is left
//     (Server.Close, the fallback). [ServeUntilSignal] wires it to SIGINT and
//     SIGTERM with signal.NotifyContext; a second signal ends the process at
//     once.
//   - [Detached]: the other side of cancellation. A mutating request (a
//     deployment, a hibernation) must not stop half-way because the user
//     closed the browser: it runs on [Detach], context.WithoutCancel plus a
//     timeout of its own (shorter than the drain's), and ends with the
//     process, while a read rightly stops with its client.
//   - [RunWithLease] and [RunWithLeakyLease]: slide 23's goroutine leak, a
//     background loop with no exit condition, next to one that selects on
//     ctx.Done() and is waited for.
//
// [Run] is the self-running demo: real net/http servers on 127.0.0.1 and
// real clients, measured. With --serve it runs the server interactively
// until Ctrl-C, then drains.
package shutdown
