package fanout

import (
	"context"
	"fmt"

	"golang.org/x/sync/errgroup"
)

// Limit is [All] with at most limit calls running at once, using
// errgroup.Group.SetLimit: a new call starts as soon as one finishes (a
// sliding window). With 50 clusters and a limit of 50 it is All; with 5,000
// clusters it keeps 50 goroutines instead of starting 5,000.
//
// It returns one Result per item, in item order. When ctx is done, no more
// items start, the running ones finish (fn sees ctx), and the rest get an
// error wrapping ErrNotStarted. It returns a nil slice and an error
// wrapping ErrLimit if limit is below 1 (SetLimit takes a negative limit
// as "no limit"), and calls nothing.
//
// Why not errgroup.WithContext here: the first failed cluster would cancel
// the test of all the others, and the point of the sweep is every cluster's
// own answer. A call's error is its item's result, never the group's.
func Limit[T, R any](ctx context.Context, items []T, limit int, fn func(context.Context, T) (R, error)) ([]Result[R], error) {
	if limit < 1 {
		return nil, fmt.Errorf("%w (limit %d)", ErrLimit, limit)
	}
	rs := make([]Result[R], len(items))
	var g errgroup.Group
	g.SetLimit(limit)
	started := 0
	for ; started < len(items) && ctx.Err() == nil; started++ {
		i := started
		// Go blocks while limit goroutines run.
		g.Go(func() error {
			rs[i] = call(ctx, fn, items[i])
			return nil
		})
	}
	_ = g.Wait() // always nil: every goroutine returns nil
	notStarted(ctx, rs[started:])
	return rs, nil
}
