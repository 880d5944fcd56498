package sim

import (
	"context"
	"errors"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestSleep(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		if err := Sleep(t.Context(), 50*time.Millisecond); err != nil || time.Since(start) != 50*time.Millisecond {
			t.Errorf("Sleep = %v after %v, want nil after 50ms", err, time.Since(start))
		}
		cause := errors.New("client went away")
		ctx, cancel := context.WithCancelCause(t.Context())
		time.AfterFunc(10*time.Millisecond, func() { cancel(cause) })
		start = time.Now()
		if err := Sleep(ctx, time.Second); err != cause || time.Since(start) != 10*time.Millisecond {
			t.Errorf("cancelled Sleep = %v after %v, want the cause after 10ms", err, time.Since(start))
		}
	})
}

func TestSeeded(t *testing.T) {
	a := Jittered(NewRand(1), 100, 100*time.Millisecond, 0.1)
	b := Jittered(NewRand(1), 100, 100*time.Millisecond, 0.1)
	if !slices.Equal(a, b) {
		t.Error("same seed, different latencies")
	}
	if lo, hi := slices.Min(a), slices.Max(a); lo < 90*time.Millisecond || hi > 110*time.Millisecond || lo == hi {
		t.Errorf("latencies from %v to %v, want spread within 90..110ms", lo, hi)
	}
	s := Skewed(NewRand(1), 100, time.Millisecond, time.Second, 0.1)
	slow := 0
	for _, d := range s {
		if d == time.Second {
			slow++
		}
	}
	if slow != 10 {
		t.Errorf("%d slow of 100, want 10", slow)
	}
	if got := Skewed(NewRand(1), 5, time.Millisecond, time.Second, 0.1); slices.Max(got) != time.Second {
		t.Error("a small skewed workload has no slow item")
	}
	if got := Scale([]time.Duration{time.Second}, 0.2); got[0] != 200*time.Millisecond {
		t.Errorf("Scale = %v", got)
	}
}

// A pool of 2 with a 150 ms acquire timeout: the third caller waits for a
// release at 100 ms and gets in; a caller that would wait past the timeout
// fails with ErrPoolExhausted at exactly the timeout.
func TestPool(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := NewPool(2, 150*time.Millisecond)
		type result struct {
			err error
			at  time.Duration
		}
		results := make(chan result, 4)
		start := time.Now()
		for _, hold := range []time.Duration{100, 400, 100, 100} {
			go func() {
				err := p.Hold(t.Context(), hold*time.Millisecond)
				results <- result{err, time.Since(start)}
			}()
			synctest.Wait() // start them in this order
		}
		var ok, exhausted int
		for range 4 {
			switch r := <-results; {
			case r.err == nil:
				ok++
			case errors.Is(r.err, ErrPoolExhausted):
				exhausted++
				if r.at != 150*time.Millisecond {
					t.Errorf("exhausted at %v, want 150ms", r.at)
				}
			default:
				t.Errorf("unexpected error %v", r.err)
			}
		}
		if ok != 3 || exhausted != 1 || p.Peak() != 2 || p.Size() != 2 {
			t.Errorf("ok %d, exhausted %d, peak %d; want 3, 1, 2", ok, exhausted, p.Peak())
		}
	})
}

// One slow task among fast ones: batches wait for it, a window does not.
func TestSchedules(t *testing.T) {
	ms := time.Millisecond
	ds := []time.Duration{100 * ms, 10 * ms, 10 * ms, 10 * ms, 10 * ms, 10 * ms}
	if got := Batched(ds, 2); got != 120*ms {
		t.Errorf("Batched = %v, want 100ms + 10ms + 10ms", got)
	}
	if got := Windowed(ds, 2); got != 100*ms {
		t.Errorf("Windowed = %v, want 100ms: the other slot does the five short ones meanwhile", got)
	}
	if got := Windowed(ds, 1); got != Batched(ds, 1) || got != 150*ms {
		t.Errorf("one at a time: windowed %v, batched %v, want both 150ms", got, Batched(ds, 1))
	}
}
