package replica

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/distributed/autotrigger"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/distributed/internal/wire"
)

// Why a replica's hard stop came.
var (
	errParentGone = errors.New("parent gone: stdin closed")
	errConnLost   = errors.New("connection to NATS closed")
	errGrace      = errors.New("stop grace period over: work in hand abandoned")
)

// drainTimeout bounds the connection's drain at exit.
const drainTimeout = 5 * time.Second

// Main is a replica process from start to exit; it returns the exit
// status: 0 after a clean drain (SIGTERM), 1 otherwise.
//
// A replica never outlives its parent: the parent holds the write end of
// its stdin, so stdin reaching end of file means the parent closed it or
// died (SIGKILL included), and the connection closing for good (the
// embedded servers die with the parent) says the same. Either is a hard
// stop. SIGINT is ignored: a terminal's Ctrl-C reaches the parent, which
// stops its replicas itself.
func Main(config string, stdin io.Reader, stderr io.Writer) int {
	cfg, err := wire.DecodeConfig(config)
	if err != nil {
		fmt.Fprintf(stderr, "replica: %v\n", err)
		return 1
	}
	signal.Ignore(os.Interrupt)
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)

	// Owned by the process: it cannot be cancelled (a read on a pipe does
	// not take a context) and ends at end of file or with the process.
	go func() {
		_, _ = io.Copy(io.Discard, stdin)
		cancel(errParentGone)
	}()

	stop, release := autotrigger.OnSignal(syscall.SIGTERM)
	defer release()
	// After SIGTERM the work in hand has Grace to finish, then it is
	// abandoned: by then AckWait would hand it to another replica anyway.
	// Ends with ctx, which Main cancels on its way out.
	go func() {
		select {
		case <-stop:
		case <-ctx.Done():
			return
		}
		t := time.NewTimer(cfg.Grace)
		defer t.Stop()
		select {
		case <-t.C:
			cancel(errGrace)
		case <-ctx.Done():
		}
	}()

	nc, err := Connect(cfg, func() { cancel(errConnLost) })
	if err != nil {
		fmt.Fprintf(stderr, "replica: %v\n", err)
		return 1
	}
	ran := make(chan error, 1)
	go func() { ran <- Run(ctx, stop, nc, cfg) }() // owned by Main, ends with Run or the process
	var runErr error
	select {
	case runErr = <-ran:
	case <-ctx.Done():
		// A hard stop is a crash: exit now, acking nothing more, rather
		// than wait for the pulls in flight to run out.
		nc.Close()
		if !errors.Is(context.Cause(ctx), errParentGone) && !errors.Is(context.Cause(ctx), errConnLost) {
			fmt.Fprintf(stderr, "%s: %v\n", cfg.Name, context.Cause(ctx))
		}
		return 1
	}
	cause := context.Cause(ctx) // before the drain, whose close cancels ctx too
	dctx, dcancel := context.WithTimeout(context.Background(), drainTimeout)
	defer dcancel()
	drainErr := autotrigger.Drain(dctx, nc)
	switch {
	case runErr != nil || drainErr != nil || cause != nil:
		fmt.Fprintf(stderr, "%s: %v\n", cfg.Name, errors.Join(runErr, drainErr, cause))
		return 1
	}
	return 0
}
