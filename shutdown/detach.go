package shutdown

import (
	"context"
	"net/http"
	"time"
)

// Detach returns a context for work that must finish once started, such as
// a deployment or a hibernation: it keeps ctx's values (the user, the trace)
// but not its cancellation or deadline, and ends after timeout of its own,
// so the work still has an end. Call cancel when the work is done.
//
// In production, users closing the browser also cancelled deployments and
// hibernations half-way, because the mutating work ran on the request's
// context: half the manifests applied, no release recorded.
func Detach(ctx context.Context, timeout time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), timeout)
}

// Detached serves a mutating request: job runs on Detach(r.Context(),
// timeout), so a client that leaves does not stop it half-way. The handler
// still waits for job, so the request counts as in flight until job ends,
// and Server.Shutdown (see [Drain]) waits for it too.
//
// The rejected alternative, `go job(context.Background())` and answer at
// once, gives the work no owner and no end: nothing waits for it on
// shutdown, and nothing bounds it.
func Detached(timeout time.Duration, job Job) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := Detach(r.Context(), timeout)
		defer cancel()
		respond(w, r, job(ctx))
	})
}
