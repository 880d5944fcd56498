package workerpool

import (
	"context"

	"golang.org/x/sync/errgroup"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/task"
)

// Limit runs fn for items with at most limit running at once, using
// errgroup.Group.SetLimit: the same sliding window as [Pool], without the
// channel and the workers to get right. This is the one to copy.
//
// It returns one error per item, in item order (nil for success). When ctx
// is done, no more items start, the ones running finish (fn sees ctx), and
// the rest get an error wrapping ErrNotStarted. It returns a nil slice and
// an error wrapping ErrLimit if limit is below 1 (SetLimit would take a
// negative limit as "no limit"), and runs nothing.
//
// Why not errgroup.WithContext: its context is cancelled by the first
// error, so one failed CD trigger would cancel the other 99 pipelines.
// Triggers are independent; every one gets its own outcome. Use WithContext
// when one failure makes the rest pointless (fanout's status fetch).
func Limit[T any](ctx context.Context, items []T, limit int, fn func(context.Context, T) error) ([]error, error) {
	if err := checkLimit("limit", limit); err != nil {
		return nil, err
	}
	errs := make([]error, len(items))
	var g errgroup.Group
	g.SetLimit(limit)
	started := 0
	for ; started < len(items) && ctx.Err() == nil; started++ {
		i := started
		// Go blocks while limit goroutines run: the sliding window.
		g.Go(func() error {
			errs[i] = task.Do(ctx, fn, items[i])
			return nil // the error is the item's, not the group's
		})
	}
	_ = g.Wait() // always nil: every goroutine returns nil
	task.MarkNotStarted(ctx, errs[started:])
	return errs, nil
}
