package ssedemo

import (
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
)

// Estimate is how long Run takes: the blocking variant stalls until the
// demo's deadline, twice the publishing time; select+default publishes
// every event once. Neither depends on the number of clients.
func Estimate(env report.Env) time.Duration {
	publish := time.Duration(Events) * env.Scaled(Interval)
	return 2*publish + publish
}
