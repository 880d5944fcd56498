package sim

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"
)

// ErrPoolExhausted is the error of an Acquire that found no free connection
// within the pool's acquire timeout, as database/sql or pgx report it.
var ErrPoolExhausted = errors.New("connection pool exhausted")

// Pool is a database's fixed set of connections, shared by every replica:
// a caller that cannot get one within the acquire timeout fails, as callers
// of a real pool do. Same semantics as the main module's sim.Pool.
type Pool struct {
	slots   chan struct{} // one token per connection in use; never closed
	timeout time.Duration

	inUse atomic.Int64
	peak  atomic.Int64
}

// NewPool returns a pool of size connections (size >= 1) whose Acquire
// gives up after acquireTimeout.
func NewPool(size int, acquireTimeout time.Duration) *Pool {
	return &Pool{slots: make(chan struct{}, size), timeout: acquireTimeout}
}

// Size is the number of connections.
func (p *Pool) Size() int { return cap(p.slots) }

// Timeout is the acquire timeout.
func (p *Pool) Timeout() time.Duration { return p.timeout }

// InUse is the number of connections in use now; Peak the most ever at once.
func (p *Pool) InUse() int { return int(p.inUse.Load()) }
func (p *Pool) Peak() int  { return int(p.peak.Load()) }

// Acquire takes a connection, waiting at most the acquire timeout. On
// success the caller must call release exactly once.
func (p *Pool) Acquire(ctx context.Context) (release func(), err error) {
	t := time.NewTimer(p.timeout)
	defer t.Stop()
	select {
	case p.slots <- struct{}{}:
	case <-t.C:
		return nil, fmt.Errorf("no connection free after %v: %w", p.timeout, ErrPoolExhausted)
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
	raise(&p.peak, p.inUse.Add(1))
	return func() {
		p.inUse.Add(-1)
		<-p.slots
	}, nil
}

// raise sets a to v if v is larger, without a lock.
func raise(a *atomic.Int64, v int64) {
	for {
		old := a.Load()
		if v <= old || a.CompareAndSwap(old, v) {
			return
		}
	}
}
