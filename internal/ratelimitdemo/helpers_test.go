package ratelimitdemo

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/apiserver"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/ratelimit"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/workerpool"
)

const testURL = "http://apiserver.test"

// fixed is a latency function: every GET takes d.
func fixed(d time.Duration) func(string) time.Duration {
	return func(string) time.Duration { return d }
}

// inMemory is a Client of a fake API server with cfg, served in memory so
// that it runs in a synctest bubble.
func inMemory(cfg apiserver.Config) (*ratelimit.Client, *apiserver.Server) {
	s := apiserver.New(cfg)
	return &ratelimit.Client{HTTP: &http.Client{Transport: apiserver.Transport(s)}, BaseURL: testURL}, s
}

// fromResults turns a shape's results into ResourceResponses.
func fromResults(rs []workerpool.Result[[]byte]) []ratelimit.ResourceResponse {
	out := make([]ratelimit.ResourceResponse, len(rs))
	for i, r := range rs {
		out[i] = ratelimit.ResourceResponse{Manifest: r.Value, Error: r.Err}
	}
	return out
}

// inMemoryConnect is run's connectFunc for synctest bubbles.
func inMemoryConnect(api http.Handler, _ int) (*http.Client, string, func(context.Context) error, error) {
	return &http.Client{Transport: apiserver.Transport(api)}, testURL, func(context.Context) error { return nil }, nil
}

// arrivals records when each request reaches the server, since start.
type arrivals struct {
	start time.Time
	next  http.Handler

	mu sync.Mutex // guards at
	at []time.Duration
}

func (a *arrivals) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	a.at = append(a.at, time.Since(a.start))
	a.mu.Unlock()
	a.next.ServeHTTP(w, r)
}

func (a *arrivals) sorted() []time.Duration {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Sorted(slices.Values(a.at))
}

// checkManifests fails t unless every response is the manifest of its own
// request: results are written by index.
func checkManifests(t *testing.T, reqs []ratelimit.ResourceRequest, rs []ratelimit.ResourceResponse) {
	t.Helper()
	if len(rs) != len(reqs) {
		t.Fatalf("%d responses for %d requests", len(rs), len(reqs))
	}
	for i, r := range rs {
		if r.Error != nil {
			t.Errorf("request %d: %v", i, r.Error)
			continue
		}
		var m struct {
			Metadata struct{ Name string } `json:"metadata"`
		}
		if err := json.Unmarshal(r.Manifest, &m); err != nil || m.Metadata.Name != reqs[i].Name {
			t.Errorf("response %d is %s (%v), want the manifest of %s", i, r.Manifest, err, reqs[i].Name)
		}
	}
}

// timed runs fn and returns how long it took (virtual time in a bubble).
func timed(fn func()) time.Duration {
	start := time.Now()
	fn()
	return time.Since(start)
}

// serverLog records, for each request the server answers 200, which
// request it was (by the index in its name) and when it arrived, since
// start.
type serverLog struct {
	start time.Time
	next  http.Handler

	mu  sync.Mutex // guards log
	log []servedAt
}

type servedAt struct {
	index int // app-001 is 0
	at    time.Duration
}

func (l *serverLog) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	at := time.Since(l.start)
	cw := &codeWriter{ResponseWriter: w}
	l.next.ServeHTTP(cw, r)
	var n int
	if _, err := fmt.Sscanf(path.Base(r.URL.Path), "app-%d", &n); cw.code != http.StatusOK || err != nil {
		return
	}
	l.mu.Lock()
	l.log = append(l.log, servedAt{n - 1, at})
	l.mu.Unlock()
}

func (l *serverLog) served() []servedAt {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.log)
}

// codeWriter remembers the status code written.
type codeWriter struct {
	http.ResponseWriter
	code int
}

func (w *codeWriter) WriteHeader(code int) {
	w.code = code
	w.ResponseWriter.WriteHeader(code)
}
