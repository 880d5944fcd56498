package sse

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
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
	d := NewDecoder(bufio.NewReaderSize(resp.Body, 4096))
	for _, want := range []Event{{ID: "2", Type: eventType, Data: "b"}, {ID: "3", Type: eventType, Data: "c"}} {
		if got, err := d.Next(); err != nil || got != want {
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
	var said []string // written by serveOn before it returns
	go func() {
		served <- serveOn(ctx, ln, 1, 10*time.Millisecond, func(line string) { said = append(said, line) })
	}()

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
	if all := strings.Join(said, "\n"); !strings.Contains(all, "draining: 1 stream open") ||
		!strings.Contains(all, "every stream ended by the broker's shutdown") {
		t.Errorf("announced %q, want the drain's summary", all)
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

// Over HTTP/2 a write deadline is a timer that resets the stream when it
// fires, whether or not anything is being written: a stream that stays
// silent for longer than WriteTimeout must still get its keep-alives, and
// the events after them.
func TestHTTP2SilentStreamOutlivesWriteTimeout(t *testing.T) {
	b := NewBroker(Config{KeepAlive: 300 * time.Millisecond, WriteTimeout: 200 * time.Millisecond})
	ts := httptest.NewUnstartedServer(newMux(b))
	ts.EnableHTTP2 = true
	ts.StartTLS()
	defer ts.Close()
	defer b.Shutdown() // before ts.Close: it ends the stream Close waits for

	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	resp, err := openStream(ctx, ts.Client(), ts.URL+"/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.ProtoMajor != 2 {
		t.Fatalf("protocol %s, want HTTP/2", resp.Proto)
	}
	d := NewDecoder(bufio.NewReaderSize(resp.Body, 4096))
	// Silent from the headers on: keep-alives at 300 and 600ms, each
	// after a 200ms write deadline left set would have reset the stream.
	for i := range 2 {
		line, err := d.line()
		if err != nil || string(line) != strings.TrimSuffix(keepAliveComment, "\n") {
			t.Fatalf("line %d: %q, %v; want the keep-alive comment", i+1, line, err)
		}
	}
	if err := b.Publish(t.Context(), eventType, "payments-api -> prod: Healthy"); err != nil {
		t.Fatal(err)
	}
	if ev, err := d.Next(); err != nil || ev.Data != "payments-api -> prod: Healthy" {
		t.Fatalf("after the keep-alives: %q, %v; want the event", ev, err)
	}
}

// pipeListener is a listener of in-memory connections, for a server in a
// synctest bubble (a real socket would block virtual time).
type pipeListener struct {
	conns  chan net.Conn
	once   sync.Once
	closed chan struct{}
}

func newPipeListener() *pipeListener {
	return &pipeListener{conns: make(chan net.Conn), closed: make(chan struct{})}
}

func (l *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.closed:
		return nil, net.ErrClosed
	}
}

func (l *pipeListener) Close() error   { l.once.Do(func() { close(l.closed) }); return nil }
func (l *pipeListener) Addr() net.Addr { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)} }

func (l *pipeListener) dial(ctx context.Context, _, _ string) (net.Conn, error) {
	client, server := net.Pipe()
	select {
	case l.conns <- server:
		return client, nil
	case <-l.closed:
		return nil, net.ErrClosed
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// A request that does not end by itself holds the drain to its timeout;
// shutdown then closes it and says so, rather than reporting a clean drain.
func TestShutdownFallsBackToClose(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ln := newPipeListener()
		started := make(chan struct{})
		srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			close(started)
			<-r.Context().Done() // a stream nothing ends but its connection
		})}
		served := make(chan error, 1)
		go func() { served <- srv.Serve(ln) }()
		client := &http.Client{Transport: &http.Transport{DialContext: ln.dial}}
		defer client.CloseIdleConnections()
		got := make(chan error, 1)
		go func() {
			resp, err := client.Get("http://sse.test/")
			if err == nil {
				_, err = io.ReadAll(resp.Body)
				resp.Body.Close()
			}
			got <- err
		}()
		<-started
		start := time.Now()
		err := shutdown(srv)
		if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) != drainTimeout {
			t.Errorf("shutdown = %v after %v; want DeadlineExceeded after %v", err, time.Since(start), drainTimeout)
		}
		if err := <-got; err == nil {
			t.Error("the request cut off by Close got a whole answer")
		}
		<-served
	})
}
