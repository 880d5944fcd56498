package sse

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"testing/synctest"
	"time"
)

// collect reads sub until its channel closes.
func collect(sub *Subscription) []string {
	var ids []string
	for ev := range sub.Events() {
		ids = append(ids, ev.ID)
	}
	return ids
}

func seq(from, to int) []string {
	var out []string
	for i := from; i <= to; i++ {
		out = append(out, strconv.Itoa(i))
	}
	return out
}

func publishN(t *testing.T, b *Broker, n int) {
	t.Helper()
	for i := range n {
		if err := b.Publish(t.Context(), "deployment", fmt.Sprint("event ", i+1)); err != nil {
			t.Fatalf("Publish: %v", err)
		}
	}
}

// A stuck subscriber is evicted on the event that finds its buffer full,
// while a healthy one gets every event in order and the publisher never
// waits: all of it happens at one instant of virtual time.
func TestEvictsStuckSubscriber(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := NewBroker(Config{Buffer: 4})
		defer b.Shutdown()
		healthy, err := b.Subscribe(t.Context(), "")
		if err != nil {
			t.Fatal(err)
		}
		defer healthy.Close()
		stuck, err := b.Subscribe(t.Context(), "")
		if err != nil {
			t.Fatal(err)
		}
		defer stuck.Close()
		got := make(chan []string, 1)
		go func() {
			var ids []string
			for ev := range healthy.Events() {
				ids = append(ids, ev.ID)
				if len(ids) == 20 {
					break
				}
			}
			got <- ids
		}()

		start := time.Now()
		for i := range 20 {
			publishN(t, b, 1)
			synctest.Wait() // the healthy reader keeps up; the stuck one does not read
			if i == 4 && b.Stats().Evicted != 1 {
				t.Fatalf("after event 5: evicted = %d, want 1", b.Stats().Evicted)
			}
		}
		if d := time.Since(start); d != 0 {
			t.Errorf("publishing took %v of virtual time, want 0: nothing may wait", d)
		}
		if ids := <-got; !slices.Equal(ids, seq(1, 20)) {
			t.Errorf("healthy subscriber got %v, want 1..20", ids)
		}
		if ids := collect(stuck); !slices.Equal(ids, seq(1, 4)) {
			t.Errorf("stuck subscriber got %v, want the 4 its buffer held", ids)
		}
		if !errors.Is(stuck.Err(), ErrEvicted) {
			t.Errorf("stuck.Err() = %v, want ErrEvicted", stuck.Err())
		}
		if s := b.Stats(); s != (Stats{Clients: 1, Evicted: 1, Published: 20}) {
			t.Errorf("Stats() = %+v", s)
		}
	})
}

func TestReplay(t *testing.T) {
	tests := []struct {
		last string
		want []string
	}{
		{"5", seq(6, 8)},
		{"4", seq(5, 8)}, // the event just before the buffer: nothing lost
		{"3", nil},       // too old: events were lost, start from now
		{"8", nil},       // up to date
		{"9", nil},       // never sent (a broker before a restart?)
		{"abc", nil},     // malformed
		{"", nil},
		{"-1", nil},
		{"18446744073709551615", nil},
	}
	for _, tt := range tests {
		synctest.Test(t, func(t *testing.T) {
			b := NewBroker(Config{Replay: 4})
			defer b.Shutdown()
			publishN(t, b, 8)
			sub, err := b.Subscribe(t.Context(), tt.last)
			if err != nil {
				t.Fatalf("Subscribe(%q): %v", tt.last, err)
			}
			publishN(t, b, 1) // a live event follows the replay, with no gap
			sub.Close()
			if got, want := collect(sub), append(tt.want, "9"); !slices.Equal(got, want) {
				t.Errorf("Last-Event-ID %q: got %v, want %v", tt.last, got, want)
			}
		})
	}
}

// After Shutdown nothing blocks: subscriptions end with ErrClosed, and
// Publish, Subscribe and a late Close return at once.
func TestShutdown(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := NewBroker(Config{})
		sub, err := b.Subscribe(t.Context(), "")
		if err != nil {
			t.Fatal(err)
		}
		b.Shutdown()
		if _, ok := <-sub.Events(); ok {
			t.Fatal("subscription still open after Shutdown")
		}
		if !errors.Is(sub.Err(), ErrClosed) {
			t.Errorf("Err() = %v, want ErrClosed", sub.Err())
		}
		sub.Close() // the production leak blocked right here
		if err := b.Publish(t.Context(), "", "x"); !errors.Is(err, ErrClosed) {
			t.Errorf("Publish after Shutdown = %v, want ErrClosed", err)
		}
		if _, err := b.Subscribe(t.Context(), ""); !errors.Is(err, ErrClosed) {
			t.Errorf("Subscribe after Shutdown = %v, want ErrClosed", err)
		}
		b.Shutdown() // idempotent
	})
}

// Close ends the subscription without an error, and closing twice is fine.
func TestClose(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := NewBroker(Config{})
		defer b.Shutdown()
		sub, _ := b.Subscribe(t.Context(), "")
		sub.Close()
		sub.Close()
		if _, ok := <-sub.Events(); ok || sub.Err() != nil {
			t.Errorf("after Close: open=%v Err=%v, want closed and nil", ok, sub.Err())
		}
		if n := b.Stats().Clients; n != 0 {
			t.Errorf("Clients = %d after Close, want 0", n)
		}
		if err := b.Publish(t.Context(), "bad\ntype", ""); !errors.Is(err, ErrInvalidType) {
			t.Errorf("Publish with a newline in the type = %v, want ErrInvalidType", err)
		}
	})
}
