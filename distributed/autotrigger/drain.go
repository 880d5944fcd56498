package autotrigger

import (
	"context"
	"fmt"
	"os"
	"os/signal"

	"github.com/nats-io/nats.go"
)

// OnSignal returns a channel that is closed when the process receives one
// of sigs (SIGTERM: Kubernetes stopping a pod), to pass to Worker.Run as
// its stop, and a release that stops listening. The channel is owned by
// the goroutine OnSignal starts, which closes it on the signal and ends
// then or on release, whichever is first.
func OnSignal(sigs ...os.Signal) (stop <-chan struct{}, release func()) {
	ctx, cancel := signal.NotifyContext(context.Background(), sigs...)
	return ctx.Done(), cancel
}

// Drain ends a replica's connection once Worker.Run has returned: it
// unsubscribes, flushes what is still buffered (acks, published events)
// and closes, waiting for the close until ctx is done (then it closes at
// once). Close alone would drop what is buffered.
func Drain(ctx context.Context, nc *nats.Conn) error {
	closed := nc.StatusChanged(nats.CLOSED)
	defer nc.RemoveStatusListener(closed)
	if err := nc.Drain(); err != nil {
		nc.Close()
		return fmt.Errorf("drain: %w", err)
	}
	select {
	case <-closed:
		return nil
	case <-ctx.Done():
		nc.Close()
		return fmt.Errorf("drain: %w", context.Cause(ctx))
	}
}
