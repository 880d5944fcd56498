package scenario

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/distributed/autotrigger"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/distributed/internal/report"
)

// figures fills in rv from what was counted: the tally's reports, the
// sampler's series, and two audits that do not depend on any report
// arriving: the server's delivery counts and the ledger's keys.
//
// An interrupted variant's triggers with no outcome yet are failed "not
// finished: interrupted", not lost: nobody dropped them.
func (m *measurement) figures(rv *report.Variant, wall time.Duration, smp *sampler, interrupted bool) {
	rv.WallMS = report.MS(wall)
	c := m.tally.counts()
	rv.PeakInflight = c.peak
	rv.PeakAckPending = smp.peakAck
	rv.PeakGoroutines = max(smp.peakG, rv.BaselineGoroutines)
	rv.PeakDBConnections = m.pool.Peak()
	rv.Nakked = c.nakked
	rv.DuplicateEffectsPrevented = c.dups
	rv.DuplicateEffects = c.duplicateEffects
	rv.Samples = &report.Samples{IntervalMS: report.MS(smp.every), Inflight: smp.inflight, AckPending: smp.ackPending}
	if c.lastFirstEnd > 0 && wall > c.lastFirstEnd {
		rv.TailMS = report.MS(wall - c.lastFirstEnd)
	}

	// With their own context: an interrupted run is audited too.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var notes []string
	if info, err := m.cons.Info(ctx); err == nil {
		// The consumer sequence counts every delivery; the stream
		// sequence only advances with a first delivery (the stream's
		// messages are 1..n), so the difference is the redeliveries.
		rv.Delivered = int(info.Delivered.Consumer)
		rv.Redelivered = int(info.Delivered.Consumer - info.Delivered.Stream)
		rv.Retries = rv.Redelivered
	} else {
		notes = append(notes, fmt.Sprintf("no consumer info: %v", err))
	}
	// One read per trigger, each retried through an election (a listing
	// of the bucket is a watch, which a failover can leave hanging).
	recorded := make(map[string]bool, len(m.ts))
	var auditErr error
	for _, t := range m.ts {
		switch _, err := m.ledger.Owner(ctx, t.ID); {
		case err == nil:
			recorded[t.ID] = true
		case !errors.Is(err, jetstream.ErrKeyNotFound) && auditErr == nil:
			auditErr = err
		}
	}
	if auditErr != nil {
		notes = append(notes, fmt.Sprintf("ledger audit failed: %v", auditErr))
	}
	failures := map[string]int{}
	for _, t := range m.ts {
		switch why, failed := c.failed[t.ID]; {
		case recorded[t.ID]:
			rv.OK++
		case failed:
			rv.Failed++
			failures[why]++
		case interrupted:
			rv.Failed++
			failures["not finished: interrupted"]++
		default:
			rv.Failed++
			rv.Lost++
		}
	}
	notes = append(notes, m.what(rv, c)...)
	notes = append(notes, tallyOf(failures)...)
	if rv.Lost > 0 {
		notes = append(notes, fmt.Sprintf("%d x lost: never effected, never reported failing", rv.Lost))
	}
	if rv.DuplicateEffects > 0 {
		notes = append(notes, fmt.Sprintf("%d effects done twice", rv.DuplicateEffects))
	}
	if unseen := rv.Delivered - c.begins - c.nakked; unseen > 0 && m.v.Disrupt != KillOne {
		notes = append(notes, fmt.Sprintf("%d delivered to no handler (to a pull that was gone: its server killed, or its client stopped waiting)", unseen))
	}
	if c.noack > 0 {
		notes = append(notes, fmt.Sprintf("%d acks unconfirmed", c.noack))
	}
	if m.w.Cluster == nil || rv.PeakInflight <= m.v.MaxAckPending || m.v.MaxAckPending < 0 {
		notes = append(notes, fmt.Sprintf("server ack-pending peak %d", rv.PeakAckPending))
	}
	rv.Notes = strings.Join(notes, "; ")
}

// overBound explains, in a cluster, a count of triggers in hand above the
// bound: measured, so shown, with why. On one server the replicas' reports
// arrive in the order the server acted; across three they need not.
func (m *measurement) overBound(rv *report.Variant) []string {
	if m.w.Cluster == nil || m.v.MaxAckPending < 0 || rv.PeakInflight <= m.v.MaxAckPending {
		return nil
	}
	why := "across servers reports can arrive out of order"
	if rv.Redelivered > 0 {
		why += fmt.Sprintf(", and a new consumer leader hands out again what the old one had delivered (%d redelivered) "+
			"while the first deliveries still hold it", rv.Redelivered)
	}
	return []string{fmt.Sprintf("%d in hand by the replicas' reports, at most %d by the server's count: %s",
		rv.PeakInflight, rv.PeakAckPending, why)}
}

func wallOf(rv *report.Variant) time.Duration {
	return time.Duration(rv.WallMS * float64(time.Millisecond))
}

// what says what the variant is and what its disruption did, from the
// figures.
func (m *measurement) what(rv *report.Variant, c counts) (out []string) {
	defer func() { out = append(out, m.overBound(rv)...) }()
	switch {
	case m.v.MaxAckPending < 0:
		out = append(out, fmt.Sprintf("Bad: limit %d in each of %s, no MaxAckPending", PerReplica, plural(m.w.Replicas, "replica")))
	case m.v.Disrupt == None:
		out = append(out, fmt.Sprintf("MaxAckPending %d on one durable consumer", m.v.MaxAckPending))
	}
	if m.disruptErr != nil {
		out = append(out, fmt.Sprintf("disruption failed: %v", m.disruptErr))
	}
	if m.disruptedAt == 0 {
		if m.v.Disrupt != None {
			out = append(out, "not disrupted: the run ended first")
		}
		return out
	}
	at := dur(report.MS(m.disruptedAt))
	ackWaited := rv.Redelivered - rv.Nakked
	switch m.v.Disrupt {
	case KillOne:
		held := c.heldAtExit[m.victim]
		past := 0
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		for seq, id := range held {
			if owner, err := m.ledger.Owner(ctx, id); err == nil && owner == autotrigger.Token(m.victim, seq) {
				past++
			}
		}
		rv.HeldPastEffect = past
		out = append(out, fmt.Sprintf("%s SIGKILLed at %s, every trigger handed out, holding %d (%d past their effect): "+
			"back after AckWait %s, a %s tail", m.victim, at, len(held), past, dur(rv.AckWaitMS), dur(rv.TailMS)))
	case TermOne:
		exit := "exit status 0"
		var ee *exec.ExitError
		switch {
		case errors.As(m.victimExit, &ee):
			exit = ee.String()
		case m.victimExit != nil:
			exit = m.victimExit.Error()
		}
		finished := fmt.Sprintf("finished %d", m.heldAtHit-len(c.heldAtExit[m.victim]))
		if n := len(c.heldAtExit[m.victim]); n > 0 {
			finished += fmt.Sprintf(", abandoned %d (its grace ran out)", n)
		}
		out = append(out, fmt.Sprintf("%s SIGTERM at %s holding %d: %s, %d nak'd, %s after %s",
			m.victim, at, m.heldAtHit, finished, rv.Nakked, exit, dur(report.MS(m.exitedAfter))))
		if ackWaited > 0 {
			// Designed out (see autotrigger/pull.go), so counted, not hidden:
			// the other notes say where those deliveries went.
			out = append(out, fmt.Sprintf("%d waited for AckWait", ackWaited))
		} else {
			out = append(out, "none waited for AckWait")
		}
	case KillLeader:
		s := fmt.Sprintf("stream leader %s SIGKILLed at %s", m.victim, at)
		switch {
		case m.consumerLeader == m.victim:
			s += " (it led the consumer and the ledger too)"
		case m.consumerLeader != "":
			s += fmt.Sprintf(" (the consumer's leader, %s, lived on)", m.consumerLeader)
		}
		out = append(out, s+fmt.Sprintf("; the longest stall after it: %s without a trigger ending",
			dur(report.MS(c.stallAfter(m.disruptedAt, wallOf(rv))))))
	}
	return out
}

// clause is this variant's part of the scenario's notice.
func clause(v Variant, w World, rv report.Variant) string {
	switch {
	case rv.Partial:
		return ""
	case v.MaxAckPending < 0:
		return fmt.Sprintf("%s: %s x limit %d allow %d at once against %d connections: %d in flight, %d of %d failed",
			v.Name, plural(w.Replicas, "replica"), PerReplica, w.Replicas*PerReplica, PoolSize, rv.PeakInflight, rv.Failed, w.Items)
	case v.Disrupt == None:
		return fmt.Sprintf("%s (MaxAckPending %d): at most %d in flight across %s (server: %d), %d failed, %s for a bound of %s",
			v.Name, v.MaxAckPending, rv.PeakInflight, plural(w.Replicas, "replica"), rv.PeakAckPending, rv.Failed, dur(rv.WallMS), dur(rv.BoundMS))
	case v.Disrupt == KillOne:
		return fmt.Sprintf("%s: %d redelivered after AckWait, the ledger made %d of them no-ops, %d done twice, %d lost, a %s tail",
			v.Name, rv.Redelivered, rv.DuplicateEffectsPrevented, rv.DuplicateEffects, rv.Lost, dur(rv.TailMS))
	case v.Disrupt == TermOne:
		return fmt.Sprintf("%s: %d waited for AckWait, %d nak'd and redelivered at once, %d lost",
			v.Name, rv.Redelivered-rv.Nakked, rv.Nakked, rv.Lost)
	case v.Disrupt == KillLeader:
		return fmt.Sprintf("%s: %d lost, %d done twice, %d redelivered, %d failed; %s in all",
			v.Name, rv.Lost, rv.DuplicateEffects, rv.Redelivered, rv.Failed, dur(rv.WallMS))
	}
	return ""
}

// notice joins the variants' clauses, and what the CI event's second
// publish showed.
func notice(clauses []string, dropped []int, items int) string {
	var parts []string
	for _, c := range clauses {
		if c != "" {
			parts = append(parts, c)
		}
	}
	if len(dropped) > 0 {
		parts = append(parts, fmt.Sprintf("the CI event published twice: %d of %d re-published triggers dropped by Nats-Msg-Id",
			slices.Min(dropped), items))
	}
	return strings.Join(parts, "; ")
}

// tallyOf lists failure reasons, most common first: "38 x connection pool
// exhausted".
func tallyOf(counts map[string]int) []string {
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		if c := counts[b] - counts[a]; c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = fmt.Sprintf("%d x %s", counts[k], k)
	}
	return out
}

// plural says "1 replica", "3 replicas".
func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// dur renders milliseconds as the main module's table does: 412ms, 2.01s,
// 25.1s.
func dur(ms float64) string {
	switch {
	case ms < 999.5:
		return fmt.Sprintf("%.0fms", ms)
	case ms < 10_000:
		return fmt.Sprintf("%.2fs", ms/1000)
	}
	return fmt.Sprintf("%.1fs", ms/1000)
}
