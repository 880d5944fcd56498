// Package pitfalls runs the broken shapes of slides 3, 7, 14, 19, 22 and 23 for
// real, each behind a safety net, so the audience sees what each bug does
// instead of being told:
//
//   - [SpawnUnbounded]: slide 3's goroutine per item, 10,000 at once;
//   - [ForgottenDone]: slide 23's wg.Add without wg.Done: Wait never returns;
//   - [NoExit]: slide 23's loop with no exit condition: a goroutine leak;
//   - [AbandonedSend]: slide 14's handler that stops waiting when the
//     client leaves, and the send into an unbuffered channel nobody reads;
//   - [RacyCounter]: slide 22's shared memory without synchronisation;
//   - [SharedErr]: slide 7's err assigned from every goroutine;
//   - [IndexPastEnd]: slide 19's replicaNodes[i+j] past the end.
//
// Every function returns a [Finding]: what happened, measured, against what
// should have happened. None of them hangs or crashes the caller: a
// watchdog ends what would block forever, a recover catches what would
// panic. Two of them race by design (RacyCounter, SharedErr): run them
// under `go run -race ./cmd/demo pitfalls` to see the race detector name
// them. The package's tests skip those two under -race.
//
// The fixes are in the lesson packages: workerpool.Window bounds and waits
// and keeps every outcome (slides 3, 7), workerpool.Batches clamps the last
// batch (slide 19), hibernation.Counter is typed atomics (slide 22),
// sync.WaitGroup.Go defers the Done (slide 23), shutdown.RunWithLease
// gives the loop its exit (slide 23), a buffer of one lets the abandoned
// send finish (slide 14). This package is only the "before".
//
// # Asking the runtime
//
// Go 1.26 can find some of these leaks itself, as an experiment: a program
// built with GOEXPERIMENT=goroutineleakprofile has a "goroutineleak"
// profile, and writing it runs a garbage collection that reports every
// goroutine blocked on something no running goroutine can reach any more,
// which therefore can never run again:
//
//	p := pprof.Lookup("goroutineleak") // nil without the experiment
//	p.WriteTo(os.Stderr, 1)            // stacks of the leaked goroutines
//
// That finds ForgottenDone's wg.Wait() and AbandonedSend's send, and not
// NoExit's loop: a loop that keeps running is not blocked, so to the
// runtime it is not a leak. goleak in a test's TestMain finds all three in
// the slides' code, as goroutines still alive at the end. The shapes here
// keep a safety net that can still end each one, so to the runtime none of
// them is leaked; `go run ./cmd/demo pitfalls` (make leaks) runs the slides' own
// shapes without it, in a child process, and prints what the runtime
// found. The experiment's name, output and reach may change.
package pitfalls

// Finding is what one pitfall did when it ran: of Items, how many went
// wrong (Lost: lost updates, lost errors, panics, leaked goroutines), and
// one line that says it with the numbers.
type Finding struct {
	Items int
	Lost  int
	What  string
}
