// Package fleet starts and stops the demo's replicas: as real processes
// (copies of the running binary, so a kill is a real kill) or, for tests,
// as goroutines with their own connections. It is the demo's, not the
// lesson.
package fleet

import "github.com/go-concurrency-at-scale/go-concurrency-examples/distributed/internal/wire"

// Replica is one started replica, however it runs.
type Replica interface {
	Name() string
	// Kill is a crash: nothing the replica holds is acked, and it gets no
	// chance to say goodbye.
	Kill() error
	// Term asks it to stop (SIGTERM): it stops pulling, finishes what it
	// holds, drains and exits.
	Term() error
	// Done is closed once the replica has exited; Err then says how.
	Done() <-chan struct{}
	Err() error
}

// Launcher starts one replica with cfg.
type Launcher func(cfg wire.Config) (Replica, error)
