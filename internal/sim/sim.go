// Package sim is the simulated world the demo's scenarios run in: seeded
// latencies, ctx-aware waits and a database connection pool. It is shared
// by the pattern packages and is not part of the lesson.
//
// Every wait is a timer or a channel, never a busy loop, so a test can run
// a scenario inside a testing/synctest bubble, where time is virtual and
// the durations it asserts are exact.
package sim

import (
	"context"
	"math/rand/v2"
	"slices"
	"time"
)

// Sleep waits for d, or until ctx is done, whichever is first. It returns
// nil after a full wait and the context's cause otherwise: this is how every
// simulated call stops within one step of a cancellation.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// NewRand returns a generator seeded with seed: the same seed gives the same
// latencies, so every rehearsal of the demo does the same work.
func NewRand(seed int64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), 0x5eed))
}

// Jittered returns n latencies of base, each moved by up to ±jitter of base
// (jitter 0.1 gives 90..110 ms for 100 ms), drawn from r.
func Jittered(r *rand.Rand, n int, base time.Duration, jitter float64) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		f := 1 + jitter*(2*r.Float64()-1)
		out[i] = time.Duration(float64(base) * f)
	}
	return out
}

// Skewed returns n latencies where a fraction slowFrac of them (rounded
// down, at least one when n > 0 and slowFrac > 0) take slow and the rest
// take fast, at positions drawn from r: the workload where batches wait for
// their slowest member.
func Skewed(r *rand.Rand, n int, fast, slow time.Duration, slowFrac float64) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = fast
	}
	k := int(float64(n) * slowFrac)
	if k == 0 && n > 0 && slowFrac > 0 {
		k = 1
	}
	for _, i := range r.Perm(n)[:k] {
		out[i] = slow
	}
	return out
}

// Scale multiplies every duration in ds by f, in place, and returns ds.
func Scale(ds []time.Duration, f float64) []time.Duration {
	for i, d := range ds {
		ds[i] = time.Duration(float64(d) * f)
	}
	return ds
}

// Batched is how long tasks of these durations take in batches of size,
// each batch starting when the last one has ended: the sum of each batch's
// longest. Tests use it to assert a batch shape's exact time.
func Batched(ds []time.Duration, size int) time.Duration {
	var t time.Duration
	for b := range slices.Chunk(ds, max(size, 1)) {
		t += slices.Max(b)
	}
	return t
}

// Windowed is how long tasks of these durations take in a sliding window
// of size, each starting, in order, on the first slot to come free: the
// schedule of errgroup.SetLimit, a semaphore or a worker pool. Tests use it
// to assert a window shape's exact time.
func Windowed(ds []time.Duration, size int) time.Duration {
	free := make([]time.Duration, max(size, 1))
	var end time.Duration
	for _, d := range ds {
		i := slices.Index(free, slices.Min(free))
		free[i] += d
		end = max(end, free[i])
	}
	return end
}
