package sim

import (
	"testing"
	"time"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func at(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }

// Two connections, holds of 100ms, a timeout of 50ms: the third caller at
// once waits for the first connection to free (at 100ms) and fails; one
// asking at 60ms gets it at 100ms.
func TestPoolBooksByTheClock(t *testing.T) {
	p := NewPool(2, 50*time.Millisecond)
	for i := range 2 {
		if from, ok := p.Reserve(at(0), 100*time.Millisecond); !ok || !from.Equal(at(0)) {
			t.Fatalf("caller %d: %v, %v; want at once", i+1, from, ok)
		}
	}
	if _, ok := p.Reserve(at(0), 100*time.Millisecond); ok {
		t.Fatal("a third caller at 0 got a connection; both are held until 100ms, beyond its timeout")
	}
	if from, ok := p.Reserve(at(60), 100*time.Millisecond); !ok || !from.Equal(at(100)) {
		t.Fatalf("a caller at 60ms: %v, %v; want a connection at 100ms", from, ok)
	}
	// Callers queue in the order they ask: the next at 60ms gets the
	// second connection, also at 100ms, and the one after it waits for
	// 200ms, beyond its timeout.
	if from, ok := p.Reserve(at(60), 100*time.Millisecond); !ok || !from.Equal(at(100)) {
		t.Fatalf("the next caller at 60ms: %v, %v; want 100ms", from, ok)
	}
	if _, ok := p.Reserve(at(60), 100*time.Millisecond); ok {
		t.Fatal("a fifth caller got a connection at 60ms; none frees before 200ms")
	}
	if p.Peak() != 2 {
		t.Errorf("peak %d; want 2", p.Peak())
	}
	// Long after, everything is free again.
	if from, ok := p.Reserve(at(1000), time.Millisecond); !ok || !from.Equal(at(1000)) {
		t.Errorf("at 1s: %v, %v; want at once", from, ok)
	}
}

func TestBound(t *testing.T) {
	ms := func(n ...int) []time.Duration {
		out := make([]time.Duration, len(n))
		for i, v := range n {
			out[i] = time.Duration(v) * time.Millisecond
		}
		return out
	}
	for _, c := range []struct {
		tasks []time.Duration
		limit int
		want  time.Duration
	}{
		{ms(100, 100, 100, 100, 100), 2, 300 * time.Millisecond}, // ceil(5/2) rounds of 100
		{ms(500, 10, 10, 10), 4, 500 * time.Millisecond},         // the longest task
		{ms(100, 100), 0, 200 * time.Millisecond},                // limit taken as 1
		{nil, 3, 0},
	} {
		if got := Bound(c.tasks, c.limit); got != c.want {
			t.Errorf("Bound(%v, %d) = %v; want %v", c.tasks, c.limit, got, c.want)
		}
	}
}
