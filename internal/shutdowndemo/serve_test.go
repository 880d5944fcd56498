package shutdowndemo

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/memnet"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/render"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/sim"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/shutdown"
)

// announcer keeps the lines announced to the presenter, and passes on the
// server's address.
type announcer struct {
	mu    sync.Mutex // guards lines
	lines []string
	url   chan string // the first URL announced
}

func newAnnouncer() *announcer { return &announcer{url: make(chan string, 1)} }

func (a *announcer) Announce(line string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.lines) == 0 {
		a.url <- regexp.MustCompile(`http://[0-9a-z.:]+`).FindString(line)
	}
	a.lines = append(a.lines, line)
}

func (a *announcer) all() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return strings.Join(a.lines, "\n")
}

func (*announcer) ScenarioStart(report.Pattern)                              {}
func (*announcer) VariantStart(report.Pattern, string, *report.Probe) func() { return func() {} }
func (*announcer) VariantEnd(report.Pattern, report.Variant)                 {}
func (*announcer) Notice(report.Pattern, string)                             {}

// session is one interactive run: a request that works for work, on a
// Detached handler if detached, a client that gives up after leave (0:
// never), "Ctrl-C" at ctrlC, and the drain timeout.
type session struct {
	work, leave, ctrlC, timeout time.Duration
	detached                    bool
	live                        bool // with the running commentary (no flight recorder)
}

// serveSession serves the session's handler on an in-memory network in a
// bubble, and returns what was announced, how long serveOn ran after
// Ctrl-C, serveOn's error and the request's error.
func serveSession(t *testing.T, ss session) (said string, after time.Duration, serveErr, reqErr error) {
	t.Helper()
	synctest.Test(t, func(t *testing.T) {
		nw := memnet.New()
		ln, err := nw.Listen()
		if err != nil {
			t.Fatal(err)
		}
		a := newAnnouncer()
		env := report.NewEnv(1, 1, a)
		life, kill := context.WithCancel(t.Context())
		defer kill()
		job := func(ctx context.Context) error { return sim.Sleep(ctx, ss.work) }
		h := shutdown.CancelOnDisconnect(job)
		if ss.detached {
			h = shutdown.Detached(life, time.Hour, job)
		}
		ctx, cancel := context.WithCancel(t.Context())
		var ctrlC time.Time
		time.AfterFunc(ss.ctrlC, func() { ctrlC = time.Now(); cancel() })
		served := make(chan error, 1)
		var commentary *live
		if ss.live {
			commentary = &live{env: env, budget: time.Hour}
		}
		go func() { served <- serveOn(ctx, env, ln, h, ss.timeout, kill, commentary) }()

		client := &http.Client{Transport: &http.Transport{
			DialContext: func(ctx context.Context, _, addr string) (net.Conn, error) { return nw.Dial(ctx, addr) },
		}}
		defer client.CloseIdleConnections()
		rctx := t.Context()
		if ss.leave > 0 {
			var stop context.CancelFunc
			rctx, stop = context.WithTimeout(rctx, ss.leave)
			defer stop()
		}
		req, _ := http.NewRequestWithContext(rctx, http.MethodGet, "http://"+ln.Addr().String(), nil)
		resp, err := client.Do(req)
		if err == nil {
			_, err = io.ReadAll(resp.Body)
			resp.Body.Close()
		}
		reqErr, serveErr = err, <-served
		after = time.Since(ctrlC)
		said = a.all()
	})
	return said, after, serveErr, reqErr
}

func TestServeInteractiveDrains(t *testing.T) {
	said, _, serveErr, reqErr := serveSession(t, session{work: 2 * time.Second, ctrlC: 500 * time.Millisecond, timeout: 10 * time.Second})
	if serveErr != nil || reqErr != nil {
		t.Errorf("serve: %v, request: %v; want both nil: the request in flight at Ctrl-C completes", serveErr, reqErr)
	}
	for _, want := range []string{"draining: 1 request in flight",
		"served 1 request, 0 of them left by their client before Ctrl-C; of the 1 in flight at Ctrl-C, 1 finished, 0 left by their client during the drain, 0 cut off by Close"} {
		if !strings.Contains(said, want) {
			t.Errorf("announced %q, want %q in it", said, want)
		}
	}
}

func TestServeInteractiveDrainTimesOut(t *testing.T) {
	said, _, serveErr, reqErr := serveSession(t, session{work: time.Minute, ctrlC: 500 * time.Millisecond, timeout: time.Second})
	if !errors.Is(serveErr, context.DeadlineExceeded) || reqErr == nil {
		t.Errorf("serve: %v, request: %v; want a drain timeout and the request cut off", serveErr, reqErr)
	}
	if strings.HasPrefix(serveErr.Error(), "shutdown:") {
		t.Errorf("serve: %q; cmd/demo adds the pattern's name itself", serveErr)
	}
	if want := "stopped after " + render.DurOf(time.Second) + ": served 1 request, 0 of them left by their client before Ctrl-C; of the 1 in flight at Ctrl-C, 0 finished, 0 left by their client during the drain, 1 cut off by Close"; !strings.Contains(said, want) {
		t.Errorf("announced %q, want %q in it", said, want)
	}
}

// A client that leaves during the drain is not one Close cut off.
func TestServeInteractiveClientLeavesDuringDrain(t *testing.T) {
	said, _, serveErr, reqErr := serveSession(t, session{work: time.Minute, ctrlC: 500 * time.Millisecond, leave: 800 * time.Millisecond, timeout: 5 * time.Second})
	if serveErr != nil || !errors.Is(reqErr, context.DeadlineExceeded) {
		t.Errorf("serve: %v, request: %v; want a clean drain and the client's own timeout", serveErr, reqErr)
	}
	if want := "of the 1 in flight at Ctrl-C, 0 finished, 1 left by their client during the drain, 0 cut off by Close"; !strings.Contains(said, want) {
		t.Errorf("announced %q, want %q in it", said, want)
	}
}

// A detached job outlives its client and the signal, not the drain: when
// the drain gives up, Close cuts its connection and life ends the job, so
// serveOn returns at the drain timeout (give or take the goroutines' 1ms
// polls to go), not the job's.
func TestServeInteractiveDetachedEndsWithTheDrain(t *testing.T) {
	said, after, serveErr, reqErr := serveSession(t, session{work: time.Minute, ctrlC: 500 * time.Millisecond, timeout: time.Second, detached: true})
	if !errors.Is(serveErr, context.DeadlineExceeded) || reqErr == nil || after > time.Second+10*time.Millisecond {
		t.Errorf("serve: %v after %v, request: %v; want the drain's timeout after 1s", serveErr, after, reqErr)
	}
	if want := "stopped after " + render.DurOf(time.Second) + ": served 1 request, 0 of them left by their client before Ctrl-C; of the 1 in flight at Ctrl-C, 0 finished, 0 left by their client during the drain, 1 cut off by Close"; !strings.Contains(said, want) {
		t.Errorf("announced %q, want %q in it", said, want)
	}
}

// TestRunServe is --serve over real sockets: the routes answer, and Run
// returns nil after Ctrl-C.
func TestRunServe(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	a := newAnnouncer()
	env := report.NewEnv(0.01, 1, a)
	env.Serve = "127.0.0.1:0"
	ctx, cancel := context.WithCancel(t.Context())
	ran := make(chan error, 1)
	go func() { ran <- Run(ctx, env) }()
	url := <-a.url

	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	for path, want := range map[string]string{
		"/": "/clusters", "/clusters": "ok", "/deploy": "ok", "/resources": "ok",
		"/slow?for=10ms": "ok", "/slow?for=forever": "want /slow?for=DURATION",
	} {
		resp, err := client.Get(url + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(body), want) {
			t.Errorf("GET %s: %q, want it to contain %q", path, body, want)
		}
	}
	cancel()
	if err := <-ran; err != nil {
		t.Errorf("Run --serve after Ctrl-C: %v, want nil", err)
	}
}

func TestRunServeBadAddress(t *testing.T) {
	env := report.NewEnv(1, 1, nil)
	env.Serve = "127.0.0.1:no-such-port"
	if err := Run(t.Context(), env); err == nil || !strings.Contains(err.Error(), "--serve") {
		t.Errorf("Run --serve with a bad address: %v, want an error naming --serve", err)
	}
}

// At any --scale, --serve's /deploy finishes within its detach timeout:
// at scale 7 its eight steps would take 5.6 s against a 5 s timeout, so
// they shrink to fit in half of it.
func TestServeDeployFitsItsTimeout(t *testing.T) {
	for _, scale := range []float64{0.2, 1, 7, 10} {
		synctest.Test(t, func(t *testing.T) {
			env := report.NewEnv(scale, 1, nil)
			w := httptest.NewRecorder()
			start := time.Now()
			routes(t.Context(), env).ServeHTTP(w, httptest.NewRequest("GET", "/deploy", nil))
			took := time.Since(start)
			want := min(time.Duration(len(deploySteps))*env.Scaled(DeployStep), min(env.Scaled(DeployTimeout), ServeDrainTimeout/2)/2)
			if w.Code != http.StatusOK || took != want {
				t.Errorf("scale %v: /deploy answered %d after %v, want 200 after %v", scale, w.Code, took, want)
			}
		})
	}
}

// The running commentary: a line as each request starts, and one as it
// ends saying how, so a curl left half-way shows its work stop on screen.
func TestServeSaysWhatEachRequestDid(t *testing.T) {
	said, _, _, _ := serveSession(t, session{work: 2 * time.Second, leave: 300 * time.Millisecond,
		ctrlC: time.Second, timeout: 10 * time.Second, live: true})
	for _, want := range []string{"#1 GET /: started (1 in flight)",
		"#1 GET /: client left after 300ms: its work stopped with it"} {
		if !strings.Contains(said, want) {
			t.Errorf("announced %q, want %q in it", said, want)
		}
	}
	said, _, _, _ = serveSession(t, session{work: 2 * time.Second, ctrlC: 500 * time.Millisecond,
		timeout: time.Second, live: true})
	if want := "#1 GET /: cut off by Close after 1.5s: the drain gave up"; !strings.Contains(said, want) {
		t.Errorf("announced %q, want %q in it", said, want)
	}
}

// A request past its budget saves the flight recorder's window to a file
// that go tool trace can open, and says where. (Real time: the flight
// recorder is the runtime's own tracer, outside any bubble.)
func TestServeFlightRecorder(t *testing.T) {
	a := &notify{said: make(chan string, 8)}
	env := report.NewEnv(1, 1, a)
	l, stop := newLive(env)
	defer stop()
	if l.fr == nil {
		t.Skip("another flight recorder is active in this process")
	}
	l.budget = 10 * time.Millisecond
	saved := make(chan string, 1)
	h := l.wrap(newTracker(), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for line := range a.said { // until the snapshot is announced
			if i := strings.Index(line, "the last seconds are in "); i >= 0 {
				saved <- strings.Fields(line[i+len("the last seconds are in "):])[0]
				return
			}
		}
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/slow?for=5s", nil))
	path := <-saved
	st, err := os.Stat(path)
	if err != nil || st.Size() == 0 {
		t.Fatalf("snapshot %s: %v, size %v", path, err, st)
	}
	b, _ := os.ReadFile(path)
	if !strings.HasPrefix(string(b), "go 1.") { // an execution trace's header: "go 1.26 trace"
		t.Errorf("snapshot starts %q, want an execution trace", b[:min(16, len(b))])
	}
	os.RemoveAll(filepath.Dir(path))
}

// notify passes every announced line to said.
type notify struct{ said chan string }

func (n *notify) Announce(line string)                                    { n.said <- line }
func (*notify) ScenarioStart(report.Pattern)                              {}
func (*notify) VariantStart(report.Pattern, string, *report.Probe) func() { return func() {} }
func (*notify) VariantEnd(report.Pattern, report.Variant)                 {}
func (*notify) Notice(report.Pattern, string)                             {}

// The --serve server answers the runtime's profiles; the scenarios'
// servers, which the demo measures, do not mount them.
func TestPprofOnlyOnServe(t *testing.T) {
	life, kill := context.WithCancel(t.Context())
	defer kill()
	rec := httptest.NewRecorder()
	env := report.NewEnv(1, 1, nil)
	env.Serve = "127.0.0.1:8080"
	routes(life, env).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/debug/pprof/goroutine?debug=1", nil))
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "goroutine profile: total") {
		t.Errorf("--serve's /debug/pprof/goroutine: %d %.60q", rec.Code, rec.Body.String())
	}
	env.Serve = "0.0.0.0:8080" // reachable from the network: no profiles
	rec = httptest.NewRecorder()
	routes(life, env).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/debug/pprof/goroutine?debug=1", nil))
	if rec.Code == http.StatusOK {
		t.Error("--serve 0.0.0.0 answers the runtime's profiles")
	}
	s, err := newServer(life, memnet.New(), http.NotFoundHandler())
	if err != nil {
		t.Fatal(err)
	}
	rec = httptest.NewRecorder()
	s.srv.Handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/debug/pprof/goroutine?debug=1", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("a scenario server's /debug/pprof/: %d, want 404", rec.Code)
	}
	s.ln.Close()
}
