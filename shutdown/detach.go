package shutdown

import (
	"context"
	"net/http"
	"time"
)

// Detach returns a context for work that must finish once started, such as
// a deployment or a hibernation: it keeps ctx's values (the user, the trace)
// but not its cancellation or deadline, and ends after timeout of its own,
// so the work still has an end. The caller owns the returned cancel and
// calls it when the work is done, as with context.WithTimeout.
//
// In production, users closing the browser also cancelled deployments and
// hibernations half-way, because the mutating work ran on the request's
// context: half the manifests applied, no release recorded.
func Detach(ctx context.Context, timeout time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), timeout)
}

// Detached serves a mutating request: job runs on Detach(r.Context(),
// timeout), so a client that leaves does not stop it half-way. The handler
// still waits for job, on net/http's goroutine, so the request counts as in
// flight until job ends, and a graceful drain ([Drain], Server.Shutdown)
// waits for it too. It answers as [CancelOnDisconnect] does, to a client
// that is still there.
//
// The detached work survives its client, not the process: it also ends
// when life does. life stands for the process's end: a context that the
// server's owner cancels once [Serve] has returned (the drain is over,
// finished or given up), or that a test or a demo cancels to stop.
// context.Background() means the timeout alone ends the job.
//
// The timeouts must nest, or the drain cuts off the work it should wait
// for, and the kubelet kills the pod before the drain ends:
//
//	detach timeout < drain timeout < terminationGracePeriodSeconds (30 s by default)
//
// The rejected alternative, `go job(context.Background())` and answer at
// once, gives the work no owner and no end: nothing waits for it on
// shutdown, nothing bounds it, and its panic would crash the process.
func Detached(life context.Context, timeout time.Duration, job Job) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := Detach(r.Context(), timeout)
		defer cancel()
		stop := context.AfterFunc(life, cancel) // the process is going away
		defer stop()
		respond(w, r, job(ctx))
	})
}
