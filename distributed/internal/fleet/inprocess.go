package fleet

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/distributed/autotrigger"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/distributed/internal/replica"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/distributed/internal/wire"
)

// InProcess returns a Launcher that runs each replica in this process, as
// goroutines on a connection of its own: the same replica.Run a process
// runs, for tests that need no processes. Kill closes the connection at
// once and then cancels the work, so nothing the replica holds is acked,
// as after a crash; Term closes its stop, as SIGTERM does.
func InProcess() Launcher {
	return func(cfg wire.Config) (Replica, error) {
		ctx, cancel := context.WithCancelCause(context.Background())
		nc, err := replica.Connect(cfg, func() { cancel(errors.New("connection closed")) })
		if err != nil {
			cancel(nil)
			return nil, err
		}
		r := &inProcess{name: cfg.Name, grace: cfg.Grace, nc: nc, cancel: cancel, stop: make(chan struct{}), done: make(chan struct{})}
		go r.run(ctx, cfg)
		return r, nil
	}
}

type inProcess struct {
	name   string
	grace  time.Duration
	nc     *nats.Conn
	cancel context.CancelCauseFunc
	stop   chan struct{} // closed by Term, once
	once   sync.Once
	done   chan struct{} // closed by run when the replica has ended
	err    error         // written by run before it closes done

	mu     sync.Mutex // guards killed
	killed bool
}

var errKilled = errors.New("killed")

// run is the replica's one goroutine, started by InProcess: it ends when
// the replica is killed, or stopped and drained.
func (r *inProcess) run(ctx context.Context, cfg wire.Config) {
	defer close(r.done)
	defer r.cancel(nil)
	err := replica.Run(ctx, r.stop, r.nc, cfg)
	r.mu.Lock()
	killed := r.killed
	r.mu.Unlock()
	if killed {
		r.err = errKilled
		return
	}
	dctx, dcancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer dcancel()
	r.err = errors.Join(err, autotrigger.Drain(dctx, r.nc))
}

func (r *inProcess) Name() string          { return r.name }
func (r *inProcess) Done() <-chan struct{} { return r.done }
func (r *inProcess) Err() error            { <-r.done; return r.err }

func (r *inProcess) Kill() error {
	r.mu.Lock()
	r.killed = true
	r.mu.Unlock()
	r.nc.Close() // first: no ack gets out after this
	r.cancel(errKilled)
	return nil
}

// Term stops the replica's pulling; the work in hand may finish within
// the configuration's Grace, as replica.Main allows a process.
func (r *inProcess) Term() error {
	r.once.Do(func() {
		close(r.stop)
		go func() { // ends when the replica does, or after the grace
			t := time.NewTimer(r.grace)
			defer t.Stop()
			select {
			case <-t.C:
				r.cancel(fmt.Errorf("%s: stop grace over", r.name))
			case <-r.done:
			}
		}()
	})
	return nil
}
