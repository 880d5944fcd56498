package sse

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// The real-socket path: the broker as the handler of httptest servers,
// read by real HTTP clients through a Decoder.

// get opens the stream at url on hc, with lastID as Last-Event-ID unless
// it is empty. When it returns, the headers are in, and the handler sends
// them only once the broker has registered the stream.
func get(ctx context.Context, hc *http.Client, url, lastID string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return resp, nil
}

// openStreams opens n streams on url and reads one event from each after a
// publish, so every stream is known to be live.
func openStreams(t *testing.T, b *Broker, url string, n int) []*http.Response {
	t.Helper()
	var resps []*http.Response
	for range n {
		resp, err := get(t.Context(), http.DefaultClient, url, "")
		if err != nil {
			t.Fatal(err)
		}
		resps = append(resps, resp)
	}
	if err := b.Publish(t.Context(), "deployment", "payments-api -> prod: Healthy"); err != nil {
		t.Fatal(err)
	}
	for i, r := range resps {
		if ev, err := NewDecoder(r.Body).Next(); err != nil || ev.ID != "1" {
			t.Fatalf("stream %d: %q, %v; want event 1", i, ev, err)
		}
	}
	return resps
}

// With the broker's shutdown registered, Server.Shutdown ends open streams
// and returns at once; every client sees its stream end.
func TestServerShutdownEndsStreams(t *testing.T) {
	b := NewBroker(Config{})
	ts := httptest.NewUnstartedServer(b)
	ts.Config.RegisterOnShutdown(b.Shutdown)
	ts.Start()
	defer ts.Close()
	resps := openStreams(t, b, ts.URL, 3)

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
	ts := httptest.NewServer(b)
	defer ts.Close()
	defer b.Shutdown() // before ts.Close: it ends the streams Close waits for
	resps := openStreams(t, b, ts.URL, 1)
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
	ts := httptest.NewServer(b)
	defer ts.Close()
	defer b.Shutdown()
	for _, d := range []string{"a", "b", "c"} {
		if err := b.Publish(t.Context(), "deployment", d); err != nil {
			t.Fatal(err)
		}
	}
	resp, err := get(t.Context(), http.DefaultClient, ts.URL, "1")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Errorf("Content-Type = %q", ct)
	}
	d := NewDecoder(resp.Body)
	for _, want := range []Event{{ID: "2", Type: "deployment", Data: "b"}, {ID: "3", Type: "deployment", Data: "c"}} {
		if got, err := d.Next(); err != nil || got != want {
			t.Fatalf("got %q, %v; want %q", got, err, want)
		}
	}
}

// Over HTTP/2 a write deadline is a timer that resets the stream when it
// fires, whether or not anything is being written: a stream that stays
// silent for longer than WriteTimeout must still get its keep-alives, and
// the events after them.
func TestHTTP2SilentStreamOutlivesWriteTimeout(t *testing.T) {
	b := NewBroker(Config{KeepAlive: 300 * time.Millisecond, WriteTimeout: 200 * time.Millisecond})
	ts := httptest.NewUnstartedServer(b)
	ts.EnableHTTP2 = true
	ts.StartTLS()
	defer ts.Close()
	defer b.Shutdown() // before ts.Close: it ends the stream Close waits for

	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	resp, err := get(ctx, ts.Client(), ts.URL, "")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.ProtoMajor != 2 {
		t.Fatalf("protocol %s, want HTTP/2", resp.Proto)
	}
	d := NewDecoder(resp.Body)
	// Silent from the headers on: keep-alives at 300 and 600ms, each
	// after a 200ms write deadline left set would have reset the stream.
	for i := range 2 {
		line, err := d.line()
		if err != nil || string(line) != strings.TrimSuffix(keepAliveComment, "\n") {
			t.Fatalf("line %d: %q, %v; want the keep-alive comment", i+1, line, err)
		}
	}
	if err := b.Publish(t.Context(), "deployment", "payments-api -> prod: Healthy"); err != nil {
		t.Fatal(err)
	}
	if ev, err := d.Next(); err != nil || ev.Data != "payments-api -> prod: Healthy" {
		t.Fatalf("after the keep-alives: %q, %v; want the event", ev, err)
	}
}

// Over HTTP/2 too, an eviction cuts the write the handler is stuck in (on
// the client's flow-control window) and the stream is reset at once,
// rather than after WriteTimeout; the client sees its stream end.
func TestHTTP2EvictionCutsTheStream(t *testing.T) {
	b := NewBroker(Config{Buffer: 2, WriteTimeout: time.Minute})
	served := make(chan struct{}, 1) // the handler returned
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b.ServeHTTP(w, r)
		served <- struct{}{}
	}))
	ts.EnableHTTP2 = true
	ts.StartTLS()
	defer ts.Close()
	defer b.Shutdown()

	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second) // the hang guard
	defer cancel()
	resp, err := get(ctx, ts.Client(), ts.URL, "")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.ProtoMajor != 2 {
		t.Fatalf("protocol %s, want HTTP/2", resp.Proto)
	}
	// The client reads nothing: 64 KiB events fill its flow-control
	// window (a few MB), then the broker's buffer, then it is evicted.
	big := strings.Repeat("x", 64<<10)
	for b.Stats().Evicted == 0 {
		if err := b.Publish(ctx, "deployment", big); err != nil {
			t.Fatal(err)
		}
		select {
		case <-ctx.Done():
			t.Fatal("never evicted")
		case <-time.After(time.Millisecond): // let the handler write; not a wait for a result
		}
	}
	t.Logf("evicted after %d events of 64 KiB", b.Stats().Published)
	select {
	case <-served:
	case <-ctx.Done():
		t.Fatal("the evicted stream's handler is still writing")
	}
	if _, err := io.Copy(io.Discard, resp.Body); err == nil {
		t.Error("the evicted stream ended cleanly, want it reset")
	}
}
