package hibernation

import (
	"context"
	"sync"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/task"
)

// Batches runs fn for items in batches of size: size goroutines start, and
// the next batch starts when the whole batch is done. This is slide 19's
// loop, corrected (see batchesSlide19 for the slide's).
//
// It returns one error per item, in item order (nil for success). When ctx
// is done, the batch in flight finishes (fn sees ctx) and the items not
// yet started get an error wrapping ErrNotStarted. It returns a nil slice
// and an error wrapping ErrSize if size is below 1, and runs nothing.
//
// A batch waits for its slowest check: with checks of 45-55 ms, ten
// batches of ten take the sum of each batch's slowest check, not 500 ms.
// [Window] does not wait.
func Batches[T any](ctx context.Context, items []T, size int, fn func(context.Context, T) error) ([]error, error) {
	if err := checkSize(size); err != nil {
		return nil, err
	}
	// Bad (the production check): every goroutine assigns one shared
	// err, a data race in which all errors but one are lost.
	// Good: each goroutine writes only its own errs[i].
	errs := make([]error, len(items))
	for start := 0; start < len(items); start += size {
		if ctx.Err() != nil {
			task.MarkNotStarted(ctx, errs[start:])
			break
		}
		// Good: the last batch is short. Slide 19 runs a full batch
		// every time and reads items[i+j] past the end.
		end := min(start+size, len(items))
		var wg sync.WaitGroup
		for i := start; i < end; i++ {
			wg.Go(func() { errs[i] = task.Do(ctx, fn, items[i]) })
		}
		wg.Wait()
	}
	return errs, nil
}

// batchesSlide19 is slide 19's loop as the slide has it, generic over the
// item. Bad: it starts batchSize goroutines for every batch, including the
// last, so with 97 items the last batch reads items[97] to items[99] and
// the process dies with "index out of range [97] with length 97" (or 98,
// or 99: whichever goroutine gets there first), and a panic in a goroutine
// cannot be recovered by the caller. With 100 items it
// works, which is how it passed review. The production code shipped this
// panic once, after a loop-variable change, and fixed it two weeks later.
// It has no context, either: nothing can stop it.
//
// It is kept to show the bug (the tests run it in a child process); do not
// call it. [Batches] is the fix: end := min(start+size, len(items)).
func batchesSlide19[T any](replicaNodes []T, batchSize int, checkNode func(T)) {
	for i := 0; i < len(replicaNodes); {
		var wg sync.WaitGroup
		for j := 0; j < batchSize; j++ {
			wg.Add(1)
			go func(j int) {
				defer wg.Done()
				checkNode(replicaNodes[i+j]) // Bad: i+j can be len(replicaNodes) or more
			}(j)
		}
		wg.Wait()
		i += batchSize
	}
}
