package sse

import (
	"context"
	"sync/atomic"
	"testing"
	"testing/synctest"
)

// slideBroker is the production broker's shape, kept to show its leak:
// slide 16's loop, with no case for unregister, and handlers that end with
// an unbuffered send to it in a deferred exit.
type slideBroker struct {
	register   chan chan Event
	unregister chan chan Event // Bad: nothing ever receives from it
	shutdown   chan struct{}
}

func (br *slideBroker) run() {
	conns := map[chan Event]bool{}
	for {
		select {
		case <-br.shutdown:
			return
		case c := <-br.register:
			conns[c] = true
		}
	}
}

func (br *slideBroker) handler(ctx context.Context) {
	c := make(chan Event, 1)
	br.register <- c
	defer func() { br.unregister <- c }() // Bad: blocks forever
	<-ctx.Done()                          // the stream ends: the client left
}

// Every finished stream leaves its handler goroutine behind in the slide's
// broker; none in Broker.
func TestProductionLeak(t *testing.T) {
	const streams = 5
	synctest.Test(t, func(t *testing.T) {
		br := &slideBroker{register: make(chan chan Event), unregister: make(chan chan Event), shutdown: make(chan struct{})}
		go br.run()
		ctx, cancel := context.WithCancel(t.Context())
		var ended atomic.Int64
		for range streams {
			go func() {
				br.handler(ctx)
				ended.Add(1)
			}()
		}
		synctest.Wait()
		cancel() // every client leaves
		synctest.Wait()
		if n := ended.Load(); n != 0 {
			t.Errorf("slide's broker: %d of %d finished handlers ended, want 0 (leaked)", n, streams)
		}
		close(br.shutdown)
		for range streams { // release them, so the test itself leaks nothing
			<-br.unregister
		}
	})
	synctest.Test(t, func(t *testing.T) {
		b := NewBroker(Config{})
		ctx, cancel := context.WithCancel(t.Context())
		var ended atomic.Int64
		for range streams {
			go func() {
				sub, err := b.Subscribe(ctx, "")
				if err == nil {
					<-ctx.Done()
					sub.Close()
				}
				ended.Add(1)
			}()
		}
		synctest.Wait()
		b.Shutdown() // even with the loop gone first, Close does not block
		cancel()
		synctest.Wait()
		if n := ended.Load(); n != streams {
			t.Errorf("Broker: %d of %d finished handlers ended, want all", n, streams)
		}
	})
}
