package shutdowndemo

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/shutdown"
)

// The Bad shapes: the problems of slides 14-15 and 23, kept so the demo
// can measure them next to the lesson's fixes. They live here, not in
// package shutdown, because nobody should copy them. (The third Bad
// variant, "deploy r.ctx", is no code of its own: it is the lesson's
// CancelOnDisconnect given a mutation, which wants Detached.)

// IgnoreDisconnect is slide 14's problem (Bad): it runs job on life, a
// context that outlives the request, so a client that leaves does not stop
// it, and the work, its API calls and its goroutine run on for nobody. It
// is shutdown.CancelOnDisconnect with the request's context thrown away,
// which is exactly the bug. In production life is context.Background(),
// or a context the handler never received; the demo passes its own run so
// that Ctrl-C still ends it.
func IgnoreDisconnect(life context.Context, job shutdown.Job) http.Handler {
	return shutdown.CancelOnDisconnect(func(context.Context) error { return job(life) })
}

// RunWithLeakyLease is slide 23's goroutine leak (Bad):
//
//	go func() {
//		for {
//			doWork() // No exit condition!
//		}
//	}()
//
// It runs job on ctx while a background loop renews job's lease every
// tick, and that loop has no exit condition: it outlives job, keeps
// renewing a lease nobody holds, and each call leaks one goroutine for the
// life of the process. (The slide's loop also spins without a pause; this
// one waits for a tick, so the demo does not burn a core.) The fix is
// shutdown.RunWithLease.
//
// stop exists only so the demo can end the leaked loops after it has
// counted them; the production version has none. As RunWithLease does, it
// refuses an interval that would make time.NewTicker panic on the loop's
// goroutine.
func RunWithLeakyLease(ctx context.Context, every time.Duration, renew func(context.Context), job shutdown.Job, stop <-chan struct{}) error {
	if every <= 0 {
		return fmt.Errorf("lease renewal every %v: the interval must be positive", every)
	}
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-stop: // demo only: see above
				return
			case <-t.C:
				renew(context.Background())
			}
		}
	}()
	return job(ctx)
}

// closeAtOnce is what exiting on the signal does (Bad): it serves until
// sig is done, then closes every connection, so the requests in flight
// are cut off. It returns Close's error once srv.Serve has returned.
func closeAtOnce(sig context.Context, s *demoServer) error {
	served := make(chan error, 1) // buffered: the serving goroutine never waits
	go func() { served <- s.srv.Serve(s.ln) }()
	<-sig.Done()
	err := s.srv.Close()
	<-served
	return err
}
