package sse

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// The real-socket path: httptest servers and real HTTP clients.

// openStreams opens n streams on url and reads one event from each after a
// publish, so every stream is known to be live.
func openStreams(t *testing.T, b *Broker, url string, n int) []*http.Response {
	t.Helper()
	var resps []*http.Response
	for range n {
		resp, err := openStream(t.Context(), http.DefaultClient, url)
		if err != nil {
			t.Fatal(err)
		}
		resps = append(resps, resp)
	}
	if err := b.Publish(t.Context(), eventType, "payments-api -> prod: Healthy"); err != nil {
		t.Fatal(err)
	}
	for _, r := range resps {
		if tl := read(t.Context(), r.Body, 4096, 1, nil); tl.got != 1 {
			t.Fatalf("stream got %d events, want 1", tl.got)
		}
	}
	return resps
}

// With the broker's shutdown registered, Server.Shutdown ends open streams
// and returns at once; every client sees its stream end.
func TestServerShutdownEndsStreams(t *testing.T) {
	b := NewBroker(Config{})
	ts := httptest.NewUnstartedServer(newMux(b))
	ts.Config.RegisterOnShutdown(b.Shutdown)
	ts.Start()
	defer ts.Close()
	resps := openStreams(t, b, ts.URL+"/events", 3)

	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	start := time.Now()
	if err := ts.Config.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown with 3 open streams: %v after %v", err, time.Since(start))
	}
	for i, r := range resps {
		if _, err := io.ReadAll(r.Body); err != nil {
			t.Errorf("stream %d ended with %v, want a clean end", i, err)
		}
		r.Body.Close()
	}
	if err := b.Publish(t.Context(), "", "late"); !errors.Is(err, ErrClosed) {
		t.Errorf("Publish after Shutdown = %v, want ErrClosed", err)
	}
}

// Without it, Server.Shutdown waits on the open streams until its context
// ends: streams never go idle by themselves.
func TestServerShutdownWithoutBrokerHangs(t *testing.T) {
	b := NewBroker(Config{})
	ts := httptest.NewServer(newMux(b))
	defer ts.Close()
	defer b.Shutdown() // before ts.Close: it ends the streams Close waits for
	resps := openStreams(t, b, ts.URL+"/events", 1)
	defer resps[0].Body.Close()

	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if err := ts.Config.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Shutdown = %v, want DeadlineExceeded", err)
	}
}

// A reconnect sends Last-Event-ID as a header and gets what it missed.
func TestServerLastEventID(t *testing.T) {
	b := NewBroker(Config{})
	ts := httptest.NewServer(newMux(b))
	defer ts.Close()
	defer b.Shutdown()
	for _, d := range []string{"a", "b", "c"} {
		if err := b.Publish(t.Context(), eventType, d); err != nil {
			t.Fatal(err)
		}
	}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, ts.URL+"/events", nil)
	req.Header.Set("Last-Event-ID", "1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if n := ours(); n < 2 { // at least the server's connection and the client's
		t.Errorf("ours() = %d with a stream open, want it to see the stream's goroutines", n)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Errorf("Content-Type = %q", ct)
	}
	d := newDecoder(resp.Body, 4096)
	for _, want := range []Event{{ID: "2", Type: eventType, Data: "b"}, {ID: "3", Type: eventType, Data: "c"}} {
		if got, err := d.next(); err != nil || got != want {
			t.Fatalf("got %q, %v; want %q", got, err, want)
		}
	}
}

// --serve: the page, the counters and the stream, then a clean exit when
// ctx ends, with a stream still open.
func TestServe(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	served := make(chan error, 1)
	go func() { served <- serveOn(ctx, ln, 1, 10*time.Millisecond) }()

	page := get(t, base+"/")
	for _, id := range []string{`id="events"`, `id="clients"`, `id="evicted"`, `new EventSource("/events")`} {
		if !strings.Contains(page, id) {
			t.Errorf("page lacks %s", id)
		}
	}
	resp, err := openStream(t.Context(), http.DefaultClient, base+"/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if tl := read(t.Context(), resp.Body, 4096, 3, nil); tl.got != 3 || !tl.inOrder {
		t.Fatalf("stream: %+v, want 3 events in order", tl)
	}
	var st Stats
	if err := json.Unmarshal([]byte(get(t, base+"/stats")), &st); err != nil || st.Clients != 1 || st.Published < 3 {
		t.Errorf("/stats = %+v, %v; want 1 client and at least 3 published", st, err)
	}

	cancel()
	start := time.Now()
	if err := <-served; err != nil {
		t.Errorf("serve returned %v, want nil", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("serve took %v to stop, want well under a second", d)
	}
	if _, err := io.ReadAll(resp.Body); err != nil {
		t.Errorf("open stream ended with %v, want a clean end", err)
	}
	http.DefaultClient.CloseIdleConnections()
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s, %v", url, resp.Status, err)
	}
	return string(b)
}
