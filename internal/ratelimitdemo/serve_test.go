package ratelimitdemo

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/render"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
)

// --serve runs the fake API server until ctx is done: its banner gives a
// command that sends more requests at once than it serves, its live line
// shows the 429s as they happen, its profiles are there, and it stops
// cleanly.
func TestServe(t *testing.T) {
	obs := announceObserver{make(chan string, 100)}
	env := report.NewEnv(0.2, 1, obs)
	env.Serve = "127.0.0.1:0"
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- Run(ctx, env, Options{}) }()
	next := func(what string, match func(string) bool) string {
		t.Helper()
		guard := time.After(10 * time.Second)
		for {
			select {
			case line := <-obs.lines:
				if match(line) {
					return line
				}
			case <-guard:
				t.Fatalf("no %s announced", what)
			}
		}
	}
	command := next("burst command", func(l string) bool { return strings.HasPrefix(l, "curl -sZo /dev/null") })
	if !strings.Contains(command, fmt.Sprintf("[1-%d]", 2*MaxInflight)) || len(command) > render.Width {
		t.Errorf("burst command %q: want %d at once, on one line of the terminal (Announce would wrap it)",
			command, 2*MaxInflight)
	}
	line := next("one GET", func(l string) bool { return strings.HasPrefix(l, "one GET: curl -i ") })
	base := strings.TrimSuffix(strings.Fields(strings.TrimPrefix(line, "one GET: curl -i "))[0],
		"/api/v1/namespaces/default/configmaps/app-001")

	// The burst, as the command sends it: one connection each, all at once.
	codes := map[string]int{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	tr := &http.Transport{MaxConnsPerHost: 0}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr}
	for i := range 2 * MaxInflight {
		wg.Go(func() {
			resp, err := hc.Get(fmt.Sprintf("%s/api/v1/nodes/n%d", base, i+1))
			code := "error"
			if err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				code = resp.Status[:3] + " " + resp.Header.Get("Retry-After")
			}
			mu.Lock()
			codes[code]++
			mu.Unlock()
		})
	}
	wg.Wait()
	if codes["429 1"] == 0 || codes["200 "]+codes["429 1"] != 2*MaxInflight {
		t.Errorf("%d GETs at once: %v, want 200s and 429s with Retry-After: 1", 2*MaxInflight, codes)
	}
	live := regexp.MustCompile(`^\d\d:\d\d:\d\d  in flight 0, served \d+, answered 429 to (\d+) \(Retry-After: 1\)$`)
	next("live line after the burst", func(l string) bool {
		m := live.FindStringSubmatch(l)
		return m != nil && m[1] == fmt.Sprint(codes["429 1"])
	})
	resp, err := hc.Get(base + "/debug/pprof/goroutine?debug=1")
	if err != nil {
		t.Fatal(err)
	}
	prof, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(prof), "goroutine profile: total") {
		t.Errorf("no goroutine profile: %.80q", prof)
	}
	tr.CloseIdleConnections()

	cancel()
	next("stopped line", func(l string) bool { return strings.HasPrefix(l, "stopped: served ") })
	if err := <-done; err != nil {
		t.Errorf("Run = %v, want nil after a clean stop", err)
	}
	if _, err := http.Get(base + "/api/v1/nodes/n1"); err == nil {
		t.Errorf("%s still served after Run returned", base)
	}
}

// The burst command fits the projector's width on one line, so it can be
// pasted; for an address too long for that, it takes two.
func TestBurstCommand(t *testing.T) {
	for _, tc := range []struct {
		base  string
		n     int
		lines int
	}{
		{"http://127.0.0.1:65535", 50, 1},
		{"http://[::1]:8080", 50, 1},
		{"http://127.0.0.1:8080", 200, 2}, // --parallel-max makes it longer
		{"http://[fe80::1234:5678:9abc:def0]:65535", 50, 2},
	} {
		got := burstCommand(tc.base, tc.n)
		if len(got) != tc.lines {
			t.Errorf("%s, %d: %q, want %d lines", tc.base, tc.n, got, tc.lines)
		}
		for _, l := range got {
			if len(l) > render.Width {
				t.Errorf("%s, %d: %d columns: %q", tc.base, tc.n, len(l), l)
			}
		}
		if all := strings.Join(got, "\n"); !strings.Contains(all, fmt.Sprintf("n[1-%d]", tc.n)) ||
			(tc.n > 50) != strings.Contains(all, fmt.Sprintf("--parallel-max %d", tc.n)) {
			t.Errorf("%s, %d: %q", tc.base, tc.n, got)
		}
	}
}
