package sim

import (
	"errors"
	"fmt"
	"sync"
	"time"
)

// ErrPoolExhausted is the error of a caller that found no free connection
// within the pool's acquire timeout, as database/sql or pgx report it.
var ErrPoolExhausted = errors.New("connection pool exhausted")

// Pool is a database's fixed set of connections, shared by every replica:
// a caller that cannot get one within the acquire timeout fails, as callers
// of a real pool do. The semantics are the main module's sim.Pool.
//
// Unlike that pool, this one books connections by the clock instead of
// handing tokens between goroutines: Reserve decides from timestamps alone
// when a caller gets a connection and until when it keeps it. Rejected
// design: a channel of tokens, released by a timer after each hold. On a
// busy two-core machine running three replicas and a server, a timer fires
// up to ~100 ms late; the token comes back late, and callers of the global
// variant, which never hold more than ten connections, failed for a reason
// that is the machine's, not the lesson's. Booked by the clock, a caller
// fails only if ten holds really overlap its whole acquire timeout.
type Pool struct {
	size    int
	timeout time.Duration

	mu   sync.Mutex // guards booked and peak
	held []booking  // connections booked, ending after the last Reserve's now
	peak int
}

type booking struct{ from, until time.Time }

// NewPool returns a pool of size connections (size >= 1) whose callers
// give up after acquireTimeout.
func NewPool(size int, acquireTimeout time.Duration) *Pool {
	return &Pool{size: max(size, 1), timeout: acquireTimeout}
}

// Size is the number of connections; Timeout the acquire timeout.
func (p *Pool) Size() int              { return p.size }
func (p *Pool) Timeout() time.Duration { return p.timeout }

// Peak is the most connections ever booked at once.
func (p *Pool) Peak() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.peak
}

// Reserve books a connection for a caller asking at now to hold it for
// hold: from the first moment at or after now that one is free, in the
// order callers ask. It returns that moment, or ok false (and books
// nothing) if no connection frees within the acquire timeout: the caller
// then fails with ErrPoolExhausted once the timeout has passed.
func (p *Pool) Reserve(now time.Time, hold time.Duration) (from time.Time, ok bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	live := p.held[:0]
	for _, b := range p.held {
		if b.until.After(now) {
			live = append(live, b)
		}
	}
	p.held = live
	// The connection count only drops when a booking ends: the first free
	// moment is now, or the end of some booking.
	from, found := now, p.busy(now) < p.size
	if !found {
		for _, b := range p.held {
			if (!found || b.until.Before(from)) && p.busy(b.until) < p.size {
				from, found = b.until, true
			}
		}
	}
	if !found || from.Sub(now) > p.timeout {
		return time.Time{}, false
	}
	p.held = append(p.held, booking{from, from.Add(hold)})
	p.peak = max(p.peak, p.busy(from))
	return from, true
}

// busy is how many bookings cover t.
func (p *Pool) busy(t time.Time) int {
	n := 0
	for _, b := range p.held {
		if !t.Before(b.from) && t.Before(b.until) {
			n++
		}
	}
	return n
}

// Exhausted is the error of a caller Reserve turned away.
func (p *Pool) Exhausted() error {
	return fmt.Errorf("no connection free after %v: %w", p.timeout, ErrPoolExhausted)
}
