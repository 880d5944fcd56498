// Package db is the simulated database every replica shares: a pool of
// connections living in the demo's parent process, reached over NATS
// request/reply. It is the demo's, not the lesson.
//
// Why in the parent, and why over NATS: the bound being shown is one on a
// resource all replicas share. A pool inside each replica would give each
// its own 10 connections and hide the problem; a real database has one
// max_connections for everyone.
package db

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/distributed/internal/sim"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/distributed/internal/wire"
)

// Server serves a pool's connections on a subject. A request is granted a
// connection for its hold, which comes back when the hold has passed,
// whether or not the caller is still alive (a query in flight runs to its
// end; a killed replica's connections come back with it). A request that
// finds no connection free within the pool's acquire timeout is answered
// with the pool's error once the timeout has passed.
type Server struct {
	pool   *sim.Pool
	sub    *nats.Subscription
	ctx    context.Context // cancelled by Close: ends every wait early
	cancel context.CancelFunc

	mu     sync.Mutex // guards closed, and wg.Add against Close's wg.Wait
	closed bool
	wg     sync.WaitGroup // one per request being served
}

// Serve starts serving pool on subject over nc. Close stops it.
func Serve(nc *nats.Conn, subject string, pool *sim.Pool) (*Server, error) {
	s := &Server{pool: pool}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	sub, err := nc.Subscribe(subject, s.request)
	if err != nil {
		s.cancel()
		return nil, fmt.Errorf("serve database on %s: %w", subject, err)
	}
	s.sub = sub
	// Requests are queued in the server's connection until this round
	// trip says the subscription is in place.
	if err := nc.Flush(); err != nil {
		s.Close()
		return nil, fmt.Errorf("serve database on %s: %w", subject, err)
	}
	return s, nil
}

// request runs on the subscription's goroutine, one at a time; each
// request is served on its own goroutine, owned by s, so a request that
// waits for a connection does not hold up the next.
func (s *Server) request(m *nats.Msg) {
	var req wire.DBRequest
	if err := json.Unmarshal(m.Data, &req); err != nil {
		reply(m, fmt.Errorf("bad request: %w", err))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		reply(m, errors.New("database closed"))
		return
	}
	s.wg.Go(func() { s.serve(m, req.Hold) })
}

// serve answers one request: when the pool has booked it a connection, or
// once its acquire timeout has passed without one.
func (s *Server) serve(m *nats.Msg, hold time.Duration) {
	now := time.Now()
	from, ok := s.pool.Reserve(now, hold)
	at, err := from, error(nil)
	if !ok {
		at, err = now.Add(s.pool.Timeout()), s.pool.Exhausted()
	}
	t := time.NewTimer(time.Until(at))
	defer t.Stop()
	select {
	case <-t.C:
		reply(m, err)
	case <-s.ctx.Done():
		reply(m, errors.New("database closed"))
	}
}

func reply(m *nats.Msg, err error) {
	var r wire.DBReply
	if err != nil {
		r.Err = err.Error()
	}
	b, _ := json.Marshal(r) // a struct of one string always marshals
	_ = m.Respond(b)        // a caller that is gone has nobody to tell
}

// Close stops serving, ends the holds in progress and returns once every
// request's goroutine has returned.
func (s *Server) Close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	if s.sub != nil {
		_ = s.sub.Unsubscribe() // fails only on a closed connection: nothing more comes then either
	}
	s.cancel()
	s.wg.Wait()
}

// Client is a replica's handle on the database: an autotrigger.DB.
type Client struct {
	NC      *nats.Conn
	Subject string
	Replica string
	// Timeout bounds one request: the pool's acquire timeout plus a margin
	// for the round trip.
	Timeout time.Duration
}

// ErrUnreachable is the error of a request nobody answered in time.
var ErrUnreachable = errors.New("database unreachable")

// patience is how long Conn keeps asking a database that does not answer
// (a cluster's failover: the parent's connection moving to another server).
const patience = 30 * time.Second

// Conn asks for one connection for hold and returns once granted, or the
// database's error (the pool exhausted), or ErrUnreachable. A request
// nobody answered is asked again: the database either never saw it or
// booked a connection that frees itself when its hold has passed.
func (c *Client) Conn(ctx context.Context, hold time.Duration) error {
	body, err := json.Marshal(wire.DBRequest{Replica: c.Replica, Hold: hold})
	if err != nil {
		return fmt.Errorf("database request: %w", err)
	}
	giveUp := time.Now().Add(patience)
	pause := 50 * time.Millisecond
	for {
		rctx, cancel := context.WithTimeout(ctx, c.Timeout)
		m, err := c.NC.RequestWithContext(rctx, c.Subject, body)
		cancel()
		switch {
		case ctx.Err() != nil:
			return context.Cause(ctx)
		case err == nil:
			var r wire.DBReply
			if err := json.Unmarshal(m.Data, &r); err != nil {
				return fmt.Errorf("database reply: %w", err)
			}
			if r.Err != "" {
				return errors.New(r.Err)
			}
			return nil
		case !errors.Is(err, nats.ErrNoResponders) && !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, nats.ErrTimeout),
			time.Now().After(giveUp):
			return fmt.Errorf("%w: %w", ErrUnreachable, err)
		}
		t := time.NewTimer(pause)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return context.Cause(ctx)
		}
		pause = min(2*pause, time.Second)
	}
}
