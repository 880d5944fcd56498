// Package sim is the simulated world of the distributed demo: seeded
// latencies, the fastest schedule under a bound, and the database pool.
// It is the demo's, not the lesson.
//
// The main module has its own internal/sim; this module keeps its own small
// copy of the parts it needs (the same seeding, the same Bound, the same
// pool semantics) so that it needs nothing from the main module, and the
// main module nothing from NATS.
package sim

import (
	"math/rand/v2"
	"slices"
	"time"
)

// NewRand returns a generator seeded with seed: the same seed gives the
// same latencies, so every rehearsal does the same work. It seeds as the
// main module's sim.NewRand does.
func NewRand(seed int64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), 0x5eed))
}

// Jittered returns n latencies of base, each moved by up to ±jitter of base
// (jitter 0.05 gives 190..210 ms for 200 ms), drawn from r, then multiplied
// by scale.
func Jittered(r *rand.Rand, n int, base time.Duration, jitter, scale float64) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		f := 1 + jitter*(2*r.Float64()-1)
		out[i] = time.Duration(float64(base) * f * scale)
	}
	return out
}

// Bound is the fastest any schedule could finish tasks with at most limit
// running at once: the largest of the total work spread over limit runners,
// the longest task, and ceil(n/limit) of the shortest. For n equal tasks
// of L it is ceil(n/limit)*L. A limit below 1 is taken as 1.
func Bound(tasks []time.Duration, limit int) time.Duration {
	if len(tasks) == 0 {
		return 0
	}
	limit = max(limit, 1)
	var sum time.Duration
	for _, t := range tasks {
		sum += t
	}
	rounds := (len(tasks) + limit - 1) / limit
	return max(sum/time.Duration(limit), slices.Max(tasks), time.Duration(rounds)*slices.Min(tasks))
}
