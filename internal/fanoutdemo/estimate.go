package fanoutdemo

import (
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/sim"
)

// Estimate is how long Run takes with env's settings, computed from the
// fleet it will test: the three status fetches, then the sweep one at a
// time (unless over its budget), all at once twice, and in a window.
func Estimate(env report.Env) time.Duration {
	status := env.Scaled(CIStatusTime+CDStatusTime) + 2*env.Scaled(max(CIStatusTime, CDStatusTime))
	n := env.ItemsOr(Clusters)
	f := newFleet(env, n)
	ds := f.durations()
	sweep := 2*report.Bound(ds, n) + sim.Windowed(ds, clusterLimit(env, n))
	if !f.sequentialTooLong() {
		sweep += sim.Windowed(ds, 1)
	}
	return status + sweep
}
