package render

import (
	"fmt"
	"time"
)

// SSEFacts is what the SSE scenario (slides 16-17) measured beyond its
// table: filled by internal/ssedemo, written out by SSEBroadcast.
type SSEFacts struct {
	Events  int // deployment events each variant published
	Clients int // connected clients; the last one is the slow one

	Blocking SSEClients // "blocking send": slide 17 without its default
	Select   SSEClients // "select+default": slide 17, the real sse.Broker
}

// SSEClients is what one variant's clients saw.
type SSEClients struct {
	FastMin  int           // the fewest events any fast client got
	FastDone time.Duration // from connecting until the last fast client had all it would get
	SlowGot  int           // events the slow client got
	Evicted  int           // subscribers the broker evicted
	// Unexpected counts the clients that failed for another reason than
	// the slide's (report.Variant.Unexpected): under select+default, any
	// failure but the slow client's eviction.
	Unexpected int
	// The process's goroutines before the variant started its server and
	// after it shut everything down.
	GoroutinesBefore, GoroutinesAfter int
}

// SSEBroadcast is the line under the SSE table: what the slow client did to
// the fast ones with each send. select+default is credited with delivering
// every event only when it failed no client it was not expected to.
func SSEBroadcast(f SSEFacts) string {
	fast := Plural(f.Clients-1, "fast client")
	if f.Clients == 2 {
		fast = "the fast client"
	}
	b, s := f.Blocking, f.Select

	blocking := fmt.Sprintf("1 slow client held %s to %d/%d events", fast, b.FastMin, f.Events)
	if b.FastMin == f.Events {
		blocking = fmt.Sprintf("the slow client held nobody back in this run (%s got all %d)", fast, f.Events)
	}

	sel := fmt.Sprintf("all %d to %s in %s", f.Events, fast, DurOf(s.FastDone))
	if s.Unexpected > 0 {
		sel = Plural(s.Unexpected, "client") + " failed that should not have"
		if s.FastMin < f.Events {
			sel += fmt.Sprintf(" (a fast client got only %d of %d: a busy machine?)", s.FastMin, f.Events)
		}
	}
	slow := fmt.Sprintf("the slow one evicted after %d", s.SlowGot)
	if s.Evicted == 0 {
		slow = fmt.Sprintf("the slow one never evicted (it got %d)", s.SlowGot)
	}
	return fmt.Sprintf("blocking send: %s; select+default: %s, %s; goroutines %d before, %d after shutdown",
		blocking, sel, slow, s.GoroutinesBefore, s.GoroutinesAfter)
}
