package pitfalls

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"time"
)

// NoExit is slide 23's first pitfall, a background loop with no exit
// condition, next to the fix, a loop that selects on ctx.Done(). It starts
// each from a function that returns at once, waits settle, and counts the
// goroutines still running against the count before.
//
// The leaky loop keeps the slide's shape, for { doWork() }. Only its
// doWork has the demo's safety net: once the count is taken, it ends the
// goroutine (runtime.Goexit), so the demo leaks nothing. The slide's
// version has no such net: it runs until the process exits.
func NoExit(ctx context.Context, tick, settle time.Duration) Finding {
	stop := make(chan struct{})   // closed by the safety net below
	exited := make(chan struct{}) // closed when the leaky goroutine ends
	doWork := func() {
		select {
		case <-time.After(tick):
		case <-stop:
			runtime.Goexit() // the safety net, not part of the lesson
		}
	}
	func() { // Bad: returns, and the goroutine runs on forever
		go func() {
			defer close(exited)
			for {
				doWork() // no exit condition
			}
		}()
	}()
	sleep(ctx, settle)
	leaked := goroutinesIn("pitfalls.NoExit.func", "") // the loop, still running
	close(stop)
	<-exited

	fixedCtx, cancel := context.WithCancel(ctx)
	fixedDone := make(chan struct{})
	func() { // Good: the loop ends when its context does
		go func() {
			defer close(fixedDone)
			for {
				select {
				case <-fixedCtx.Done():
					return
				case <-time.After(tick):
				}
			}
		}()
	}()
	cancel() // the caller is done with it
	<-fixedDone
	left := gone("pitfalls.NoExit.func")

	return Finding{Items: 1, Lost: max(leaked, 0), What: fmt.Sprintf(
		"for { doWork() }: %d goroutine still running %v after its caller returned; with select on ctx.Done(): %d after cancel",
		leaked, settle, max(left, 0))}
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// goroutinesIn counts the goroutines running a function whose name starts
// with fn (as runtime.Stack prints it) and, if state is not "", whose
// header says that state ("[chan send"). Counting by stacks, not by the
// process's total, keeps other goroutines (another test's, one on its way
// out) from moving the count.
func goroutinesIn(fn, state string) int {
	buf := make([]byte, 1<<16)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	count := 0
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, fn) && strings.Contains(g, state) {
			count++
		}
	}
	return count
}

// gone waits, a bounded number of scheduler turns, until no goroutine runs
// fn, and returns how many still do: closing a done channel happens before
// its goroutine exits.
func gone(fn string) int {
	n := goroutinesIn(fn, "")
	for i := 0; i < 1000 && n > 0; i++ {
		runtime.Gosched()
		n = goroutinesIn(fn, "")
	}
	return n
}
