package hibernationdemo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/hibernation"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/sim"
)

// The slide-18 world, at scale 1, built to the slide's figures: an
// application of 100 Kubernetes resources, each checked by one API call of
// about 50 ms, so 100 one after the other take about 5 s.
const (
	Resources = 100
	CheckTime = 50 * time.Millisecond
	Jitter    = 0.1 // ±10% per call (45-55 ms), seeded
	BatchSize = 10  // slide 19's; the production code uses 5 (--workers 5)
)

// Resource is one Kubernetes resource of the application.
type Resource struct {
	Kind     string
	Name     string
	Replicas int // desired replicas of a workload; -1 for other kinds

	latency time.Duration // simulated: how long the API call takes, scaled
}

// workload says whether a kind has replicas that hibernation scales to zero.
func workload(kind string) bool {
	switch kind {
	case "Deployment", "StatefulSet", "Rollout":
		return true
	}
	return false
}

// newResources builds n resources from seed: about 60% workloads, a third
// of which are already scaled to zero. latency is each call's time at
// scale 1 before jitter.
func newResources(seed int64, n int, scale float64, latency time.Duration, jitter float64) []Resource {
	r := sim.NewRand(seed)
	lat := sim.Scale(sim.Jittered(r, n, latency, jitter), scale)
	kinds := []string{"Deployment", "StatefulSet", "Rollout", "Service", "ConfigMap"}
	rs := make([]Resource, n)
	for i := range rs {
		kind := kinds[r.IntN(len(kinds))]
		rs[i] = Resource{Kind: kind, Name: fmt.Sprintf("%s/app-%03d", kind, i+1),
			Replicas: replicas(r, kind), latency: lat[i]}
	}
	return rs
}

func replicas(r *rand.Rand, kind string) int {
	switch {
	case !workload(kind):
		return -1
	case r.IntN(3) == 0:
		return 0
	}
	return 1 + r.IntN(3)
}

// checkNode is one resource's check: an API call (simulated), then the
// verdict from what the API returned. It stops when ctx is done.
func checkNode(ctx context.Context, r Resource) (hibernation.Verdict, error) {
	if err := sim.Sleep(ctx, r.latency); err != nil {
		return hibernation.Verdict{}, fmt.Errorf("check %s: %w", r.Name, err)
	}
	if !workload(r.Kind) {
		return hibernation.Verdict{}, nil
	}
	return hibernation.Verdict{CanHibernate: r.Replicas > 0, Hibernated: r.Replicas == 0}, nil
}

// truth counts what a complete check must find, without checking: the
// figure every variant's counters are compared with.
func truth(rs []Resource) hibernation.Counts {
	var c hibernation.Counts
	for _, r := range rs {
		switch {
		case r.Replicas > 0:
			c.CanBeHibernated++
		case r.Replicas == 0:
			c.Hibernated++
		}
	}
	c.Checked = uint64(len(rs))
	return c
}

func latencies(rs []Resource) []time.Duration {
	ds := make([]time.Duration, len(rs))
	for i, r := range rs {
		ds[i] = r.latency
	}
	return ds
}
