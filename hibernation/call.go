package hibernation

import (
	"errors"
	"fmt"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/task"
)

// ErrSize is returned when a batch or window size is below 1. (The slide's
// loop never advances with a batch size of 0: it spins forever.)
var ErrSize = errors.New("hibernation: size must be at least 1")

// ErrPanic wraps a panic recovered from one check: that check's error, not
// a dead process (every check runs through task.Do, which recovers it).
var ErrPanic = task.ErrPanic

// ErrNotStarted wraps the context's error for checks that never started
// because the context was done first.
var ErrNotStarted = task.ErrNotStarted

func checkSize(size int) error {
	if size < 1 {
		return fmt.Errorf("%w (size %d)", ErrSize, size)
	}
	return nil
}
