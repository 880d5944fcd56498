package render

import (
	"fmt"
	"strings"
	"time"
)

// The shutdown demo (slides 14-15, 23): the facts each of its four
// scenarios and its --serve mode measured, and the lines written from
// them. Every figure in a line is one the run measured, unless the line
// says it is the simulated world's.

// shutdownCloseNotifier ends the first scenario's line whatever it measured.
const shutdownCloseNotifier = "http.CloseNotifier (slide 14) is deprecated since Go 1.11: r.Context() carries the disconnect"

// ShutdownDisconnectFacts is what the first scenario measured: a client
// that leaves a cluster creation, served by a handler that ignores its
// request's context (Ignored, the problem) and one on r.Context()
// (Followed, the fix).
type ShutdownDisconnectFacts struct {
	Ignored, Followed ShutdownLeaveRun
}

// ShutdownLeaveRun is one handler's run with a client that leaves.
type ShutdownLeaveRun struct {
	Left         time.Duration // when the client left, after sending its request
	Made         int           // API calls made (started)
	MadeAfter    int           // of those, started after the client had left
	BusyAfter    time.Duration // how long the handler ran on after the client left
	BusyHandlers int           // handlers still running one call's time after the client left
	Step         time.Duration // one API call's simulated latency
	Stayed       bool          // the job ended before the client gave up
	Unexpected   int           // failed calls that were not the client leaving
	Failure      error         // the variant could not run
}

// ShutdownDisconnect is the line under the first scenario's table: what
// the handler that ignored its client did for nobody, and what following
// r.Context() saved. A run on r.Context() with failures of its own saves
// nothing worth a figure.
func ShutdownDisconnect(f ShutdownDisconnectFacts) string {
	bad, good := f.Ignored, f.Followed
	switch {
	case bad.Failure != nil:
		return fmt.Sprintf("could not run the handler that ignores ctx: %v. %s", bad.Failure, shutdownCloseNotifier)
	case good.Failure != nil:
		return fmt.Sprintf("could not run the handler on r.Context(): %v. %s", good.Failure, shutdownCloseNotifier)
	case bad.Stayed:
		return "the job ended before the client gave up: nothing to save. " + shutdownCloseNotifier
	case good.Unexpected > 0:
		return fmt.Sprintf("on r.Context() %s failed for another reason than the client leaving: nothing to compare. %s",
			Plural(good.Unexpected, "call"), shutdownCloseNotifier)
	}
	within := "within one call"
	if good.BusyAfter > good.Step {
		within = "more than one call later"
	}
	// The whole job is the ignoring handler's measured run: it made
	// every call. Slide 15's "~5 seconds" is all of it; a client that
	// leaves after a second of it can only save the rest.
	job := bad.Left + bad.BusyAfter
	return fmt.Sprintf("client left at %s: ignoring ctx, the handler made %s for nobody (%s busy %s more); "+
		"on r.Context() it stopped %s after, %s: %s saved, the rest of the %s job "+
		"(slide 15's \"~5 seconds\" is all of it; this client stayed %s first). %s",
		DurOf(bad.Left), Plural(bad.MadeAfter, "more API call"), Plural(bad.BusyHandlers, "goroutine"), DurOf(bad.BusyAfter),
		DurOf(good.BusyAfter), within, Plural(bad.Made-good.Made, "call"), DurOf(job), DurOf(good.Left), shutdownCloseNotifier)
}

// ShutdownDrainFacts is what the second scenario measured: a signal with
// requests in flight, and what Close at once, Shutdown, and Shutdown with
// a short timeout and the Close fallback made of them.
type ShutdownDrainFacts struct {
	NewRequests   int           // sent to each server after the signal
	Short         time.Duration // the short drain timeout, of ShutdownClose
	CloseAtOnce   ShutdownDrainRun
	Shutdown      ShutdownDrainRun
	ShutdownClose ShutdownDrainRun
}

// ShutdownDrainRun is one way of stopping a server with requests in flight.
type ShutdownDrainRun struct {
	InFlight      int           // requests in flight at the signal
	Completed     int           // of those, answered in full
	Refused       int           // new requests refused after the signal
	LastAnswer    time.Duration // from the signal to the last full answer
	Stopped       time.Duration // from the signal to the server stopped
	Before, After int           // the process's goroutines before the server, after it stopped
	Unexpected    int           // requests that failed when they should have completed
	Failure       error         // the variant could not run
}

// ShutdownDrain is the line under the second scenario's table.
func ShutdownDrain(f ShutdownDrainFacts) string {
	runs := []ShutdownDrainRun{f.CloseAtOnce, f.Shutdown, f.ShutdownClose}
	for _, r := range runs {
		if r.Failure != nil {
			return "could not run: " + r.Failure.Error()
		}
	}
	bad, good, cut := f.CloseAtOnce, f.Shutdown, f.ShutdownClose
	var b strings.Builder
	fmt.Fprintf(&b, "%d in flight at the signal: Close at once finished %d; Shutdown finished %d "+
		"(last at %s, stopped at %s: it polls for idle connections); %s timeout + Close: %d, %d cut off",
		bad.InFlight, bad.Completed, good.Completed, DurOf(good.LastAnswer), DurOf(good.Stopped),
		DurOf(f.Short), cut.Completed, cut.InFlight-cut.Completed)
	if cut.Unexpected > 0 {
		fmt.Fprintf(&b, " (%d of them shorter than the timeout)", cut.Unexpected)
	}
	fmt.Fprintf(&b, ". New requests refused: %d/%d/%d of %d. ", bad.Refused, good.Refused, cut.Refused, f.NewRequests)
	if bad.After == bad.Before && good.After == good.Before && cut.After == cut.Before {
		fmt.Fprintf(&b, "Goroutines back to %d each time", good.Before)
	} else {
		fmt.Fprintf(&b, "Goroutines before/after: %d/%d, %d/%d, %d/%d",
			bad.Before, bad.After, good.Before, good.After, cut.Before, cut.After)
	}
	return b.String()
}

// ShutdownDetachFacts is what the third scenario measured: a client that
// leaves a deployment on its request's context (OnRequest, the problem),
// a detached deployment (Detached) and a read (Read).
type ShutdownDetachFacts struct {
	Steps                     int // of the deployment, and of the read
	OnRequest, Detached, Read ShutdownStepsRun
}

// ShutdownStepsRun is one operation of steps whose client left.
type ShutdownStepsRun struct {
	Left       time.Duration // when the client left, after sending its request
	Finished   time.Duration // when the handler ended, after the client left
	Done       int           // steps done
	Recorded   bool          // the release was recorded (a deployment's last step)
	Unexpected int           // steps that failed for another reason than the client leaving
	Failure    error         // the variant could not run
}

// ShutdownDetach is the line under the third scenario's table: which
// variant is which, and why. A read that failed steps it should not have is
// not called right.
func ShutdownDetach(f ShutdownDetachFacts) string {
	for _, r := range []ShutdownStepsRun{f.OnRequest, f.Detached, f.Read} {
		if r.Failure != nil {
			return "could not run: " + r.Failure.Error()
		}
	}
	bad, good, read := f.OnRequest, f.Detached, f.Read
	readLine := fmt.Sprintf("the read rightly stopped at %d of %d: nobody is left to read it", read.Done, f.Steps)
	if read.Unexpected > 0 {
		readLine = fmt.Sprintf("the read did %d of %d, and %s failed for another reason than its client leaving",
			read.Done, f.Steps, Plural(read.Unexpected, "step"))
	}
	return fmt.Sprintf("client left at %s: on r.Context() the deployment did %d of %d steps, %s; "+
		"detached (WithoutCancel + timeout) it did %d of %d, %s, %s later; %s",
		DurOf(bad.Left), bad.Done, f.Steps, shutdownRecorded(bad.Recorded, "half-deployed"),
		good.Done, f.Steps, shutdownRecorded(good.Recorded, "not finished"), DurOf(good.Finished), readLine)
}

// shutdownRecorded says whether the release was recorded, or else what that
// leaves.
func shutdownRecorded(ok bool, otherwise string) string {
	if ok {
		return "release recorded"
	}
	return "no release recorded: " + otherwise
}

// ShutdownLeakFacts is what the fourth scenario (slide 23) measured: the
// lease-renewal loops with no exit (NoExit) and the ones that select on
// ctx.Done() (CtxDone).
type ShutdownLeakFacts struct {
	NoExit, CtxDone ShutdownLeakRun
}

// ShutdownLeakRun is one loop's run: how many outlived their requests.
type ShutdownLeakRun struct {
	Watched    time.Duration // from the end of the requests to the count
	Leaked     int           // loops that renewed after their request ended
	Renewals   int64         // renewals after their request ended
	Before     int           // the process's goroutines before the server
	AfterEnd   int           // after the requests and the server ended
	AfterStop  int           // after the demo stopped the leaked loops
	Unexpected int           // requests that failed for another reason than a leak
	Failure    error         // the variant could not run
}

// ShutdownLeak is the line under the fourth scenario's table: the
// goroutine counts of the two loops. Loops on ctx.Done() that leaked or
// failed are not said to have ended with their requests.
func ShutdownLeak(f ShutdownLeakFacts) string {
	bad, good := f.NoExit, f.CtxDone
	for _, r := range []ShutdownLeakRun{bad, good} {
		if r.Failure != nil {
			return "could not run: " + r.Failure.Error()
		}
	}
	goodLine := fmt.Sprintf("ctx.Done() loops ended with their requests (%d -> %d)", good.Before, good.AfterEnd)
	if good.Leaked > 0 || good.Unexpected > 0 {
		goodLine = fmt.Sprintf("ctx.Done(): %s leaked, %s failed (goroutines %d -> %d)",
			Plural(good.Leaked, "loop"), Plural(good.Unexpected, "request"), good.Before, good.AfterEnd)
	}
	return fmt.Sprintf("%s after the requests ended: %s with no exit still running (goroutines %d -> %d), "+
		"%d renewals of finished jobs, gone only when the demo closed their stop (%d; production has none); %s",
		DurOf(bad.Watched), Plural(bad.Leaked, "loop"), bad.Before, bad.AfterEnd, bad.Renewals, bad.AfterStop, goodLine)
}

// ShutdownServing is what the --serve server announces as it starts:
// where it listens, what to try, and how long Ctrl-C's drain may take.
func ShutdownServing(url string, drain, budget time.Duration) []string {
	return []string{
		"shutdown demo server (slides 14-15) at " + url,
		fmt.Sprintf("try: curl %s/clusters (Ctrl-C curl half-way: the work stops), %s/deploy, %s/resources, "+
			"%s/slow?for=5s; then Ctrl-C here to drain (at most %s; a second Ctrl-C exits at once)",
			url, url, url, url, DurOf(drain)),
		fmt.Sprintf("a request past %s saves the flight recorder's last seconds for go tool trace; "+
			"goroutines while requests run: curl %s/debug/pprof/goroutine?debug=1", DurOf(budget), url),
	}
}

// ShutdownRequestStarted is the --serve server's line as request id (what:
// its method and path) starts, with the requests in flight, it included.
func ShutdownRequestStarted(id int64, what string, inflight int) string {
	return fmt.Sprintf("#%d %s: started (%d in flight)", id, what, inflight)
}

// ShutdownRequestEnded is the --serve server's line as request id ends:
// how ("served", "left": its client went away, "cut": Close cut it off),
// after how long.
func ShutdownRequestEnded(id int64, what string, took time.Duration, how string) string {
	switch how {
	case "left":
		return fmt.Sprintf("#%d %s: client left after %s: its work stopped with it", id, what, DurOf(took))
	case "cut":
		return fmt.Sprintf("#%d %s: cut off by Close after %s: the drain gave up", id, what, DurOf(took))
	}
	return fmt.Sprintf("#%d %s: answered after %s", id, what, DurOf(took))
}

// ShutdownFlight says where the flight recorder's window went when request
// id ran past its budget.
func ShutdownFlight(id int64, what string, budget time.Duration, path string) string {
	return fmt.Sprintf("#%d %s: still running after %s: the last seconds are in %s (go tool trace %s)",
		id, what, DurOf(budget), path, path)
}

// ShutdownDraining is the --serve server's line at Ctrl-C.
func ShutdownDraining(inflight int) string {
	return fmt.Sprintf("draining: %s in flight; new connections are refused", Plural(inflight, "request"))
}

// ShutdownServeFacts is what the --serve server counted, from Ctrl-C to
// the end of its drain.
type ShutdownServeFacts struct {
	Drain      time.Duration // from Ctrl-C to the server stopped
	Served     int           // requests whose handler started, in all
	LeftBefore int           // of those, left by their client before Ctrl-C
	InFlight   int           // requests in flight at Ctrl-C
	Finished   int           // of those, answered in full
	LeftDuring int           // of those, left by their client during the drain
	CutOff     int           // of those, cut off by Close when the drain gave up
	Before     int           // the process's goroutines before the server
	After      int           // after it stopped
}

// ShutdownStopped is the --serve server's last line.
func ShutdownStopped(f ShutdownServeFacts) string {
	return fmt.Sprintf("stopped after %s: served %s, %d of them left by their client before Ctrl-C; "+
		"of the %d in flight at Ctrl-C, %d finished, %d left by their client during the drain, %d cut off by Close; "+
		"goroutines %d before, %d after",
		DurOf(f.Drain), Plural(f.Served, "request"), f.LeftBefore, f.InFlight, f.Finished, f.LeftDuring, f.CutOff,
		f.Before, f.After)
}
