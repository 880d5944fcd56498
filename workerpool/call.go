package workerpool

import (
	"errors"
	"fmt"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/task"
)

// ErrLimit is returned when a batch size, worker count or limit is below 1.
// (The production loop this package comes from never advanced with a batch
// size of 0: it spun forever. Here it is an error before any work starts.)
var ErrLimit = errors.New("workerpool: limit must be at least 1")

// ErrPanic wraps a panic recovered from an item's work: that item's error,
// not a dead process. Every shape runs each item through task.Do, which
// recovers it; WaitGroup.Go defers the Done, so a panic cannot skip it and
// leave Wait blocked forever (slide 23).
var ErrPanic = task.ErrPanic

// ErrNotStarted wraps the context's error for items that were never started
// because the context was done first.
var ErrNotStarted = task.ErrNotStarted

func checkLimit(what string, n int) error {
	if n < 1 {
		return fmt.Errorf("%w (%s %d)", ErrLimit, what, n)
	}
	return nil
}
