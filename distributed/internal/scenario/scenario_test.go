package scenario

import (
	"fmt"
	"os"
	"testing"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/distributed/internal/fleet"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/distributed/internal/natsd"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/distributed/internal/natsdtest"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/distributed/internal/report"
)

// srv is the package's embedded server, shut down before goleak looks.
var srv *natsd.Server

func TestMain(m *testing.M) { natsdtest.Main(m, &srv) }

// testScale: a trigger holds its connection 50ms, AckWait is 250ms.
const testScale = 0.25

// measure runs one variant with in-process replicas (the same replica code
// as the processes, on connections of their own) and checks the report
// contract every variant keeps.
func measure(t *testing.T, v Variant) report.Variant {
	t.Helper()
	w := World{URLs: []string{srv.URL()}, Copies: 1, Launch: fleet.InProcess(), Replicas: Replicas,
		Items: Triggers, Scale: testScale, Seed: 1, RunID: fmt.Sprintf("t%d", os.Getpid())}
	p, err := Run(t.Context(), w, []Variant{v}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Variants) != 1 {
		t.Fatalf("%d variants measured; want 1", len(p.Variants))
	}
	rv := p.Variants[0]
	t.Logf("%s: wall %.0fms, in flight %d (server %d), ok %d, failed %d, delivered %d, redelivered %d, prevented %d, lost %d; %s",
		rv.Name, rv.WallMS, rv.PeakInflight, rv.PeakAckPending, rv.OK, rv.Failed, rv.Delivered, rv.Redelivered,
		rv.DuplicateEffectsPrevented, rv.Lost, rv.Notes)
	if rv.OK+rv.Failed != Triggers {
		t.Errorf("ok %d + failed %d != %d triggers", rv.OK, rv.Failed, Triggers)
	}
	if rv.Lost != 0 || rv.DuplicateEffects != 0 {
		t.Errorf("%d lost, %d effects done twice; want none", rv.Lost, rv.DuplicateEffects)
	}
	if rv.PeakDBConnections > PoolSize {
		t.Errorf("%d database connections at once; the pool has %d", rv.PeakDBConnections, PoolSize)
	}
	if rv.Delivered < Triggers {
		t.Errorf("%d delivered; want every one of %d at least once", rv.Delivered, Triggers)
	}
	return rv
}

// The global bound is never exceeded, counted by the handlers and by the
// server, and nothing fails.
func TestGlobalBoundNeverExceeded(t *testing.T) {
	rv := measure(t, Variants()[1])
	if rv.PeakInflight > PoolSize || rv.PeakAckPending > PoolSize {
		t.Errorf("%d in flight (server: %d ack-pending); the bound is %d", rv.PeakInflight, rv.PeakAckPending, PoolSize)
	}
	if rv.PeakInflight < PoolSize {
		t.Errorf("only %d in flight at most: the bound was never reached, so nothing was shown", rv.PeakInflight)
	}
	if rv.Failed != 0 {
		t.Errorf("%d failed; want 0 (%s)", rv.Failed, rv.Notes)
	}
}

// The bound in each replica multiplies: 3 x 5 in flight against 10
// connections, and triggers fail.
func TestPerReplicaExceedsTheBound(t *testing.T) {
	rv := measure(t, Variants()[0])
	if rv.PeakInflight != Replicas*PerReplica || rv.PeakAckPending <= PoolSize {
		t.Errorf("%d in flight (server: %d); want %d, above the pool's %d", rv.PeakInflight, rv.PeakAckPending,
			Replicas*PerReplica, PoolSize)
	}
	if rv.Failed == 0 {
		t.Error("no trigger failed with 15 in flight against 10 connections")
	}
}

// A crashed replica's triggers are redelivered after AckWait, and each
// effect happens once.
func TestCrashedReplicaRedelivered(t *testing.T) {
	// The kill is timed from the parent's view of the replica's work; on
	// a loaded machine the replica can lag it, and be killed holding no
	// trigger past its effect, which leaves the ledger nothing to show:
	// try again, a few times, for a kill that does.
	var rv report.Variant
	for range 3 {
		rv = measure(t, Variants()[2])
		if rv.HeldPastEffect > 0 {
			break
		}
	}
	if rv.Redelivered == 0 {
		t.Fatalf("nothing redelivered after the crash (%s)", rv.Notes)
	}
	if rv.OK != Triggers || rv.Failed != 0 {
		t.Errorf("ok %d, failed %d; want every trigger effected", rv.OK, rv.Failed)
	}
	// Killed holding triggers past their effect: every one's redelivery
	// found the effect in the ledger and did nothing (measure checks that
	// no effect happened twice).
	if rv.HeldPastEffect == 0 || rv.DuplicateEffectsPrevented < rv.HeldPastEffect {
		t.Errorf("%d held past their effect, %d redeliveries found it done (%s); want them all, and some",
			rv.HeldPastEffect, rv.DuplicateEffectsPrevented, rv.Notes)
	}
	if rv.TailMS < 0.5*rv.AckWaitMS {
		t.Errorf("a %.0fms tail; the crash's triggers waited for AckWait (%.0fms)", rv.TailMS, rv.AckWaitMS)
	}
}

// A replica stopped with SIGTERM finishes what it holds: nothing waits for
// AckWait, nothing is lost.
func TestStoppedReplicaDrains(t *testing.T) {
	rv := measure(t, Variants()[3])
	if rv.OK != Triggers {
		t.Errorf("ok %d; want %d", rv.OK, Triggers)
	}
	if waited := rv.Redelivered - rv.Nakked; waited != 0 {
		t.Errorf("%d redelivered after AckWait (%s); want 0", waited, rv.Notes)
	}
}
