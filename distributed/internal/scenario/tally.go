package scenario

import (
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/distributed/internal/wire"
)

// tally is the parent's count of what the replicas report, for one
// variant. Events arrive on the subscription's goroutine (event); the
// variant's loop reads the figures; a replica's exit comes from its
// watcher (exited). mu guards every field but the channels.
type tally struct {
	mu    sync.Mutex
	start time.Time // when the first trigger was published; zero before

	items map[string]*item   // by trigger ID: every trigger of the run
	reps  map[string]*rstate // by replica name

	inflight, peak int             // triggers in hand now, and the most at once
	begins         int             // deliveries handlers began
	begun          map[string]bool // triggers with a delivery begun
	nakked, noack  int
	created        map[string]int // effects recorded, per trigger ID
	dups           int            // deliveries that found the effect done

	lastFirstEnd time.Duration   // since start: the last end of a first delivery
	ends         []time.Duration // since start: every End reported, in arrival order
	terminal     int             // items effected or failed

	readyN  int
	ready   chan struct{} // closed when every replica has reported Ready
	changed chan struct{} // capacity 1: a nudge to the loop after each event
}

type item struct {
	effected bool   // a delivery recorded the effect, or found it recorded
	failed   string // why its delivery failed, if it did (and none effected it)
}

type rstate struct {
	open   map[uint64]string    // deliveries in hand: consumer sequence -> trigger ID
	since  map[uint64]time.Time // when each delivery in hand began, as the parent heard
	inHand int                  // as the replica last reported it
	dead   bool                 // exited: its reports no longer count as in hand
	// heldAtExit: the deliveries it held when it exited, less those whose
	// End report arrived after the exit: what it never finished.
	heldAtExit map[uint64]string
}

func newTally(ids []string, replicas []string) *tally {
	t := &tally{
		items:   make(map[string]*item, len(ids)),
		reps:    make(map[string]*rstate, len(replicas)),
		created: map[string]int{},
		begun:   map[string]bool{},
		ready:   make(chan struct{}),
		changed: make(chan struct{}, 1),
	}
	for _, id := range ids {
		t.items[id] = &item{}
	}
	for _, r := range replicas {
		t.reps[r] = &rstate{open: map[uint64]string{}, since: map[uint64]time.Time{}}
	}
	return t
}

func (t *tally) nudge() {
	select {
	case t.changed <- struct{}{}:
	default: // a nudge is already waiting
	}
}

// started records when the clock started.
func (t *tally) started(at time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.start = at
}

// event is the subscription's handler: one replica report.
func (t *tally) event(m *nats.Msg) {
	var ev wire.Event
	if json.Unmarshal(m.Data, &ev) != nil {
		return
	}
	defer t.nudge()
	t.mu.Lock()
	defer t.mu.Unlock()
	r := t.reps[ev.Replica]
	if r == nil {
		return // not one of this variant's
	}
	switch ev.Kind {
	case wire.Ready:
		t.readyN++
		if t.readyN == len(t.reps) {
			close(t.ready)
		}
	case wire.Begin:
		if r.dead {
			return // reported just before it died, read after: not in hand
		}
		r.open[ev.Seq], r.since[ev.Seq] = ev.ID, time.Now()
		t.begins++
		t.begun[ev.ID] = true
		t.count(r, ev.InHand)
	case wire.End:
		delete(r.open, ev.Seq)
		delete(r.since, ev.Seq)
		delete(r.heldAtExit, ev.Seq) // ended before the exit; its report came after
		if !r.dead {
			t.count(r, ev.InHand)
		}
		if !t.start.IsZero() {
			since := time.Since(t.start)
			t.ends = append(t.ends, since)
			if ev.Delivery == 1 {
				t.lastFirstEnd = max(t.lastFirstEnd, since)
			}
		}
		t.ended(ev)
	case wire.Nak:
		t.nakked++
	case wire.NoAck:
		t.noack++
	}
}

// count takes a replica's report of what it holds: the sum over the
// replicas is what is in hand.
func (t *tally) count(r *rstate, inHand int) {
	t.inflight += inHand - r.inHand
	r.inHand = inHand
	t.peak = max(t.peak, t.inflight)
}

// ended counts one delivery's outcome against its trigger.
func (t *tally) ended(ev wire.Event) {
	it := t.items[ev.ID]
	if it == nil {
		return
	}
	was := it.effected || it.failed != ""
	switch ev.Outcome {
	case "effected":
		t.created[ev.ID]++
		it.effected, it.failed = true, ""
	case "duplicate":
		t.dups++
		it.effected, it.failed = true, ""
	case "failed":
		if !it.effected {
			it.failed = reason(ev.Err)
		}
	}
	if !was && (it.effected || it.failed != "") {
		t.terminal++
	}
}

// exited records that a replica is gone: what it held is no longer in
// hand (the server still counts it until AckWait).
func (t *tally) exited(name string) {
	defer t.nudge()
	t.mu.Lock()
	defer t.mu.Unlock()
	r := t.reps[name]
	if r == nil || r.dead {
		return
	}
	r.dead = true
	t.inflight -= r.inHand
	r.inHand = 0
	r.heldAtExit, r.open = r.open, map[uint64]string{}
}

// held is what replica name has in hand: trigger ID and when it began.
func (t *tally) held(name string) []heldTrigger {
	t.mu.Lock()
	defer t.mu.Unlock()
	r := t.reps[name]
	out := make([]heldTrigger, 0, len(r.open))
	for seq, id := range r.open {
		out = append(out, heldTrigger{id, r.since[seq]})
	}
	return out
}

type heldTrigger struct {
	id    string
	since time.Time
}

// holding is how many deliveries replica name has in hand.
func (t *tally) holding(name string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.reps[name].inHand
}

// done is how many triggers have an outcome (effected or failed), and
// whether all have.
func (t *tally) done() (n int, all bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.terminal, t.terminal == len(t.items)
}

// handedOut is how many triggers have had a delivery begin.
func (t *tally) handedOut() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.begun)
}

func (t *tally) inflightNow() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.inflight
}

// counts is a copy of the figures, for the report.
type counts struct {
	peak, begins, nakked, noack, dups, duplicateEffects int
	lastFirstEnd                                        time.Duration
	ends                                                []time.Duration
	failed                                              map[string]string // trigger ID -> reason
	heldAtExit                                          map[string]map[uint64]string
}

func (t *tally) counts() counts {
	t.mu.Lock()
	defer t.mu.Unlock()
	c := counts{peak: t.peak, begins: t.begins, nakked: t.nakked, noack: t.noack, dups: t.dups,
		lastFirstEnd: t.lastFirstEnd, ends: slices.Clone(t.ends), failed: map[string]string{}, heldAtExit: map[string]map[uint64]string{}}
	for _, n := range t.created {
		c.duplicateEffects += max(0, n-1)
	}
	for id, it := range t.items {
		if !it.effected && it.failed != "" {
			c.failed[id] = it.failed
		}
	}
	for name, r := range t.reps {
		if r.heldAtExit != nil {
			c.heldAtExit[name] = r.heldAtExit
		}
	}
	return c
}

// stallAfter is the longest time after from (and before until) that no
// trigger ended: what an election cost.
func (c counts) stallAfter(from, until time.Duration) time.Duration {
	var longest time.Duration
	last := from
	for _, e := range c.ends {
		if e < from {
			continue
		}
		longest = max(longest, e-last)
		last = e
	}
	return max(longest, until-last)
}

// reason is the innermost cause of an error's text: "trigger ci-1-cd-007:
// no connection free after 100ms: connection pool exhausted" gives
// "connection pool exhausted", which tallies across triggers.
func reason(err string) string {
	if i := strings.LastIndex(err, ": "); i >= 0 {
		return err[i+2:]
	}
	if err == "" {
		return "failed"
	}
	return err
}
