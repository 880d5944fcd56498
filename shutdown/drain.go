package shutdown

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// Serve serves srv on ln until ctx is done, then drains it with [Drain]:
// ctx is the signal to stop, and Serve blocks until the drain is over. It
// returns nil after a graceful drain, an error wrapping
// context.DeadlineExceeded when the drain timed out and the remaining
// connections were closed, or srv.Serve's error if serving failed before
// the signal (then it closes srv itself).
//
// Serve starts one goroutine, for srv.Serve, and it has ended when Serve
// returns. Handlers run on net/http's goroutines, which recover a panic.
//
// Do not make ctx the server's BaseContext: every request's context would
// derive from it, so the signal would cancel all the requests in flight and
// the drain would have nothing left to finish.
func Serve(ctx context.Context, srv *http.Server, ln net.Listener, timeout time.Duration) error {
	served := make(chan error, 1) // buffered: the serving goroutine never waits for us
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		// Accepting failed before any signal: close what is open.
		return fmt.Errorf("serve: %w", errors.Join(err, srv.Close()))
	case <-ctx.Done():
	}
	err := Drain(srv, timeout)
	// Shutdown and Close both make srv.Serve return ErrServerClosed at
	// once; anything else is a failure that raced with the signal.
	if serr := <-served; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, fmt.Errorf("serve: %w", serr))
	}
	return err
}

// Drain shuts srv down gracefully: it closes the listeners at once, so new
// connections are refused, and blocks until every request in flight has
// finished and its connection is idle, as Server.Shutdown does; then it
// returns nil. It gives them timeout, on a fresh context: the context whose
// end asked for the drain is already done, and Shutdown given that one
// would give up at once.
//
// When the timeout passes first, Drain falls back to Server.Close, which
// closes every connection still open (their handlers see r.Context()
// cancelled; Close does not wait for them to return), and returns an error
// wrapping context.DeadlineExceeded.
//
// Shutdown looks at the connections at intervals that grow to half a
// second, so a drain ends up to that long after its last request. It waits for every
// request, streams that never end on their own included (SSE, a watch, a
// long poll): one of those holds the drain for the whole timeout, and Close
// then cuts it off. To end such streams in time, tell them with
// Server.RegisterOnShutdown, whose functions Shutdown starts as it begins;
// a stream that returns when told lets the drain finish early. Hijacked
// connections (WebSockets) are the exception: neither Shutdown nor Close
// waits for them or closes them, and RegisterOnShutdown is the only way to
// reach them.
//
// timeout must be shorter than the time the process is given to stop
// (Kubernetes' terminationGracePeriodSeconds, 30 s by default, after which
// it sends SIGKILL), and longer than any work the server waits for, such
// as a [Detached] job's timeout.
func Drain(srv *http.Server, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	err := srv.Shutdown(ctx)
	if err == nil {
		return nil
	}
	err = errors.Join(err, srv.Close())
	return fmt.Errorf("drain: requests still running after %v: %w", timeout, err)
}

// ServeUntilSignal serves srv on ln until SIGINT (Ctrl-C) or SIGTERM (what
// Kubernetes sends a pod it stops), then drains it with [Drain], and
// returns what [Serve] returns. After the first signal it stops catching
// them, so a second one has its default effect and ends the process at
// once, for an operator who cannot wait.
//
// It is what a main function calls; code that owns its own signal handling
// calls [Serve] with a context it cancels.
func ServeUntilSignal(srv *http.Server, ln net.Listener, timeout time.Duration) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// stop restores the default handling: the second signal kills.
	context.AfterFunc(ctx, stop)
	return Serve(ctx, srv, ln, timeout)
}
