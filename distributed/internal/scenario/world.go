// Package scenario runs the distributed demo's variants and measures them:
// it sets up the stream, the consumer, the ledger and the database, starts
// the replicas, publishes the CI build's triggers, disrupts a replica (or a
// server) mid-run, and counts what came of every trigger. It is the demo's,
// not the lesson; it never prints (an Observer does).
package scenario

import (
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/distributed/internal/fleet"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/distributed/internal/report"
)

// The world at scale 1, the figures. --scale multiplies every
// duration here.
//
// The acquire timeout is half a trigger's hold, so a caller that finds all
// ten connections busy gives up before any of them frees: that is why the
// per-replica variant's five over-bound triggers fail rather than queue.
// The simulation is built to the figures; a real pool often waits
// seconds, and then a bound multiplied by the replicas shows up as queueing
// and time-outs further along (or, with max_connections, as refused
// connections) instead of as failures here.
const (
	Triggers       = 100                    // CD triggers one CI build publishes
	Build          = 1842                   // the CI build's number, in the trigger IDs
	Hold           = 200 * time.Millisecond // one trigger's hold on a database connection
	Jitter         = 0.05                   // ±5% per trigger, seeded
	PoolSize       = 10                     // database connections, shared by every replica
	AcquireTimeout = 100 * time.Millisecond // a caller waits this long for a connection, then fails
	PerReplica     = 5                      // each replica's in-process limit (slide 7's batch)
	Replicas       = 3                      // replica processes
	// AckWait: five holds, so no healthy trigger outlasts it (a hold, plus
	// a wait for a connection), short enough for the demo's tail to show.
	// Production used 120 s.
	AckWait = time.Second
	// PullWait: one pull's wait at the server; a stopping replica waits
	// for its pulls in flight at most this long.
	PullWait = 250 * time.Millisecond
)

// Disruption is what happens to the run mid-way.
type Disruption int

const (
	None       Disruption = iota
	KillOne               // SIGKILL one replica
	TermOne               // SIGTERM one replica
	KillLeader            // shut down the server leading the stream (--cluster)
)

// Variant is one way of running the triggers.
type Variant struct {
	Name, Role string
	// MaxAckPending of the shared consumer; -1: none (the bound is only
	// each replica's own).
	MaxAckPending int
	Disrupt       Disruption
}

// Variants are the variants run on one server, in order.
func Variants() []Variant {
	return []Variant{
		{Name: "per-replica", Role: "bad", MaxAckPending: -1},
		{Name: "global", Role: "fix", MaxAckPending: PoolSize},
		{Name: "kill -9", Role: "fix", MaxAckPending: PoolSize, Disrupt: KillOne},
		{Name: "SIGTERM", Role: "fix", MaxAckPending: PoolSize, Disrupt: TermOne},
	}
}

// ClusterVariants are the variants run on a three-server cluster.
func ClusterVariants() []Variant {
	return []Variant{
		{Name: "global R3", Role: "fix", MaxAckPending: PoolSize},
		{Name: "leader killed", Role: "fix", MaxAckPending: PoolSize, Disrupt: KillLeader},
	}
}

// Cluster is a cluster whose members can be killed (natsd.Cluster).
type Cluster interface {
	Size() int
	Kill(server string) error // SIGKILL the member called server
}

// World is where the variants run.
type World struct {
	URLs     []string // the servers' client URLs
	Cluster  Cluster  // the cluster, for KillLeader; nil otherwise
	Copies   int      // copies of the stream, consumer and ledger: 1, or 3 in a cluster
	Launch   fleet.Launcher
	Replicas int
	Items    int
	Scale    float64
	Seed     int64
	// RunID makes this run's stream, bucket and subject names unique, so
	// a run against a shared server (--nats) touches nothing of anyone's.
	RunID string
}

func (w World) scaled(d time.Duration) time.Duration {
	return time.Duration(float64(d) * w.Scale)
}

// Observer is told about a run as it goes: the text view shows each row
// the moment its variant is measured.
type Observer interface {
	ScenarioStart(p report.Pattern)
	// VariantStart is called as a variant's clock starts; progress reports
	// the triggers with an outcome so far and those in hand now. The
	// returned end is called when the variant ends.
	VariantStart(name string, progress func() (done, inflight int)) (end func())
	VariantEnd(p report.Pattern, v report.Variant)
	Notice(p report.Pattern, line string)
	Announce(line string)
}
