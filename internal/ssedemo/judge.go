package ssedemo

import (
	"errors"
	"fmt"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
)

// Errors of the demo's clients, named so the report tallies them.
var (
	// The blocking send: every client waits for the slow one.
	errStalled = errors.New("stalled behind the slow client")
	errHeld    = errors.New("slow client never evicted: it set everyone's pace")
	// Slide 17's send: nothing waits for the slow client, so a fast one
	// that falls short was slow itself (a machine too busy to read).
	errBehind = errors.New("evicted too: fell a whole buffer behind (a busy machine?)")
	errMissed = errors.New("missed the demo's deadline (a busy machine?)")
	// Either: Ctrl-C came first.
	errInterrupted = errors.New("interrupted before it had every event")
	// Either: the broker numbers events 1, 2, 3...; a gap or a repeat is a bug.
	errOrder = errors.New("events out of order")
)

// evictedError is the slow client's fate under slide 17; it does not wrap,
// so the report shows its count.
type evictedError struct{ got int }

func (e evictedError) Error() string {
	return fmt.Sprintf("slow client evicted after %d of %d events", e.got, Events)
}

// judge turns the clients' tallies into one error per client (nil: ok) and
// fills the facts they give; the last client is the slow one. What a
// shortfall is blamed on depends on the variant: with the blocking send
// every client waits for the slow one; with slide 17's nothing does, so a
// fast client that fell short was too slow itself. When Ctrl-C came first
// (interrupted), it is blamed on that. The slow client's eviction is the
// slide's point: it is marked report.Expected. A client whose connecting
// failed keeps that error.
func judge(out *outcome, tallies []tally, blocking, interrupted bool) {
	out.facts.FastMin = Events
	short := func(t tally, why error) error {
		return fmt.Errorf("got %d of %d events: %w", t.got, Events, why)
	}
	for i, t := range tallies {
		if out.errs[i] != nil {
			continue
		}
		if i == len(tallies)-1 {
			out.facts.SlowGot = t.got
			switch {
			case !t.inOrder:
				out.errs[i] = errOrder
			case out.facts.Evicted > 0:
				out.errs[i] = report.Expected(evictedError{t.got})
			case t.got == Events:
			case interrupted:
				out.errs[i] = short(t, errInterrupted)
			case blocking:
				out.errs[i] = errHeld
			default:
				out.errs[i] = short(t, errMissed)
			}
			continue
		}
		out.facts.FastMin = min(out.facts.FastMin, t.got)
		switch {
		case !t.inOrder:
			out.errs[i] = errOrder
		case t.got == Events:
		case t.ended && !blocking:
			out.errs[i] = short(t, errBehind)
		case interrupted:
			out.errs[i] = short(t, errInterrupted)
		case blocking:
			out.errs[i] = short(t, errStalled)
		default:
			out.errs[i] = short(t, errMissed)
		}
	}
}
