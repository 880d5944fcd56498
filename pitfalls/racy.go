package pitfalls

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
)

// RacyCounter is slide 22's "share memory without synchronization":
// goroutines goroutines each add 1 to a plain int per times. counter++ is a
// load, an add and a store; two goroutines that interleave them lose an
// update. The same count with atomic.Int64 (slide 19's fix) loses none.
//
// On a busy multi-core machine the window between the load and the store
// is a few nanoseconds wide and the loss shows by itself; on one or two
// CPUs the goroutines may each run their whole loop in one time slice and
// lose nothing, while the race is there all the same. So the demo holds
// the window open: between the load and the store each goroutine yields
// (runtime.Gosched), which lets the scheduler run another one in between
// on any machine, as preemption at that point would. The loss is then
// certain, and so is the lesson: the code between the load and the store
// is not the bug; the unsynchronised load and store are.
//
// It races by design: the race detector reports it under -race.
func RacyCounter(goroutines, per int) Finding {
	var counter int // Bad: written by every goroutine, unsynchronised
	var wg sync.WaitGroup
	var ready atomic.Int64
	for range goroutines {
		wg.Go(func() {
			// Spin until all are running, so they overlap: woken one
			// by one, each could finish before the next one starts.
			ready.Add(1)
			for ready.Load() < int64(goroutines) {
				runtime.Gosched()
			}
			for range per {
				v := counter // counter++, with its window held open
				runtime.Gosched()
				counter = v + 1
			}
		})
	}
	wg.Wait()

	var safe atomic.Int64 // Good
	for range goroutines {
		wg.Go(func() {
			for range per {
				safe.Add(1)
			}
		})
	}
	wg.Wait()

	want := goroutines * per
	what := fmt.Sprintf("counter++ from %d goroutines kept %d of %d updates (%d lost); atomic.Int64 kept %d",
		goroutines, counter, want, want-counter, safe.Load())
	if counter == want {
		what += ": this run lost none, the race is still there (go run -race shows it)"
	}
	return Finding{Items: want, Lost: want - counter, What: what}
}
