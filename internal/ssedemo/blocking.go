package ssedemo

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/sse"
)

// blockingBroker is the Bad broker the demo measures sse.Broker against:
// slide 16's loop with slide 17's send minus its default. The first
// subscriber whose buffer is full blocks the loop, and with it every other
// subscriber, every Publish, and every stream that wants to join or leave,
// until that one client reads again.
//
// It is as small as the contrast allows: the same buffer per subscriber,
// the same numbering of events and the same wire format (sse.Encode) as
// sse.Broker, and its handler leaves as sse.Subscription.Close does, so the
// only difference that shows is the send. It has no replay, no keep-alive
// and no write deadline: the demo never reconnects, and its run ends long
// before a keep-alive (15 s) or a write timeout (10 s) is due. Only the
// demo runs it; the broker to copy is sse.Broker.
type blockingBroker struct {
	buffer int // each subscriber's channel's capacity

	// The loop's channels. Each subscriber's channel is made by its
	// handler, owned by the loop once registered, and closed by the loop
	// alone (at shutdown, or when its handler leaves). The loop's own
	// channels are never closed: senders select on done instead.
	register   chan chan sse.Event
	unregister chan chan sse.Event
	notifier   chan sse.Event // an event without its id: the loop numbers it
	shutdown   chan struct{}  // closed by Shutdown, once
	done       chan struct{}  // closed by the loop as it returns
	stopOnce   sync.Once

	// Written by the loop, read by Stats.
	clients, published atomic.Int64
}

// newBlockingBroker starts the Bad broker's loop; Shutdown ends it.
func newBlockingBroker(buffer int) *blockingBroker {
	b := &blockingBroker{
		buffer:     buffer,
		register:   make(chan chan sse.Event),
		unregister: make(chan chan sse.Event),
		notifier:   make(chan sse.Event),
		shutdown:   make(chan struct{}),
		done:       make(chan struct{}),
	}
	go b.run()
	return b
}

// run owns the set of subscribers, as sse.Broker's loop does.
func (b *blockingBroker) run() {
	defer close(b.done)
	subs := map[chan sse.Event]bool{}
	defer func() {
		for c := range subs {
			close(c) // every open stream ends with the loop
		}
	}()
	var lastID uint64
	for {
		select {
		case <-b.shutdown:
			return
		case c := <-b.register:
			subs[c] = true
			b.clients.Add(1)
		case c := <-b.unregister:
			delete(subs, c)
			close(c)
			b.clients.Add(-1)
		case ev := <-b.notifier:
			lastID++
			ev.ID = strconv.FormatUint(lastID, 10)
			b.published.Add(1)
			if !b.broadcast(subs, ev) {
				return // shut down while a subscriber held the loop
			}
		}
	}
}

// broadcast is the Bad send: it waits for each subscriber's buffer to have
// room, so the slowest subscriber sets everyone's pace. The case on
// shutdown is there only so the demo can stop it; without it not even
// Shutdown would get through. It reports whether the broker is still up.
func (b *blockingBroker) broadcast(subs map[chan sse.Event]bool, ev sse.Event) bool {
	for c := range subs {
		select {
		case c <- ev: // Bad: no default
		case <-b.shutdown:
			return false
		}
	}
	return true
}

// Publish hands an event to the loop; it waits as long as the loop is held
// by a slow subscriber, or until ctx ends. It returns sse.ErrClosed after
// Shutdown, and sse.ErrInvalidType for a type with a line break.
func (b *blockingBroker) Publish(ctx context.Context, typ, data string) error {
	ev := sse.Event{Type: typ, Data: data}
	if err := ev.Validate(); err != nil {
		return err
	}
	select {
	case b.notifier <- ev:
		return nil
	case <-b.done:
		return sse.ErrClosed
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// subscribe registers a new subscriber's channel and returns it; the loop
// closes it. It returns sse.ErrClosed after Shutdown, or ctx's error. The
// caller must call leave with it.
func (b *blockingBroker) subscribe(ctx context.Context) (chan sse.Event, error) {
	c := make(chan sse.Event, b.buffer)
	select {
	case b.register <- c:
		return c, nil
	case <-b.done:
		return nil, sse.ErrClosed
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
}

// leave unregisters c, or gives up once the loop is gone: the fix of the
// production leak (see sse.Subscription.Close), kept so that the demo
// measures the blocking send and nothing else. While a slow subscriber
// holds the loop, leave waits too: nobody can leave a stuck broker.
func (b *blockingBroker) leave(c chan sse.Event) {
	select {
	case b.unregister <- c:
	case <-b.done:
	}
}

// ServeHTTP streams one subscriber's events, as sse.Broker.ServeHTTP does
// without its keep-alives and write deadlines (see blockingBroker).
func (b *blockingBroker) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	c, err := b.subscribe(ctx)
	if err != nil {
		http.Error(w, "event stream unavailable: "+err.Error(), http.StatusServiceUnavailable)
		return
	}
	defer b.leave(c)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	if rc.Flush() != nil {
		return
	}
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-c:
			if !ok {
				return // the broker shut down
			}
			if sse.Encode(w, ev) != nil || rc.Flush() != nil {
				return
			}
		}
	}
}

// Stats returns the Bad broker's counters in sse.Broker's shape. It never
// evicts anyone: that is what is wrong with it.
func (b *blockingBroker) Stats() sse.Stats {
	return sse.Stats{Clients: int(b.clients.Load()), Published: int(b.published.Load())}
}

// Shutdown ends every stream and the loop, and returns once the loop has
// returned. It is safe to call more than once.
func (b *blockingBroker) Shutdown() {
	b.stopOnce.Do(func() { close(b.shutdown) })
	<-b.done
}
