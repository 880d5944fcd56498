package ssedemo

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/sse"
)

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
	var st sse.Stats
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
