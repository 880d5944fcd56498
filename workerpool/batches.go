package workerpool

import (
	"context"
	"sync"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/task"
)

// Batches runs fn for items in batches of size: size goroutines start, and
// the next batch starts only when the whole batch is done. This is the shape
// of slides 5 and 7, corrected.
//
// It returns one error per item, in item order (nil for success). When ctx
// is done, the batch in flight finishes (fn sees ctx) and the items not yet
// started get an error wrapping ErrNotStarted. It returns a nil slice and an
// error wrapping ErrLimit if size is below 1, and runs nothing.
//
// A batch waits for its slowest member: one slow item holds back size-1
// idle slots. [Pool] and [Limit] do not; see the package's skewed scenario.
func Batches[T any](ctx context.Context, items []T, size int, fn func(context.Context, T) error) ([]error, error) {
	if err := checkLimit("batch size", size); err != nil {
		return nil, err
	}
	errs := make([]error, len(items))
	for start := 0; start < len(items); start += size {
		if ctx.Err() != nil {
			task.MarkNotStarted(ctx, errs[start:])
			break
		}
		// min: the last batch may be short. Slide 19 indexes
		// replicaNodes[i+j] for a full batch every time and panics
		// when the count is not a multiple of the batch size.
		end := min(start+size, len(items))
		var wg sync.WaitGroup
		for i := start; i < end; i++ {
			// Bad (slide 7): err = handle(...) assigns one shared
			// err from every goroutine: a data race, and all
			// errors but the last are lost.
			// Good: each goroutine writes its own errs[i].
			// And wg.Go defers the Done that slide 23 forgets.
			wg.Go(func() { errs[i] = task.Do(ctx, fn, items[i]) })
		}
		wg.Wait()
	}
	return errs, nil
}
