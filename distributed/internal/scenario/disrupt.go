package scenario

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// killNow says whether this is the moment to SIGKILL the victim: when it
// holds a trigger past its effect and one before it (both cases the ledger
// must handle), or, failing that, when one of its triggers is about to end
// (a kill later would find it holding nothing). The parent knows each
// trigger's Prepare and Hold, and when each delivery began; the ledger
// tells afterwards which ones really were past their effect.
func (m *measurement) killNow(now time.Time) bool {
	held := m.tally.held(m.reps[min(1, len(m.reps)-1)].Name())
	margin := m.w.scaled(Hold) / 20
	past, before, ending := 0, 0, 0
	for _, h := range held {
		t := m.byID[h.id]
		in := now.Sub(h.since)
		switch {
		case in > t.Hold-margin:
			ending++
		case in > t.Prepare+margin:
			past++
		case in < t.Prepare-margin:
			before++
		}
	}
	return (past > 0 && before > 0) || ending > 0
}

// disrupt does the variant's disruption, once the victim holds something.
func (m *measurement) disrupt(ctx context.Context, start time.Time, wg *sync.WaitGroup) {
	if m.v.Disrupt == KillLeader {
		ictx, cancel := context.WithTimeout(ctx, time.Second)
		defer cancel()
		si, err := m.stream.Info(ictx)
		if err != nil || si.Cluster == nil || si.Cluster.Leader == "" || m.w.Cluster == nil {
			return // try again at the next event
		}
		if ci, err := m.cons.Info(ictx); err == nil && ci.Cluster != nil {
			m.consumerLeader = ci.Cluster.Leader
		}
		m.victim, m.disruptedAt = si.Cluster.Leader, time.Since(start)
		m.disruptErr = m.w.Cluster.Kill(si.Cluster.Leader)
		return
	}
	r := m.reps[min(1, len(m.reps)-1)] // replica-2
	held := m.tally.holding(r.Name())
	if held == 0 {
		return // a kill with nothing in hand shows nothing: wait for work
	}
	m.victim, m.heldAtHit, m.disruptedAt = r.Name(), held, time.Since(start)
	hit := time.Now()
	var err error
	if m.v.Disrupt == KillOne {
		err = r.Kill()
	} else {
		err = r.Term()
	}
	if err != nil {
		m.disruptErr = err
		return
	}
	// Owned by measure: ends when the victim exits (stopAll kills it at
	// the latest).
	wg.Go(func() {
		<-r.Done()
		m.exitedAfter = time.Since(hit)
		m.victimExit = r.Err()
	})
}

// stopAll ends every replica: SIGTERM and a drain normally, SIGKILL when
// interrupted or when one does not exit in time. It returns once all have
// exited.
func (m *measurement) stopAll(hard bool) {
	for _, r := range m.reps {
		if hard {
			_ = r.Kill()
		} else {
			_ = r.Term()
		}
	}
	t := time.NewTimer(m.w.scaled(AckWait) + 5*time.Second)
	defer t.Stop()
	for _, r := range m.reps {
		select {
		case <-r.Done():
		case <-t.C:
			for _, r := range m.reps {
				_ = r.Kill()
			}
			<-r.Done()
		}
	}
}

// colocateLeaders moves the leaders of the consumer and of the ledger's
// stream onto the server that leads the work queue, so that killing that
// server fails over all three at once: the worst case, which is the one
// worth showing. (Left where the cluster put them, the stream leader's
// death can go almost unnoticed.) Setup, not measured; it waits up to 30s.
func (m *measurement) colocateLeaders(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for {
		si, err := m.stream.Info(ctx)
		if err != nil {
			return fmt.Errorf("colocate leaders: %w", err)
		}
		leader := ""
		if si.Cluster != nil {
			leader = si.Cluster.Leader
		}
		ci, err := m.cons.Info(ctx)
		if err != nil {
			return fmt.Errorf("colocate leaders: %w", err)
		}
		kv, err := m.js.Stream(ctx, "KV_"+m.name("bucket"))
		if err != nil {
			return fmt.Errorf("colocate leaders: %w", err)
		}
		ki, err := kv.Info(ctx)
		if err != nil {
			return fmt.Errorf("colocate leaders: %w", err)
		}
		moved := true
		if leader != "" && ci.Cluster != nil && ci.Cluster.Leader != leader {
			moved = false
			m.stepDown(ctx, "$JS.API.CONSUMER.LEADER.STEPDOWN."+m.name("stream")+"."+durable, leader)
		}
		if leader != "" && ki.Cluster != nil && ki.Cluster.Leader != leader {
			moved = false
			m.stepDown(ctx, "$JS.API.STREAM.LEADER.STEPDOWN.KV_"+m.name("bucket"), leader)
		}
		if moved {
			return nil
		}
		t := time.NewTimer(100 * time.Millisecond) // an election to finish
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("colocate leaders: %w", context.Cause(ctx))
		}
	}
}

// stepDown asks the group's leader to hand over to server: a request of
// JetStream's API that nats.go has no method for.
func (m *measurement) stepDown(ctx context.Context, subject, server string) {
	body := fmt.Sprintf(`{"placement":{"preferred":%q}}`, server)
	_, _ = m.nc.RequestWithContext(ctx, subject, []byte(body)) // checked by the caller's next look
}
