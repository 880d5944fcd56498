package ssedemo

import (
	"errors"
	"testing"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/render"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
)

// judge blames each shortfall on what caused it in that variant, and
// counts only the slow client's eviction under slide 17 as expected.
func TestJudge(t *testing.T) {
	full := tally{got: Events, inOrder: true}
	short := tally{got: 40, inOrder: true}
	ended := tally{got: 40, inOrder: true, ended: true}
	jumbled := tally{got: Events, inOrder: false}
	for _, tc := range []struct {
		name                  string
		tallies               []tally // the last one is the slow client
		evicted               int
		blocking, interrupted bool
		want                  []error // nil: ok; else errors.Is, or evictedError
	}{
		{"blocking", []tally{short, short}, 0, true, false, []error{errStalled, errHeld}},
		{"blocking, Ctrl-C", []tally{short, short}, 0, true, true, []error{errInterrupted, errInterrupted}},
		{"slide 17", []tally{full, short}, 1, false, false, []error{nil, evictedError{}}},
		{"slide 17, busy machine", []tally{short, ended, short}, 1, false, false, []error{errMissed, errBehind, evictedError{}}},
		{"slide 17, slow one kept up", []tally{full, short}, 0, false, false, []error{nil, errMissed}},
		{"slide 17, Ctrl-C", []tally{short, short}, 0, false, true, []error{errInterrupted, errInterrupted}},
		{"out of order", []tally{jumbled, jumbled}, 0, false, false, []error{errOrder, errOrder}},
	} {
		out := outcome{errs: make([]error, len(tc.tallies)), facts: render.SSEClients{Evicted: tc.evicted}}
		judge(&out, tc.tallies, tc.blocking, tc.interrupted)
		for i, want := range tc.want {
			got := out.errs[i]
			var ev evictedError
			isEvicted := errors.As(got, &ev)
			ok := (want == nil && got == nil) || (want != nil && errors.Is(got, want)) ||
				(want == evictedError{} && isEvicted)
			if !ok {
				t.Errorf("%s: client %d: %v, want %v", tc.name, i, got, want)
			}
			if report.IsExpected(got) != isEvicted {
				t.Errorf("%s: client %d: %v expected = %v; only the slow client's eviction is", tc.name, i, got, report.IsExpected(got))
			}
		}
		if last := tc.tallies[len(tc.tallies)-1]; out.facts.SlowGot != last.got {
			t.Errorf("%s: SlowGot %d, want %d", tc.name, out.facts.SlowGot, last.got)
		}
	}
}
