package ssedemo

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/sse"
)

// The --serve page in a real browser: headless Chromium loads it while the
// broker publishes numbered deployment events, and the page must show
// those events, each under its own id, in order. Skipped (saying how to
// run it) where no Chromium is installed; .ci/run installs Debian's.
func TestPageInBrowser(t *testing.T) {
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("no chromium on PATH: apt-get install chromium to run the page in a real browser")
	}
	b := sse.NewBroker(sse.Config{})
	srv := httptest.NewUnstartedServer(newMux(b))
	srv.Config.RegisterOnShutdown(b.Shutdown)
	srv.Start()
	defer srv.Close()
	defer b.Shutdown() // first: it ends the open streams Close would wait for

	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	published := make(chan struct{}) // closed when the publisher has stopped
	go func() {
		defer close(published)
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for n := 1; ; n++ {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			if b.Publish(ctx, eventType, fmt.Sprintf("app-%d rollout step %d", n, n)) != nil {
				return
			}
		}
	}()
	defer func() { cancel(); <-published }()

	// The browser waits for five events itself (a promise), so the test
	// neither sleeps nor polls; ctx bounds the wait.
	html, err := browserEval(ctx, t, chromium, srv.URL, `new Promise(done => {
		const check = () => document.querySelectorAll("#events li").length >= 5
			? done(document.getElementById("events").innerHTML)
			: setTimeout(check, 20);
		check();
	})`)
	if err != nil {
		t.Fatal(err)
	}
	items := regexp.MustCompile(`<li data-id="(\d+)"><span class="id">#(\d+) </span>app-(\d+) rollout step (\d+)</li>`).
		FindAllStringSubmatch(html, -1)
	if len(items) < 5 {
		t.Fatalf("the page shows %d events, want at least 5:\n%s", len(items), html)
	}
	prev := 0
	for _, m := range items {
		id, _ := strconv.Atoi(m[1])
		if m[2] != m[1] || m[3] != m[1] || m[4] != m[1] {
			t.Errorf("event %s shows %q: the id and the data the broker sent disagree", m[1], m[0])
		}
		if prev != 0 && id != prev+1 {
			t.Errorf("event %d follows %d: the page lost or reordered events", id, prev)
		}
		prev = id
	}
}

// browserEval opens url in headless Chromium and returns the string an
// expression (which may be a promise) evaluates to in the page. It speaks
// the DevTools protocol over --remote-debugging-pipe: JSON messages ending
// in a NUL byte, on the browser's file descriptors 3 (in) and 4 (out).
func browserEval(ctx context.Context, t *testing.T, chromium, url, expr string) (string, error) {
	toBrowser, in, err := os.Pipe()
	if err != nil {
		return "", err
	}
	out, fromBrowser, err := os.Pipe()
	if err != nil {
		return "", err
	}
	// The flags keep Chromium off this closed network: without the
	// background-networking ones it stalls looking up Google's hosts.
	cmd := exec.CommandContext(ctx, chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+t.TempDir(), "--remote-debugging-pipe", "about:blank")
	cmd.ExtraFiles = []*os.File{toBrowser, fromBrowser}
	if err := cmd.Start(); err != nil {
		return "", err
	}
	toBrowser.Close()
	fromBrowser.Close()
	defer func() {
		in.Close() // the browser exits when its pipe closes
		out.Close()
		_ = cmd.Wait()
	}()

	type message struct {
		ID     int
		Method string // set on an event
		Result json.RawMessage
		Error  *struct{ Message string }
	}
	replies := bufio.NewReader(out)
	next := func() (message, error) {
		var m message
		line, err := replies.ReadBytes(0)
		if err != nil {
			return m, err
		}
		return m, json.Unmarshal(line[:len(line)-1], &m)
	}
	id := 0
	call := func(session, method string, params any) (json.RawMessage, error) {
		id++
		msg, _ := json.Marshal(map[string]any{"id": id, "sessionId": session, "method": method, "params": params})
		if _, err := in.Write(append(msg, 0)); err != nil {
			return nil, err
		}
		for { // skip events until the reply to this call
			m, err := next()
			if err != nil {
				return nil, fmt.Errorf("%s: %w", method, err)
			}
			if m.ID == id {
				if m.Error != nil {
					return nil, fmt.Errorf("%s: %s", method, m.Error.Message)
				}
				return m.Result, nil
			}
		}
	}

	raw, err := call("", "Target.getTargets", map[string]any{})
	if err != nil {
		return "", err
	}
	var targets struct {
		TargetInfos []struct{ TargetID, Type, URL string }
	}
	if err := json.Unmarshal(raw, &targets); err != nil {
		return "", err
	}
	page := ""
	for _, ti := range targets.TargetInfos {
		if ti.Type == "page" {
			page = ti.TargetID
		}
	}
	if page == "" {
		return "", fmt.Errorf("no page among %s", raw)
	}
	raw, err = call("", "Target.attachToTarget", map[string]any{"targetId": page, "flatten": true})
	if err != nil {
		return "", err
	}
	var session struct{ SessionID string }
	if err := json.Unmarshal(raw, &session); err != nil {
		return "", err
	}
	// Load the page, and evaluate only once it has loaded: a navigation
	// replaces the context an earlier evaluation would run in.
	if _, err := call(session.SessionID, "Page.enable", map[string]any{}); err != nil {
		return "", err
	}
	if _, err := call(session.SessionID, "Page.navigate", map[string]any{"url": url}); err != nil {
		return "", err
	}
	for {
		m, err := next()
		if err != nil {
			return "", fmt.Errorf("waiting for the page to load: %w", err)
		}
		if m.Method == "Page.loadEventFired" {
			break
		}
	}
	raw, err = call(session.SessionID, "Runtime.evaluate",
		map[string]any{"expression": expr, "awaitPromise": true, "returnByValue": true})
	if err != nil {
		return "", err
	}
	var res struct {
		Result           struct{ Value string }
		ExceptionDetails *struct{ Text string }
	}
	if err := json.Unmarshal(raw, &res); err != nil {
		return "", err
	}
	if res.ExceptionDetails != nil {
		return "", fmt.Errorf("in the page: %s", res.ExceptionDetails.Text)
	}
	return res.Result.Value, nil
}
