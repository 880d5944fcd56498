package workerpool

import (
	"context"

	"golang.org/x/sync/errgroup"
)

// Window calls fn for items with at most limit running at once: a sliding
// window. A new item starts the moment any one ends, so no slot waits for a
// slow neighbour as in [Batches]. This is the one to copy.
//
// Window returns one Result per item, in item order. Once ctx is done, no
// more items start, the running ones finish (fn sees ctx), and the rest get
// an error wrapping ErrNotStarted. A panic in fn is that item's
// *PanicError. If limit is below 1, nothing runs and every item's error
// wraps ErrLimit (SetLimit would take a negative limit as "no limit", and 0
// as "block for ever").
//
// The window is errgroup.Group with SetLimit, the standard tool, and the
// module uses it wherever it needs one. Designs rejected:
//   - errgroup.WithContext: its context is cancelled by the first error,
//     so one failed CD trigger would cancel the other 99. Items here are
//     independent and every one gets its own outcome, so fn's error is the
//     item's, never the group's. (fanout.BothFailFast is where failing
//     fast is right.)
//   - semaphore.Weighted, whose Acquire takes a context: Group.Go waits for
//     a slot without one, but Window waits for the running items anyway
//     before it returns, and they see ctx; the item Go then starts does
//     not run fn. The semaphore costs about 1.5 times as much per item,
//     with twice the allocations (see the benchmarks).
//   - a goroutine per item, each waiting for a slot: 10,000 items would
//     park 10,000 goroutines. Here at most limit exist at once.
func Window[T, R any](ctx context.Context, items []T, limit int, fn func(context.Context, T) (R, error)) []Result[R] {
	if rs, bad := badLimit[R]("limit", limit, len(items)); bad {
		return rs
	}
	w := &window[T, R]{ctx: ctx, fn: fn, items: items, rs: make([]Result[R], len(items)), skip: newSkip(ctx)}
	var g errgroup.Group
	g.SetLimit(limit)
	started := 0
	for ; started < len(items) && !w.skip.now(); started++ {
		i := started
		// Go blocks while limit goroutines run: the sliding window.
		g.Go(func() error { w.do(i); return nil }) // the error is the item's, not the group's
	}
	_ = g.Wait() // always nil: every goroutine returns nil
	if started < len(items) {
		fill(w.rs[started:], w.skip.error())
	}
	return w.rs
}

// window is one call of Window: what each item's goroutine needs, behind
// one pointer, so that a goroutine's closure holds two words, not eleven.
type window[T, R any] struct {
	ctx   context.Context
	fn    func(context.Context, T) (R, error)
	items []T
	rs    []Result[R]
	skip  *skip
}

// do runs item i, unless ctx ended while Go waited for its slot.
func (w *window[T, R]) do(i int) {
	if w.skip.now() {
		w.rs[i].Err = w.skip.error()
		return
	}
	w.rs[i] = run(w.ctx, w.fn, w.items[i])
}
