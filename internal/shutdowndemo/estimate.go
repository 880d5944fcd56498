package shutdowndemo

import (
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
)

// Estimate is how long Run takes with env's settings, computed from the
// world's figures before anything runs: the handler that ignores its
// client makes every API call (--items of them), the drains take their
// longest request or their timeout, the deployments their steps, the
// leak its job and its watch, twice.
func Estimate(env report.Env) time.Duration {
	n := env.ItemsOr(ClusterCalls)
	disconnect := time.Duration(n)*env.Scaled(APICallLatency) + env.Scaled(ClientPatience)
	drain := env.Scaled(max(RequestWork, ExportWork)) + env.Scaled(ShortDrain)
	steps := time.Duration(len(deploySteps)) * env.Scaled(DeployStep)
	detach := 2*env.Scaled(UserLeaves) + steps
	leak := 2 * env.Scaled(LeaseJob+leakWatch*LeaseEvery)
	return disconnect + drain + detach + leak
}
