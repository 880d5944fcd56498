// Package shutdown is slides 14-15 and 23 of the talk: a client that leaves
// should stop the work done for it, a server that is told to stop should
// finish what it started and then stop, and a goroutine needs a way out.
//
// In the order of the slides:
//
//   - [CancelOnDisconnect] (slides 14-15): run a handler's [Job] on
//     r.Context(), which the server cancels when the client disconnects.
//     Slide 14 builds the same thing from http.CloseNotifier, deprecated
//     since Go 1.11; disconnect.go says why it is not needed.
//     [ClusterCreation] is slide 15's job, and the shape of any job that
//     makes calls in a row: it looks at ctx before each one.
//   - [Detach] and [Detached]: the other side of cancellation. A mutating
//     request (a deployment, a hibernation) must not stop half-way because
//     the user closed the browser: it runs on context.WithoutCancel plus a
//     timeout of its own, and ends with the process, while a read rightly
//     stops with its client.
//   - [Serve], [Drain] and [ServeUntilSignal]: graceful shutdown. On the
//     signal the server stops accepting, lets the requests in flight finish
//     within a drain timeout (Server.Shutdown on a fresh context) and closes
//     what is left (Server.Close, the fallback).
//   - [RunWithLease] (slide 23, fixed): a background loop that renews a
//     job's lease, with the exit condition the slide's loop lacks, waited
//     for before RunWithLease returns.
//
// # Panics
//
// Handlers run on net/http's goroutines, and so does every Job this package
// runs for a request: a panic in one is net/http's to recover, as for any
// handler (it logs the panic and closes that connection; the server goes
// on). The one goroutine of caller code that this package starts itself is
// RunWithLease's renewal loop, and it follows the module's policy (see
// package workerpool, "Panics"): a panic in renew is recovered into a
// *workerpool.PanicError that keeps the value and the stack, cancels the
// job, and is returned.
//
// The demo that measures all of this, on real servers and clients, lives
// in internal/shutdowndemo; nothing here knows about it.
package shutdown
