package scenario

import (
	"context"
	"sync"
	"time"
)

// disrupt does the variant's disruption, once the victim holds something.
func (m *measurement) disrupt(ctx context.Context, start time.Time, wg *sync.WaitGroup) {
	if m.v.Disrupt == KillLeader {
		ictx, cancel := context.WithTimeout(ctx, time.Second)
		si, err := m.stream.Info(ictx)
		cancel()
		if err != nil || si.Cluster == nil || si.Cluster.Leader == "" || m.w.Cluster == nil {
			return // try again at the next event
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
