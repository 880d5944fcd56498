package hibernationdemo

import (
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/sim"
)

// Estimate is how long Run takes with env's settings, computed from the
// seeded latencies it will run: one at a time, in batches, in a window.
func Estimate(env report.Env) time.Duration {
	n, size := env.ItemsOr(Resources), env.WorkersOr(BatchSize)
	lat := latencies(newResources(env.Seed, n, env.Scale, CheckTime, Jitter))
	return sim.Windowed(lat, 1) + sim.Batched(lat, size) + sim.Windowed(lat, size)
}
