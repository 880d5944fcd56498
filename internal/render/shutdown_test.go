package render

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// leftAt is a first-scenario run whose client left after a second of a
// 5 s job of 100 ms calls: the one that ignored ctx, the one that did not.
func leftAt() ShutdownDisconnectFacts {
	return ShutdownDisconnectFacts{
		Ignored:  ShutdownLeaveRun{Left: time.Second, Made: 50, MadeAfter: 40, BusyAfter: 4 * time.Second, BusyHandlers: 1, Step: 100 * time.Millisecond},
		Followed: ShutdownLeaveRun{Left: time.Second, Made: 11, BusyAfter: 50 * time.Microsecond, Step: 100 * time.Millisecond},
	}
}

func TestShutdownDisconnect(t *testing.T) {
	line := ShutdownDisconnect(leftAt())
	for _, want := range []string{"made 40 more API calls for nobody (1 goroutine busy " + DurOf(4*time.Second) + " more)",
		"stopped 50µs after, within one call: 39 calls saved, the rest of the " + DurOf(5*time.Second) + " job", shutdownCloseNotifier} {
		if !strings.Contains(line, want) {
			t.Errorf("%q lacks %q", line, want)
		}
	}
	f := leftAt()
	f.Followed.BusyAfter = 250 * time.Millisecond
	if line := ShutdownDisconnect(f); strings.Contains(line, "within one call") {
		t.Errorf("a handler that ran on for 2.5 calls is said to stop within one: %q", line)
	}
}

// A fix that failed calls for another reason saves nothing worth a figure.
func TestShutdownDisconnectNoPraiseForFailures(t *testing.T) {
	f := leftAt()
	f.Followed.Unexpected = 3
	line := ShutdownDisconnect(f)
	if strings.Contains(line, "saved") || !strings.Contains(line, "3 calls failed for another reason") {
		t.Errorf("%q: want no saving claimed, and the 3 failures said", line)
	}
	f = leftAt()
	f.Followed.Failure = errors.New("too many open files")
	if line := ShutdownDisconnect(f); !strings.HasPrefix(line, "could not run the handler on r.Context(): too many open files") {
		t.Errorf("%q: want the failure first", line)
	}
}

func TestShutdownDrain(t *testing.T) {
	run := func(completed int) ShutdownDrainRun {
		return ShutdownDrainRun{InFlight: 20, Completed: completed, Refused: 5, Before: 4, After: 4,
			LastAnswer: 2500 * time.Millisecond, Stopped: 2700 * time.Millisecond}
	}
	f := ShutdownDrainFacts{NewRequests: 5, Short: 1500 * time.Millisecond, CloseAtOnce: run(0), Shutdown: run(20), ShutdownClose: run(18)}
	line := ShutdownDrain(f)
	want := "20 in flight at the signal: Close at once finished 0; Shutdown finished 20 (last at " + DurOf(2500*time.Millisecond) +
		", stopped at " + DurOf(2700*time.Millisecond) + ": it polls for idle connections); " + DurOf(1500*time.Millisecond) +
		" timeout + Close: 18, 2 cut off. New requests refused: 5/5/5 of 5. Goroutines back to 4 each time"
	if line != want {
		t.Errorf("got  %q\nwant %q", line, want)
	}
	f.ShutdownClose.Unexpected, f.Shutdown.After = 1, 6
	line = ShutdownDrain(f)
	for _, want := range []string{"2 cut off (1 of them shorter than the timeout)", "Goroutines before/after: 4/4, 4/6, 4/4"} {
		if !strings.Contains(line, want) {
			t.Errorf("%q lacks %q", line, want)
		}
	}
}

func TestShutdownDetach(t *testing.T) {
	f := ShutdownDetachFacts{Steps: 8,
		OnRequest: ShutdownStepsRun{Left: 350 * time.Millisecond, Done: 3},
		Detached:  ShutdownStepsRun{Done: 8, Recorded: true, Finished: 450 * time.Millisecond},
		Read:      ShutdownStepsRun{Done: 3},
	}
	line := ShutdownDetach(f)
	for _, want := range []string{"did 3 of 8 steps, no release recorded: half-deployed", "it did 8 of 8, release recorded, 450ms later",
		"the read rightly stopped at 3 of 8"} {
		if !strings.Contains(line, want) {
			t.Errorf("%q lacks %q", line, want)
		}
	}
	f.Read.Unexpected = 2
	if line := ShutdownDetach(f); strings.Contains(line, "rightly") || !strings.Contains(line, "2 steps failed for another reason") {
		t.Errorf("%q: a read with failures of its own is not called right", line)
	}
}

func TestShutdownLeak(t *testing.T) {
	f := ShutdownLeakFacts{
		NoExit:  ShutdownLeakRun{Watched: 300 * time.Millisecond, Leaked: 20, Renewals: 60, Before: 4, AfterEnd: 24, AfterStop: 4},
		CtxDone: ShutdownLeakRun{Watched: 300 * time.Millisecond, Before: 4, AfterEnd: 4, AfterStop: 4},
	}
	line := ShutdownLeak(f)
	for _, want := range []string{"20 loops with no exit still running (goroutines 4 -> 24), 60 renewals",
		"ctx.Done() loops ended with their requests (4 -> 4)"} {
		if !strings.Contains(line, want) {
			t.Errorf("%q lacks %q", line, want)
		}
	}
	f.CtxDone.Leaked, f.CtxDone.AfterEnd = 1, 5
	if line := ShutdownLeak(f); strings.Contains(line, "ended with their requests") || !strings.Contains(line, "ctx.Done(): 1 loop leaked") {
		t.Errorf("%q: a loop on ctx.Done() that leaked is not said to have ended", line)
	}
}

func TestShutdownServe(t *testing.T) {
	lines := ShutdownServing("http://127.0.0.1:8080", 10*time.Second, 2*time.Second)
	if len(lines) != 3 || !strings.HasSuffix(lines[0], "at http://127.0.0.1:8080") || !strings.Contains(lines[1], "at most "+DurOf(10*time.Second)) ||
		!strings.Contains(lines[2], "/debug/pprof/goroutine?debug=1") || !strings.Contains(lines[2], "past 2s") {
		t.Errorf("banner %q", lines)
	}
	if got := ShutdownDraining(1); got != "draining: 1 request in flight; new connections are refused" {
		t.Errorf("draining: %q", got)
	}
	got := ShutdownStopped(ShutdownServeFacts{Drain: time.Second, Served: 3, LeftBefore: 1, InFlight: 2, Finished: 1, CutOff: 1, Before: 5, After: 5})
	if want := "stopped after " + DurOf(time.Second) + ": served 3 requests, 1 of them left by their client before Ctrl-C; " +
		"of the 2 in flight at Ctrl-C, 1 finished, 0 left by their client during the drain, 1 cut off by Close; goroutines 5 before, 5 after"; got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}
