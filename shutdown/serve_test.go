package shutdown

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/sim"
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

// serveSession serves h on an in-memory network in a bubble, sends one
// request that works for work, presses "Ctrl-C" at ctrlC, and returns
// what was announced, serveOn's error and the request's error.
func serveSession(t *testing.T, work, ctrlC, timeout time.Duration) (said string, serveErr, reqErr error) {
	t.Helper()
	synctest.Test(t, func(t *testing.T) {
		nw := newMemNet()
		ln, err := nw.Listen()
		if err != nil {
			t.Fatal(err)
		}
		a := newAnnouncer()
		env := report.NewEnv(1, 1, a)
		h := CancelOnDisconnect(func(ctx context.Context) error { return sim.Sleep(ctx, work) })
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(ctrlC, cancel)
		served := make(chan error, 1)
		go func() { served <- serveOn(ctx, env, ln, h, timeout) }()

		client := &http.Client{Transport: &http.Transport{
			DialContext: func(ctx context.Context, _, addr string) (net.Conn, error) { return nw.Dial(ctx, addr) },
		}}
		defer client.CloseIdleConnections()
		resp, err := client.Get("http://" + ln.Addr().String())
		if err == nil {
			_, err = io.ReadAll(resp.Body)
			resp.Body.Close()
		}
		reqErr, serveErr = err, <-served
		said = a.all()
	})
	return said, serveErr, reqErr
}

func TestServeInteractiveDrains(t *testing.T) {
	said, serveErr, reqErr := serveSession(t, 2*time.Second, 500*time.Millisecond, 10*time.Second)
	if serveErr != nil || reqErr != nil {
		t.Errorf("serve: %v, request: %v; want both nil: the request in flight at Ctrl-C completes", serveErr, reqErr)
	}
	for _, want := range []string{"draining: 1 request in flight", "served 1 request, 0 of them left by their client before Ctrl-C; of the 1 in flight at Ctrl-C, 0 cut off"} {
		if !strings.Contains(said, want) {
			t.Errorf("announced %q, want %q in it", said, want)
		}
	}
}

func TestServeInteractiveDrainTimesOut(t *testing.T) {
	said, serveErr, reqErr := serveSession(t, time.Minute, 500*time.Millisecond, time.Second)
	if !errors.Is(serveErr, context.DeadlineExceeded) || reqErr == nil {
		t.Errorf("serve: %v, request: %v; want a drain timeout and the request cut off", serveErr, reqErr)
	}
	if want := "stopped after 1s: served 1 request, 0 of them left by their client before Ctrl-C; of the 1 in flight at Ctrl-C, 1 cut off"; !strings.Contains(said, want) {
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
