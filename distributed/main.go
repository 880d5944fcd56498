// Command distributed runs slide 6's CD auto-trigger across processes, on
// NATS JetStream: a CI build publishes 100 CD triggers to a work queue,
// three replica processes run them against one database pool of 10, and
// four variants are measured side by side: the bound per replica (Bad: it
// multiplies), the bound in the engine (MaxAckPending), a replica killed
// with SIGKILL mid-work, and one stopped with SIGTERM.
//
// Usage:
//
//	go run .                 # embedded nats-server, the four variants
//	go run . --json          # the report as JSON
//	go run . --nats URL      # the same against an existing server
//	go run . --cluster 3     # three servers, the stream leader's killed
//
// The replicas are copies of this binary, started with an environment
// variable that makes them one (see internal/replica); so are the servers
// of --cluster (see internal/natsd). -h lists the flags.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/distributed/internal/natsd"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/distributed/internal/replica"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/distributed/internal/wire"
)

func main() {
	if cfg, ok := os.LookupEnv(wire.EnvReplica); ok {
		os.Exit(replica.Main(cfg, os.Stdin, os.Stderr))
	}
	if cfg, ok := os.LookupEnv(natsd.EnvServer); ok { // a --cluster member
		os.Exit(natsd.ServerMain(cfg, os.Stdin, os.Stdout, os.Stderr))
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	go interrupts(cancel)
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// signalled is the cause of a run cancelled by a signal.
type signalled struct{ sig os.Signal }

func (s signalled) Error() string { return "interrupted by " + s.sig.String() }

// interrupts turns the first SIGINT or SIGTERM into a cancellation of the
// run (which then stops its replicas, removes its temporary folders,
// prints what was measured and exits 130 or 143) and a second one, later
// than doubleSignal, into an immediate exit. It is owned by main and ends
// with the process.
func interrupts(cancel context.CancelCauseFunc) {
	sig := make(chan os.Signal, 2)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	first := <-sig
	at := time.Now()
	fmt.Fprintln(os.Stderr, "\ninterrupted: stopping the replicas and the servers (again to quit at once)")
	cancel(signalled{first})
	for s := range sig {
		if time.Since(at) > doubleSignal {
			// The replicas still end on their own (their stdin closes);
			// the servers' temporary folders may stay behind.
			os.Exit(exitStatus(s))
		}
	}
}

// doubleSignal: a second signal this soon is the same one twice (a
// terminal signalling a process and its group), not a second Ctrl-C.
const doubleSignal = 250 * time.Millisecond

// Exit statuses.
const (
	exitOK          = 0
	exitFailed      = 1   // the run failed (a server unreachable, a variant that could not be set up)
	exitUsage       = 2   // bad input: nothing was run
	exitInterrupted = 130 // SIGINT, as a shell reports it
	exitTerminated  = 143 // SIGTERM
)

func exitStatus(s os.Signal) int {
	if s == syscall.SIGTERM {
		return exitTerminated
	}
	return exitInterrupted
}
