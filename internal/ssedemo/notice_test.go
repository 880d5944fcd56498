package ssedemo

import (
	"strings"
	"testing"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/render"
)

// The notice says what was measured, and never credits select+default with
// delivering every event when it failed a client it was not expected to.
// (It tests internal/render's SSEBroadcast from here, next to the facts
// the scenario fills.)
func TestNotice(t *testing.T) {
	good := render.SSEClients{FastMin: Events, FastDone: 467 * time.Millisecond, SlowGot: 47, Evicted: 1,
		GoroutinesBefore: 4, GoroutinesAfter: 4}
	held := render.SSEClients{FastMin: 67, SlowGot: 60}
	for _, tc := range []struct {
		name    string
		facts   render.SSEFacts
		want    []string
		mustNot []string
	}{
		{"as on stage", render.SSEFacts{Events: Events, Clients: 6, Blocking: held, Select: good},
			[]string{"blocking send: 1 slow client held 5 fast clients to 67/100 events",
				"select+default: all 100 to 5 fast clients in 467ms, the slow one evicted after 47",
				"goroutines 4 before, 4 after shutdown"}, nil},
		{"one fast client", render.SSEFacts{Events: Events, Clients: 2, Blocking: held, Select: good},
			[]string{"held the fast client to 67/100", "all 100 to the fast client"}, nil},
		{"a busy machine", render.SSEFacts{Events: Events, Clients: 6, Blocking: held,
			Select: render.SSEClients{FastMin: 80, SlowGot: 47, Evicted: 2, Unexpected: 1}},
			[]string{"select+default: 1 client failed that should not have (a fast client got only 80 of 100"},
			[]string{"all 100"}},
		{"the slow one kept up", render.SSEFacts{Events: Events, Clients: 6,
			Blocking: render.SSEClients{FastMin: Events},
			Select:   render.SSEClients{FastMin: Events, SlowGot: Events}},
			[]string{"the slow client held nobody back in this run", "the slow one never evicted (it got 100)"}, nil},
	} {
		got := render.SSEBroadcast(tc.facts)
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: notice %q lacks %q", tc.name, got, w)
			}
		}
		for _, w := range tc.mustNot {
			if strings.Contains(got, w) {
				t.Errorf("%s: notice %q says %q", tc.name, got, w)
			}
		}
	}
}
