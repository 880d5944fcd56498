package fanoutdemo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/sim"
)

// The slide-10 world, at scale 1, built to the slide's figures. A reachable cluster answers the
// connection test in a few hundred ms; one in ten is unreachable and never
// answers, so its test ends at the per-cluster connect timeout. With 50
// clusters that is 5 timeouts of 3 s plus 45 answers of about 230 ms: about
// 25 s one after the other, and 3 s (one timeout) all at once: slide 24's
// 25 s -> 3 s. (A fleet of one cluster is reachable: see newFleet.)
const (
	Clusters       = 50
	ConnectTimeout = 3 * time.Second
	HandshakeTime  = 230 * time.Millisecond
	Jitter         = 0.4 // ±40% per handshake, seeded
	DownShare      = 0.1 // unreachable clusters
	ClusterLimit   = 20  // the bounded fan-out's least limit; see clusterLimit

	// SequentialBudget is the longest sequential sweep measured (at scale
	// 1): with --items 5000 it would take over half an hour.
	SequentialBudget = time.Minute
)

// clusterLimit is the bounded fan-out's limit: --workers if given, else
// ClusterLimit or a tenth of the fleet, whichever is larger. With 50
// clusters that is 20 (a little slower than all at once); with 5,000 it is
// 500, which keeps the sweep within a few timeouts while starting a tenth
// of the goroutines.
func clusterLimit(env report.Env, n int) int {
	return env.WorkersOr(max(ClusterLimit, n/10))
}

// ErrConnectTimeout is the cause of a connection test that reached the
// per-cluster connect timeout.
var ErrConnectTimeout = errors.New("connect timeout")

// Cluster is one Kubernetes cluster of the fleet under test.
type Cluster struct {
	ID   int
	Name string

	handshake time.Duration // simulated answer time, scaled
	down      bool          // simulated: unreachable, never answers
}

// Version is the Kubernetes version the cluster reports when it answers.
func (c Cluster) Version() string { return fmt.Sprintf("v1.%d.%d", 28+c.ID%4, c.ID%7) }

// fleet is the simulated set of clusters, and the connection test.
type fleet struct {
	clusters []Cluster
	timeout  time.Duration // the per-cluster connect timeout, scaled
	scale    float64
}

// newFleet builds n clusters from the run's seed: the same clusters are
// down in every rehearsal.
func newFleet(env report.Env, n int) fleet {
	r := sim.NewRand(env.Seed)
	hs := sim.Scale(sim.Jittered(r, n, HandshakeTime, Jitter), env.Scale)
	down := sim.Skewed(r, n, 0, 1, DownShare) // 1 marks an unreachable cluster
	if n == 1 {
		// Skewed marks at least one item, and a fleet of one that is
		// down shows nothing but its timeout: --items 1 is the
		// healthy single cluster (the timeout needs two or more).
		down[0] = 0
	}
	f := fleet{clusters: make([]Cluster, n), timeout: env.Scaled(ConnectTimeout), scale: env.Scale}
	for i := range n {
		f.clusters[i] = Cluster{ID: i + 1, Name: fmt.Sprintf("cluster-%02d", i+1),
			handshake: hs[i], down: down[i] == 1}
	}
	return f
}

// test is one cluster's connection test. It always has its own deadline:
// the production test has none, so a single hung cluster holds the whole
// sweep (sequential) or the fan-in (wg.Wait) for as long as the TCP stack
// lets it. Here no cluster can take longer than the connect timeout.
func (f fleet) test(ctx context.Context, c Cluster) (string, error) {
	ctx, cancel := context.WithTimeoutCause(ctx, f.timeout, ErrConnectTimeout)
	defer cancel()
	if c.down {
		<-ctx.Done() // an unreachable cluster never answers
		return "", fmt.Errorf("%s: %w", c.Name, context.Cause(ctx))
	}
	if err := sim.Sleep(ctx, c.handshake); err != nil {
		return "", fmt.Errorf("%s: %w", c.Name, err)
	}
	return c.Version(), nil
}

// durations is how long each cluster's test takes, uncancelled.
func (f fleet) durations() []time.Duration {
	ds := make([]time.Duration, len(f.clusters))
	for i, c := range f.clusters {
		ds[i] = c.handshake
		if c.down {
			ds[i] = f.timeout
		}
	}
	return ds
}

// down is the names of the unreachable clusters: the truth the reports
// are checked against.
func (f fleet) down() []string {
	var names []string
	for _, c := range f.clusters {
		if c.down {
			names = append(names, c.Name)
		}
	}
	return names
}

// sequentialTooLong says whether a sequential sweep would exceed the
// budget, measured at scale 1 so the table has the same rows at any scale.
func (f fleet) sequentialTooLong() bool {
	var sum time.Duration
	for _, d := range f.durations() {
		sum += d
	}
	return float64(sum)/f.scale > float64(SequentialBudget)
}

// misfiled names the first cluster whose reported outcome is not its own:
// an error that names another cluster, a down cluster without its connect
// timeout, or a reachable one with an error other than a timeout; or "".
// A reachable cluster's own timeout is not misfiled: see timedOutAnyway.
func misfiled(f fleet, errs []error) string {
	for i, c := range f.clusters {
		var err error
		if i < len(errs) {
			err = errs[i]
		}
		timedOut := errors.Is(err, ErrConnectTimeout)
		switch {
		case err != nil && !strings.HasPrefix(err.Error(), c.Name+":"):
			return fmt.Sprintf("%s got an error not its own: %v", c.Name, err)
		case c.down && !timedOut:
			return fmt.Sprintf("%s is down but got %v", c.Name, err)
		case !c.down && err != nil && !timedOut:
			return fmt.Sprintf("%s answered but got %v", c.Name, err)
		}
	}
	return ""
}

// timedOutAnyway names the reachable clusters that reached their own
// connect timeout: on a loaded machine a handshake can miss its deadline.
func timedOutAnyway(f fleet, errs []error) []string {
	var late []string
	for i, c := range f.clusters {
		if i < len(errs) && !c.down && errors.Is(errs[i], ErrConnectTimeout) {
			late = append(late, c.Name)
		}
	}
	return late
}
