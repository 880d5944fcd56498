package pitfalls

import (
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// Slide 3: the loop returns at once, all n goroutines still running, and
// the demo's safety net waits for them (no leak: goleak checks).
func TestSpawnUnbounded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		f := SpawnUnbounded(t.Context(), 1000, 100*time.Millisecond)
		if f.Items != 1000 || f.Lost != 1000 || !strings.Contains(f.What, "returned after 0s with 1000 goroutines still running") {
			t.Errorf("got %+v", f)
		}
		if took := time.Since(start); took != 100*time.Millisecond {
			t.Errorf("took %v, want the safety net's wait of 100ms", took)
		}
	})
}

// Slide 23: the watchdog reports the deadlock at exactly its deadline.
func TestForgottenDone(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		f := ForgottenDone(t.Context(), 5, 50*time.Millisecond, time.Second)
		if took := time.Since(start); took != time.Second {
			t.Errorf("returned after %v, want the watchdog's 1s", took)
		}
		if f.Items != 5 || f.Lost != 1 || !strings.Contains(f.What, "4 of 5 goroutines had called Done") {
			t.Errorf("got %+v", f)
		}
	})
}

func TestNoExit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := NoExit(t.Context(), 10*time.Millisecond, 100*time.Millisecond)
		if f.Items != 1 || f.Lost != 1 || !strings.Contains(f.What, "1 goroutine still running 100ms after") ||
			!strings.HasSuffix(f.What, "0 after cancel") {
			t.Errorf("got %+v", f)
		}
	})
}

// Slide 19: 97 resources in batches of 10 start 100 goroutines, and the
// three past the end panic; a multiple of 10 does not.
func TestIndexPastEnd(t *testing.T) {
	f := IndexPastEnd(97, 10)
	if f.Items != 100 || f.Lost != 3 || !strings.Contains(f.What, "index out of range [9") || !strings.Contains(f.What, "with length 97") {
		t.Errorf("97: got %+v", f)
	}
	if f := IndexPastEnd(100, 10); f.Items != 100 || f.Lost != 0 {
		t.Errorf("100: got %+v", f)
	}
	if f := IndexPastEnd(0, 10); f.Items != 0 || f.Lost != 0 {
		t.Errorf("0: got %+v", f)
	}
}

// The two racy shapes cannot run under -race (the detector would fail the
// test, rightly); what can be checked without the race is checked here.
func TestRacy(t *testing.T) {
	if raceEnabled {
		t.Skip("RacyCounter and SharedErr race by design; run: go test ./pitfalls (without -race)")
	}
	// The window held open loses updates on any machine, one CPU too.
	f := RacyCounter(2, 100_000)
	if f.Items != 200_000 || f.Lost <= 0 || f.Lost >= f.Items || !strings.Contains(f.What, "atomic.Int64 kept 200000") {
		t.Errorf("RacyCounter: got %+v, want some of 200000 updates lost", f)
	}
	// 100 triggers, every 7th fails: 14 failures, and the shared err
	// holds at most one of them.
	f = SharedErr(100, 5, 7)
	if f.Items != 100 || (f.Lost != 13 && f.Lost != 14) || !strings.HasPrefix(f.What, "14 of 100 triggers failed") {
		t.Errorf("SharedErr: got %+v", f)
	}
}

// Slide 14's handler with an unbuffered result: every client leaves
// before its fetch is done, so every sender blocks on a send nobody reads;
// with a buffer of one, none does. The net drains them: goleak checks.
func TestAbandonedSend(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		f := AbandonedSend(t.Context(), 5, 100*time.Millisecond, 20*time.Millisecond)
		if f.Items != 5 || f.Lost != 5 || !strings.HasPrefix(f.What, "5 of 5 handlers returned when their client left after 20ms") ||
			!strings.Contains(f.What, "5 goroutines were still blocked on their send") || !strings.HasSuffix(f.What, "with make(chan T, 1): 0") {
			t.Errorf("got %+v", f)
		}
		if took := time.Since(start); took != 200*time.Millisecond {
			t.Errorf("took %v, want two rounds of the 100ms fetch", took)
		}
		// A client that waits for its fetch leaks nothing, buffer or not.
		if f := AbandonedSend(t.Context(), 3, 10*time.Millisecond, time.Second); f.Lost != 0 || !strings.HasPrefix(f.What, "0 of 3") {
			t.Errorf("patient clients: got %+v", f)
		}
	})
}
