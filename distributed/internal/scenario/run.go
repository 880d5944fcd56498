package scenario

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/distributed/autotrigger"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/distributed/internal/report"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/distributed/internal/sim"
)

// Run measures vs in w, one after the other, telling obs (if not nil)
// about each as it ends. It returns the scenario as measured so far, also
// when ctx ends first (then with ctx's cause) or a variant cannot be set
// up (then with that error).
func Run(ctx context.Context, w World, vs []Variant, obs Observer) (report.Pattern, error) {
	p := report.Pattern{
		Pattern: "distributed", Slides: "6 (at scale)", Items: w.Items,
		Scenario: fmt.Sprintf("CI build succeeded: %d CD triggers on a JetStream work queue, %d replicas, DB pool of %d",
			w.Items, w.Replicas, PoolSize),
	}
	if w.Cluster != nil {
		p.Scenario = fmt.Sprintf("%d-server cluster, stream, consumer and ledger in %d copies: %d CD triggers, %d replicas",
			w.Cluster.Size(), w.Copies, w.Items, w.Replicas)
	}
	nc, err := nats.Connect(joinURLs(w.URLs), nats.Name("gce-distributed-parent"),
		nats.ReconnectWait(100*time.Millisecond), nats.MaxReconnects(-1))
	if err != nil {
		return p, fmt.Errorf("connect to %s: %w", joinURLs(w.URLs), err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return p, err
	}
	if err := waitJetStream(ctx, js); err != nil {
		return p, err
	}
	if obs != nil {
		obs.ScenarioStart(p)
	}

	r := sim.NewRand(w.Seed)
	holds := sim.Jittered(r, w.Items, Hold, Jitter, w.Scale)
	ts := make([]autotrigger.Trigger, w.Items)
	for i := range ts {
		// The effect comes a quarter to three quarters into the hold, so a
		// replica killed mid-work holds some triggers before their effect
		// and some after.
		prepare := time.Duration(float64(holds[i]) * (0.25 + 0.5*r.Float64()))
		ts[i] = autotrigger.Trigger{ID: autotrigger.TriggerID(Build, i+1), Hold: holds[i], Prepare: prepare}
	}
	// Each variant's stream and ledger are deleted at the end of the run,
	// not at the end of the variant. Deleting an account's last stream
	// makes nats-server remove the account's streams folder in the
	// background, and a stream created at that moment fails with "could
	// not create storage directory" (seen with 2.15.2).
	var cleanups []func(context.Context) error
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		for _, f := range slices.Backward(cleanups) {
			_ = f(cctx) // best effort: after an interrupt the servers may be gone
		}
	}()
	byID := make(map[string]autotrigger.Trigger, len(ts))
	for _, t := range ts {
		byID[t.ID] = t
	}
	var dropped []int
	var clauses []string
	for i, v := range vs {
		if v.Disrupt != None && v.Disrupt != KillLeader && w.Replicas < 2 {
			if obs != nil {
				obs.Announce(fmt.Sprintf("  %s skipped: it stops a replica, and with --replicas 1 none would be left", v.Name))
			}
			continue
		}
		m := &measurement{w: w, v: v, idx: i, nc: nc, js: js, ts: ts, byID: byID, holds: holds,
			later: func(f func(context.Context) error) { cleanups = append(cleanups, f) }}
		if obs != nil {
			m.end = obs.VariantStart(v.Name, m.progress)
		}
		rv, err := m.run(ctx)
		if m.end != nil {
			m.end()
		}
		if err != nil && !rv.Partial {
			return p, fmt.Errorf("%s: %w", v.Name, err)
		}
		p.Variants = append(p.Variants, rv)
		dropped = append(dropped, m.dropped)
		clauses = append(clauses, clause(v, w, rv))
		if obs != nil {
			obs.VariantEnd(p, rv)
		}
		if err != nil {
			return p, err
		}
	}
	p.Notice = notice(clauses, dropped, w.Items)
	if obs != nil && p.Notice != "" {
		obs.Notice(p, p.Notice)
	}
	return p, nil
}

// waitJetStream waits until JetStream answers: at once on one server; in a
// fresh cluster once the servers have elected their meta leader. Setup,
// not measured; it gives up after a minute.
func waitJetStream(ctx context.Context, js jetstream.JetStream) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	pause := 50 * time.Millisecond
	for {
		actx, acancel := context.WithTimeout(ctx, 2*time.Second)
		_, err := js.AccountInfo(actx)
		acancel()
		switch {
		case err == nil:
			return nil
		case errors.Is(err, jetstream.ErrJetStreamNotEnabled), errors.Is(err, jetstream.ErrJetStreamNotEnabledForAccount):
			return fmt.Errorf("the NATS server has no JetStream (start it with -js): %w", err)
		}
		t := time.NewTimer(pause)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("JetStream not ready: %w (%w)", context.Cause(ctx), err)
		}
		pause = min(2*pause, time.Second)
	}
}

func joinURLs(urls []string) string { return strings.Join(urls, ",") }
