package ssedemo

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The --serve page in a real browser: headless Chromium opens it next to
// serveOn, at a fast pace (an event every 100 ms), and the page must show
// the events newest first, one stream's only; the slow lane evicted
// within its time while the fast ones keep every event; then, the server
// stopped, "server stopped at" with the counters greyed; then, a new
// server on the same address, a new stream that does not mix with the
// old one. One screenshot at 1920x1080 goes to $SCREENSHOT_DIR, or to
// the test's temporary folder, for a reviewer to look at. Skipped (saying
// how to run it) where no Chromium is installed; .ci/run installs
// Debian's.
func TestPageInBrowser(t *testing.T) {
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("no chromium on PATH: apt-get install chromium to run the page in a real browser")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second) // the hang guard of every wait below
	defer cancel()
	const interval = 100 * time.Millisecond
	srv := startStage(t, ctx, "127.0.0.1:0", interval)
	defer srv.stop(t)
	started := time.Now()

	br, err := startBrowser(ctx, t, chromium)
	if err != nil {
		t.Fatal(err)
	}
	defer br.close()
	if err := br.viewport(1920, 1080); err != nil {
		t.Fatal(err)
	}
	if err := br.navigate("http://" + srv.addr + "/"); err != nil {
		t.Fatal(err)
	}

	// The slow lane's eviction, as the page shows it. The broker evicts
	// it about 8 events in (its buffer of 2, what the shrunk sockets
	// hold, the event being written); 30 events is its time here, with
	// room for a busy machine.
	if _, err := br.eval(waitFor(`document.querySelector('[data-lane="slow"][data-state="evicted"]')`)); err != nil {
		t.Fatal(err)
	}
	took := time.Since(started)
	if limit := 30 * interval; took > limit {
		t.Errorf("the page showed the slow lane evicted %v after the start, want within %v (30 events)", took, limit)
	}
	t.Logf("the page showed the slow lane evicted %v after the server started (%.0f events)", took, float64(took)/float64(interval))
	lanes, err := br.eval(`JSON.stringify([...document.querySelectorAll(".lane")].map(l => [l.dataset.lane, l.dataset.state, l.querySelector(".note").textContent]))`)
	if err != nil {
		t.Fatal(err)
	}
	var rows [][3]string
	if err := json.Unmarshal([]byte(lanes), &rows); err != nil || len(rows) != 3 {
		t.Fatalf("lanes %s, %v: want three", lanes, err)
	}
	for _, r := range rows[:2] {
		if r[1] != laneLive || r[2] != "every event since it joined, in order" {
			t.Errorf("fast lane %q: %q, %q; want live, with every event in order", r[0], r[1], r[2])
		}
	}

	// Newest first: ids of one epoch, each one less than the one above.
	if _, err := br.eval(waitFor(`document.querySelectorAll("#events li").length >= 5`)); err != nil {
		t.Fatal(err)
	}
	epoch := checkNewestFirst(t, br, "")
	shot := os.Getenv("SCREENSHOT_DIR")
	if shot == "" {
		shot = t.TempDir()
	}
	shot = filepath.Join(shot, "sse-serve-1920x1080.png")
	if err := br.screenshot(shot); err != nil {
		t.Error(err)
	} else {
		t.Logf("screenshot: %s", shot)
	}

	// The server stops: the page says so, with the time, and greys out.
	srv.stop(t)
	state, err := br.eval(waitFor(`document.getElementById("state").className === "stopped"
		&& document.body.classList.contains("stale") && document.getElementById("state").textContent`))
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^server stopped at \d\d:\d\d:\d\d$`).MatchString(state) {
		t.Errorf("stopped state %q, want \"server stopped at HH:MM:SS\"", state)
	}

	// A new server on the same address: its ids restart at 1, under a new
	// epoch, and the page shows its stream alone.
	again := startStage(t, ctx, srv.addr, interval)
	defer again.stop(t)
	state, err = br.eval(waitFor(`document.getElementById("state").className === "reconnected"
		&& document.querySelectorAll("#events li").length >= 3 && document.getElementById("state").textContent`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(state, "live: a new server since ") {
		t.Errorf("after the restart the state says %q", state)
	}
	if e := checkNewestFirst(t, br, epoch); e == epoch {
		t.Errorf("the restarted server's events carry the old epoch %q", epoch)
	}
}

// checkNewestFirst checks the page's events: one epoch, not old (if old
// is not ""), newest on top, none missing in between. It returns the epoch.
func checkNewestFirst(t *testing.T, br *browser, old string) string {
	t.Helper()
	ids, err := br.eval(`JSON.stringify([...document.querySelectorAll("#events li")].map(li => li.dataset.id))`)
	if err != nil {
		t.Fatal(err)
	}
	var list []string
	if err := json.Unmarshal([]byte(ids), &list); err != nil || len(list) == 0 {
		t.Fatalf("events %s, %v", ids, err)
	}
	epoch := ""
	prev := 0
	for i, id := range list {
		e, num, _ := strings.Cut(id, "-")
		n, err := strconv.Atoi(num)
		switch {
		case err != nil:
			t.Errorf("event id %q is not <epoch>-<n>", id)
		case i == 0:
			epoch = e
		case e != epoch || e == old:
			t.Errorf("events %v mix streams", list)
		case n != prev-1:
			t.Errorf("events %v: %d under %d, want newest first with none missing", list, n, prev)
		}
		prev = n
	}
	return epoch
}

// waitFor is an expression that waits, in the page, until cond is truthy
// and returns its value as a string: the page waits, so the test neither
// sleeps nor polls, and the test's context bounds the wait.
func waitFor(cond string) string {
	return `new Promise(done => {
		const check = () => { const v = (` + cond + `); v ? done(String(v)) : setTimeout(check, 20); };
		check();
	})`
}

// stageServer is serveOn running for a test.
type stageServer struct {
	addr   string
	cancel context.CancelFunc
	done   chan error
}

func startStage(t *testing.T, ctx context.Context, addr string, interval time.Duration) *stageServer {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(ctx)
	s := &stageServer{addr: ln.Addr().String(), cancel: cancel, done: make(chan error, 1)}
	go func() { s.done <- serveOn(ctx, ln, stage{seed: 1, interval: interval}, func(string) {}) }()
	return s
}

// stop stops the server and waits until it has; a second stop does nothing.
func (s *stageServer) stop(t *testing.T) {
	t.Helper()
	if s.done == nil {
		return
	}
	s.cancel()
	if err := <-s.done; err != nil {
		t.Errorf("serveOn: %v", err)
	}
	s.done = nil
}

// browser is headless Chromium driven over the DevTools protocol on
// --remote-debugging-pipe: JSON messages ending in a NUL byte, on the
// browser's file descriptors 3 (in) and 4 (out).
type browser struct {
	cmd     *exec.Cmd
	in      *os.File
	out     *os.File
	replies *bufio.Reader
	id      int
	session string
}

// startBrowser starts Chromium with one blank page, attached to. The
// flags keep it off this closed network: without the
// background-networking ones it stalls looking up Google's hosts.
func startBrowser(ctx context.Context, t *testing.T, chromium string) (*browser, error) {
	toBrowser, in, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	out, fromBrowser, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--hide-scrollbars", "--user-data-dir="+t.TempDir(), "--remote-debugging-pipe", "about:blank")
	cmd.ExtraFiles = []*os.File{toBrowser, fromBrowser}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	toBrowser.Close()
	fromBrowser.Close()
	b := &browser{cmd: cmd, in: in, out: out, replies: bufio.NewReader(out)}

	raw, err := b.call("Target.getTargets", map[string]any{})
	if err != nil {
		b.close()
		return nil, err
	}
	var targets struct {
		TargetInfos []struct{ TargetID, Type string }
	}
	if err := json.Unmarshal(raw, &targets); err != nil {
		b.close()
		return nil, err
	}
	page := ""
	for _, ti := range targets.TargetInfos {
		if ti.Type == "page" {
			page = ti.TargetID
		}
	}
	if page == "" {
		b.close()
		return nil, fmt.Errorf("no page among %s", raw)
	}
	raw, err = b.call("Target.attachToTarget", map[string]any{"targetId": page, "flatten": true})
	if err == nil {
		var s struct{ SessionID string }
		err = json.Unmarshal(raw, &s)
		b.session = s.SessionID
	}
	if err == nil {
		_, err = b.call("Page.enable", map[string]any{})
	}
	if err != nil {
		b.close()
		return nil, err
	}
	return b, nil
}

// close ends the browser: it exits when its pipe closes.
func (b *browser) close() {
	b.in.Close()
	b.out.Close()
	_ = b.cmd.Wait()
}

type message struct {
	ID     int
	Method string // set on an event
	Result json.RawMessage
	Error  *struct{ Message string }
}

func (b *browser) next() (message, error) {
	var m message
	line, err := b.replies.ReadBytes(0)
	if err != nil {
		return m, err
	}
	return m, json.Unmarshal(line[:len(line)-1], &m)
}

// call sends a command to the page's session (or the browser's, before
// one is attached) and returns its result, skipping the events before it.
func (b *browser) call(method string, params any) (json.RawMessage, error) {
	b.id++
	msg, _ := json.Marshal(map[string]any{"id": b.id, "sessionId": b.session, "method": method, "params": params})
	if _, err := b.in.Write(append(msg, 0)); err != nil {
		return nil, err
	}
	for {
		m, err := b.next()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", method, err)
		}
		if m.ID == b.id {
			if m.Error != nil {
				return nil, fmt.Errorf("%s: %s", method, m.Error.Message)
			}
			return m.Result, nil
		}
	}
}

// viewport sets the page's size, as a window of that size would.
func (b *browser) viewport(w, h int) error {
	_, err := b.call("Emulation.setDeviceMetricsOverride",
		map[string]any{"width": w, "height": h, "deviceScaleFactor": 1, "mobile": false})
	return err
}

// navigate loads url and returns once it has loaded: an evaluation before
// would run in the context the navigation replaces.
func (b *browser) navigate(url string) error {
	if _, err := b.call("Page.navigate", map[string]any{"url": url}); err != nil {
		return err
	}
	for {
		m, err := b.next()
		if err != nil {
			return fmt.Errorf("waiting for the page to load: %w", err)
		}
		if m.Method == "Page.loadEventFired" {
			return nil
		}
	}
}

// eval returns what expr (which may be a promise) evaluates to in the
// page, as a string.
func (b *browser) eval(expr string) (string, error) {
	raw, err := b.call("Runtime.evaluate", map[string]any{"expression": expr, "awaitPromise": true, "returnByValue": true})
	if err != nil {
		return "", err
	}
	var res struct {
		Result           struct{ Value any }
		ExceptionDetails *struct{ Text string }
	}
	if err := json.Unmarshal(raw, &res); err != nil {
		return "", err
	}
	if res.ExceptionDetails != nil {
		return "", fmt.Errorf("in the page: %s", res.ExceptionDetails.Text)
	}
	if s, ok := res.Result.Value.(string); ok {
		return s, nil
	}
	return fmt.Sprint(res.Result.Value), nil
}

// screenshot writes what the page shows now to path, as PNG.
func (b *browser) screenshot(path string) error {
	raw, err := b.call("Page.captureScreenshot", map[string]any{"format": "png"})
	if err != nil {
		return err
	}
	var shot struct{ Data string }
	if err := json.Unmarshal(raw, &shot); err != nil {
		return err
	}
	png, err := base64.StdEncoding.DecodeString(shot.Data)
	if err != nil {
		return err
	}
	return os.WriteFile(path, png, 0o644)
}
