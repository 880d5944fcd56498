package shutdowndemo

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime/trace"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/render"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
)

// ServeBudget is how long a --serve request may run before the server
// saves the flight recorder's window: what the process did in the last
// seconds, for go tool trace. A real time, not a simulated one: /clusters
// takes 1 s at the default scale and stays within it; /slow?for=5s does
// not.
const ServeBudget = 2 * time.Second

// live is the --serve server's running commentary, so that "leave a curl
// half-way and watch the work stop" happens on the screen: one short line
// per request as it starts and as it ends (finished, left by its client,
// cut off by Close), and, for a request past ServeBudget, the file its
// flight-recorder snapshot went to. Its methods are safe for concurrent
// use by the handlers.
type live struct {
	env    report.Env
	budget time.Duration // ServeBudget, but in tests
	n      atomic.Int64  // requests numbered so far

	// fr keeps the last seconds of the execution trace in memory. One
	// snapshot is written at a time: WriteTo refuses a second.
	fr  *trace.FlightRecorder
	dir string     // where snapshots go; made at the first one
	mu  sync.Mutex // guards dir, and serialises WriteTo
}

// newLive starts the flight recorder; stop ends it. If the recorder cannot
// run (another one is active in this process), the commentary goes on
// without snapshots.
func newLive(env report.Env) (l *live, stop func()) {
	l = &live{env: env, budget: ServeBudget, fr: trace.NewFlightRecorder(trace.FlightRecorderConfig{MinAge: 5 * time.Second, MaxBytes: 8 << 20})}
	if err := l.fr.Start(); err != nil {
		env.Rec.Announce("no flight recorder: " + err.Error())
		l.fr = nil
		return l, func() {}
	}
	return l, l.fr.Stop
}

// wrap is h with the commentary: inside the tracker's wrapper, so each
// line's "in flight" agrees with the tracker's count.
func (l *live) wrap(t *tracker, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/debug/") { // the profiles are not the demo's requests
			h.ServeHTTP(w, r)
			return
		}
		id := l.n.Add(1)
		what := r.Method + " " + r.URL.RequestURI()
		l.env.Rec.Announce(render.ShutdownRequestStarted(id, what, t.state().active))
		start := time.Now()
		snapped := make(chan struct{}) // closed when the snapshot, once begun, is written
		over := time.AfterFunc(l.budget, func() {
			defer close(snapped)
			l.snapshot(id, what)
		})
		defer func() {
			if !over.Stop() {
				<-snapped // begun: it finishes before the request is said to end
			}
			l.env.Rec.Announce(render.ShutdownRequestEnded(id, what, time.Since(start), endName(endOf(r))))
		}()
		h.ServeHTTP(w, r)
	})
}

func endName(e end) string {
	switch e {
	case endLeft:
		return "left"
	case endCut:
		return "cut"
	}
	return "served"
}

// snapshot writes the flight recorder's window to a new file and says
// where, for request id that ran past the budget.
func (l *live) snapshot(id int64, what string) {
	if l.fr == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.dir == "" {
		dir, err := os.MkdirTemp("", "shutdown-flight-")
		if err != nil {
			l.env.Rec.Announce("flight recorder: " + err.Error())
			return
		}
		l.dir = dir
	}
	path := filepath.Join(l.dir, fmt.Sprintf("request-%d.trace", id))
	f, err := os.Create(path)
	if err == nil {
		_, err = l.fr.WriteTo(f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		l.env.Rec.Announce(fmt.Sprintf("flight recorder: #%d: %v", id, err))
		return
	}
	l.env.Rec.Announce(render.ShutdownFlight(id, what, l.budget, path))
}
