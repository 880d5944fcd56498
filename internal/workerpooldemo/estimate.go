package workerpooldemo

import (
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/sim"
)

// Estimate is how long Run takes with env's settings, computed from the
// same seeded durations it will run, before any of it runs: the schedule
// of each bounded shape, and the unbounded spike's two waves and timeout.
func Estimate(env report.Env) time.Duration {
	n, workers := env.ItemsOr(Pipelines), env.WorkersOr(BatchSize)
	holds := sim.Scale(sim.Jittered(sim.NewRand(env.Seed), n, TriggerTime, Jitter), env.Scale)
	durs := sim.Scale(sim.Skewed(sim.NewRand(env.Seed), n, FastTrigger, SlowTrigger, SlowShare), env.Scale)
	spike := env.Scaled(AcquireTimeout) + report.Bound(holds, PoolSize)
	return spike + sim.Batched(holds, workers) + 2*sim.Windowed(holds, workers) +
		sim.Batched(durs, workers) + 2*sim.Windowed(durs, workers)
}
