package shutdown

import (
	"context"
	"fmt"
	"net/http"
)

// Job is the work a handler does for one request, such as slide 15's
// cluster creation. It must return soon after ctx is done: that is how a
// disconnect, a timeout or a shutdown stops it.
type Job func(ctx context.Context) error

// Slide 14 detects the disconnect by hand:
//
//	ctx, cancel := context.WithCancel(r.Context())
//	if cn, ok := w.(http.CloseNotifier); ok {
//		go func(done <-chan struct{}, closed <-chan bool) {
//			select {
//			case <-done:
//			case <-closed:
//				cancel() // Client disconnected!
//			}
//		}(ctx.Done(), cn.CloseNotify())
//	}
//
// http.CloseNotifier is deprecated since Go 1.11, and not needed: the server
// cancels r.Context() itself when the client's connection closes (for
// HTTP/2, when the stream is reset) and when the handler returns. The extra
// goroutine, the type assertion and the second cancel add nothing but code
// to get wrong (a ResponseWriter wrapped by middleware does not implement
// CloseNotifier, and the disconnect then goes unnoticed).
// CancelOnDisconnect is the whole of it.

// CancelOnDisconnect serves a request by running job on r.Context(), so the
// job stops within one step of the client leaving: slide 15's "saved ~5
// seconds of wasted API calls". It answers 200 "ok", or 500 with job's
// error; a client that has gone gets nothing, as nothing can reach it.
//
// Right for reads and for any work whose result only the client wanted. A
// mutation that must not stop half-way wants [Detached] instead.
func CancelOnDisconnect(job Job) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		respond(w, r, job(r.Context()))
	})
}

// IgnoreDisconnect is slide 14's problem, kept so the demo can measure it
// (Bad): it runs job on life, a context that outlives the request, so a
// client that leaves does not stop it and the work, its API calls and its
// goroutine run on for nobody. In production life is context.Background(),
// or a context the handler never received; the demo passes its own run so
// that Ctrl-C still ends it.
func IgnoreDisconnect(life context.Context, job Job) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		respond(w, r, job(life))
	})
}

// respond writes job's outcome, unless the client has gone: then there is
// nobody to tell.
func respond(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case r.Context().Err() != nil:
		// Disconnected, or the server closed the connection: a write
		// would fail, and nothing reads it.
	case err != nil:
		http.Error(w, err.Error(), http.StatusInternalServerError)
	default:
		fmt.Fprintln(w, "ok")
	}
}

// ClusterCreation is slide 15's job: creating a cluster is n Kubernetes API
// calls in a row, and call(ctx, i) makes the i-th (i from 0). It stops at
// the first error. It checks ctx before each call, so that once ctx is done
// no further call starts even if call itself ignored ctx; with calls that
// honour ctx (as every simulated one does) it stops within one call.
func ClusterCreation(n int, call func(ctx context.Context, i int) error) Job {
	return func(ctx context.Context) error {
		for i := range n {
			if err := context.Cause(ctx); err != nil {
				return fmt.Errorf("create cluster: stopped before API call %d of %d: %w", i+1, n, err)
			}
			if err := call(ctx, i); err != nil {
				return fmt.Errorf("create cluster: API call %d of %d: %w", i+1, n, err)
			}
		}
		return nil
	}
}
