package ratelimitdemo

import (
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/sim"
)

// Estimate is how long Run takes with env's settings, computed from the
// seeded latencies: one at a time, all at once (and the retries' waves of
// Retry-After, one per MaxInflight refused), in batches, in a window, and
// the token bucket's tokens past its burst.
func Estimate(env report.Env, opts Options) time.Duration {
	opts = opts.withDefaults()
	n, workers := env.ItemsOr(Manifests), env.WorkersOr(Workers)
	lat := sim.Scale(sim.Jittered(sim.NewRand(env.Seed), n, Latency, Jitter), env.Scale)
	waves := min((n+opts.MaxInflight-1)/opts.MaxInflight, MaxRetries+1)
	retry := time.Duration(waves) * (env.Scaled(RetryAfter*time.Second) + report.Bound(lat, n))
	bucket := max(rateBound(lat, opts.ClientQPS/env.Scale, opts.ClientBurst), sim.Windowed(lat, workers))
	return sim.Windowed(lat, 1) + report.Bound(lat, n) + retry + sim.Batched(lat, workers) + sim.Windowed(lat, workers) + bucket
}
