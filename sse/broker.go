package sse

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Config sizes a Broker; a zero field takes its default.
type Config struct {
	// Buffer is how many events a subscriber may fall behind before it is
	// evicted (slide 17). Default 16.
	Buffer int
	// Replay is how many recent events are kept for Last-Event-ID
	// reconnects. Default 64.
	Replay int
	// KeepAlive is how long a stream may stay silent before the handler
	// sends a comment line. Default 15s.
	KeepAlive time.Duration
	// WriteTimeout bounds each write to a client, so a handler stuck on a
	// client that stopped reading ends. Default 10s.
	WriteTimeout time.Duration
	// MaxClients is the most subscribers at once; Subscribe refuses one
	// more with ErrFull (ServeHTTP: 503 with Retry-After). Each open
	// stream holds a goroutine, a connection and their buffers, so
	// without a cap any client can open them until the process runs out
	// of memory or descriptors. Default 1000.
	MaxClients int
	// Epoch, if set, names this run of the broker in its event ids:
	// "<Epoch>-<n>" instead of "<n>". A client reconnecting with the id of
	// another run (a broker before a restart, another replica) then
	// starts from now, instead of getting this run's events after a
	// number that only looks like its own. It must be valid in an id (see
	// Event.ID); NewBroker panics otherwise. A broker's start time, in
	// base 36, is a good one. Default "": bare numbers.
	Epoch string
}

func (c Config) withDefaults() Config {
	if c.Buffer <= 0 {
		c.Buffer = 16
	}
	if c.Replay <= 0 {
		c.Replay = 64
	}
	if c.KeepAlive <= 0 {
		c.KeepAlive = 15 * time.Second
	}
	if c.WriteTimeout <= 0 {
		c.WriteTimeout = 10 * time.Second
	}
	if c.MaxClients <= 0 {
		c.MaxClients = 1000
	}
	return c
}

// ErrClosed is returned by Publish and Subscribe once the broker has shut
// down, and is a subscription's Err after the shutdown ended it.
var ErrClosed = errors.New("sse: broker shut down")

// ErrFull is returned by Subscribe when Config.MaxClients subscribers are
// already subscribed.
var ErrFull = errors.New("sse: too many clients")

// Broker fans events out to subscribers (slide 16). It is an http.Handler
// for the event stream; see ServeHTTP.
//
// NewBroker starts the broker's goroutine, and Shutdown ends it: a Broker
// must be shut down. Its methods are safe for concurrent use.
type Broker struct {
	cfg Config

	// The loop's channels, as on slide 16, plus unregister, which the
	// slide's loop lacks. They are never closed: senders select on done,
	// so none of them waits on a loop that has returned.
	register   chan *subscriber
	unregister chan *subscriber
	notifier   chan notice
	shutdown   chan struct{} // closed by Shutdown, once
	done       chan struct{} // closed by the loop as it returns

	stopOnce sync.Once

	// Owned by the loop goroutine; no lock, no other reader.
	subs   map[*subscriber]bool
	replay []Event // the last cfg.Replay events, oldest first
	lastID uint64  // the id of the newest event

	// Written by the loop, read by Stats from any goroutine.
	clients   atomic.Int64
	evicted   atomic.Int64
	refused   atomic.Int64
	published atomic.Int64
}

// notice is a published event on its way to the loop, which numbers it.
type notice struct{ typ, data string }

// NewBroker starts a broker's goroutine and returns the broker. The caller
// must call Shutdown to end that goroutine.
func NewBroker(cfg Config) *Broker {
	if err := (Event{ID: cfg.Epoch}).Validate(); err != nil {
		panic("sse: NewBroker: Config.Epoch is not valid in an id: " + strconv.Quote(cfg.Epoch))
	}
	b := &Broker{
		cfg:        cfg.withDefaults(),
		register:   make(chan *subscriber),
		unregister: make(chan *subscriber),
		notifier:   make(chan notice),
		shutdown:   make(chan struct{}),
		done:       make(chan struct{}),
		subs:       map[*subscriber]bool{},
	}
	go b.run()
	return b
}

// run is slide 16's loop: the only goroutine that touches subs, so adding,
// removing, evicting and broadcasting need no lock and cannot race. No case
// may block (broadcast never waits for a subscriber), or every sender to
// the loop would wait with it.
func (b *Broker) run() {
	defer close(b.done)
	for {
		select {
		case <-b.shutdown:
			for s := range b.subs {
				b.drop(s, ErrClosed)
			}
			return
		case s := <-b.register:
			b.add(s)
		case s := <-b.unregister: // missing on slide 16: see Subscription.Close
			b.drop(s, nil)
		case n := <-b.notifier:
			b.lastID++
			ev := Event{ID: b.id(b.lastID), Type: n.typ, Data: n.data}
			b.remember(ev)
			b.published.Add(1)
			b.broadcast(ev)
		}
	}
}

// remember keeps ev in the bounded replay buffer.
func (b *Broker) remember(ev Event) {
	if len(b.replay) == b.cfg.Replay {
		copy(b.replay, b.replay[1:])
		b.replay = b.replay[:len(b.replay)-1]
	}
	b.replay = append(b.replay, ev)
}

// drop removes s and closes its channel, if s is still subscribed: the
// loop is the only closer, and it closes each channel once. why is what
// s.Err will say (nil: the subscriber left).
func (b *Broker) drop(s *subscriber, why error) {
	if !b.subs[s] {
		return // already evicted; its late unregister is a no-op
	}
	delete(b.subs, s)
	b.clients.Add(-1)
	s.end(why) // before the close: whoever sees the channel closed sees why
	close(s.send)
}

// Publish hands an event of type typ (empty for "message") to the broker,
// which numbers it and sends it to every subscriber. It waits only for the
// loop to take the event, and the loop never waits for a subscriber, so a
// slow or stuck client cannot hold a publisher up. It returns ErrClosed
// after Shutdown, ctx's error if ctx ends first, and ErrInvalidType for a
// type with a line break.
func (b *Broker) Publish(ctx context.Context, typ, data string) error {
	if err := (Event{Type: typ}).Validate(); err != nil {
		return err
	}
	select {
	case b.notifier <- notice{typ, data}:
		return nil
	case <-b.done:
		return ErrClosed
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// Shutdown ends every subscription (with ErrClosed) and the broker's
// goroutine, and returns once that goroutine has returned. It is safe to
// call more than once, and it is what Server.RegisterOnShutdown wants: open
// streams end, so Server.Shutdown does not wait for them to time out.
func (b *Broker) Shutdown() {
	b.stopOnce.Do(func() { close(b.shutdown) })
	<-b.done
}

// Stats is a snapshot of a broker's counters.
type Stats struct {
	Clients   int `json:"clients"`   // subscribed now
	Evicted   int `json:"evicted"`   // evicted for a full buffer, ever
	Refused   int `json:"refused"`   // refused for Config.MaxClients, ever
	Published int `json:"published"` // events published, ever
}

// Stats returns the broker's counters. The loop updates them, so an event
// whose Publish has just returned may not be counted yet.
func (b *Broker) Stats() Stats {
	return Stats{
		Clients:   int(b.clients.Load()),
		Evicted:   int(b.evicted.Load()),
		Refused:   int(b.refused.Load()),
		Published: int(b.published.Load()),
	}
}
