package ssedemo

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// deployments makes the simulated Devtron-style status updates the demo
// publishes: which app is rolling out where, how far it got, and its pods.
// Several lines each, so the stream shows multi-line data.
type deployments struct {
	r   *rand.Rand
	seq int
}

var (
	apps = []string{"payments-api", "checkout-web", "orders-worker", "auth-service", "catalog-api", "notifications"}
	envs = []string{"dev", "staging", "prod"}
)

// next returns the next update's data: a headline, then one line per pod
// of the rollout, as a resource-tree status lists them.
func (d *deployments) next() string {
	d.seq++
	app := apps[d.r.IntN(len(apps))]
	pods := 2 + d.r.IntN(4)
	ready := d.r.IntN(pods + 1)
	crashing := ready < pods && d.r.IntN(6) == 0 // one pod in a crash loop
	status := "Progressing"
	switch {
	case crashing:
		status = "Degraded"
	case ready == pods:
		status = "Healthy"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s -> %s: %s (pipeline #%d, %d/%d pods ready)",
		app, envs[d.r.IntN(len(envs))], status, 1000+d.seq, ready, pods)
	for i := range pods {
		phase, restarts := "Running  1/1", 0
		switch {
		case i < ready:
		case crashing && i == ready:
			phase, restarts = "CrashLoopBackOff  0/1", 3+d.r.IntN(4)
		default:
			phase = "Pending  0/1"
		}
		fmt.Fprintf(&b, "\n  pod %s-%05x  %s  restarts %d", app, d.r.IntN(1<<20), phase, restarts)
	}
	return b.String()
}
