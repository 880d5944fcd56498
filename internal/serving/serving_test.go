package serving

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/memnet"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// The server refuses headers over MaxHeaderBytes (431), and its errors go
// to the ErrorLog, summarised by kind, not to stderr.
func TestNewServerBoundsHeadersAndKeepsItsLog(t *testing.T) {
	var errs ErrorLog
	srv := NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }), &errs)
	ts := httptest.NewUnstartedServer(srv.Handler)
	ts.Config = srv
	ts.Start()
	defer ts.Close()

	req, _ := http.NewRequest(http.MethodGet, ts.URL, nil)
	req.Header.Set("Last-Event-ID", strings.Repeat("9", 64<<10))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("64 KiB of headers: %s, want 431", resp.Status)
	}

	// What net/http logs, as it logs it: one line of summary, by kind.
	srv.ErrorLog.Printf("http: Accept error: accept tcp 127.0.0.1:8080: accept4: too many open files; retrying in 5ms")
	srv.ErrorLog.Printf("http: Accept error: accept tcp 127.0.0.1:8080: accept4: too many open files; retrying in 10ms")
	srv.ErrorLog.Printf("http: TLS handshake error from 10.0.0.7:51234: EOF")
	want := "net/http logged 3 lines: 2 x Accept error: accept tcp 127.0.0.1:8080: accept4: too many open files, 1 x TLS handshake error"
	if got := errs.Summary(); got != want {
		t.Errorf("summary\n %q\nwant %q", got, want)
	}
	if !errors.Is(context.Cause(errs.Exhausted()), ErrExhausted) {
		t.Error("Exhausted not cancelled after too many open files")
	}
	if NewServer(http.NotFoundHandler(), nil).IdleTimeout != IdleTimeout {
		t.Error("no idle timeout")
	}
}

func TestExhaustedOnlyWhenOutOfDescriptors(t *testing.T) {
	var errs ErrorLog
	NewServer(http.NotFoundHandler(), &errs).ErrorLog.Printf("http: TLS handshake error from 10.0.0.7:51234: EOF")
	if errs.Exhausted().Err() != nil {
		t.Error("Exhausted cancelled by a handshake error")
	}
}

func TestLoopback(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:8080": true, "[::1]:80": true, "localhost:0": true, "127.1.2.3:9": true,
		":8080": false, "0.0.0.0:8080": false, "192.168.1.4:80": false, "[::]:80": false, "nonsense": false,
	} {
		if got := Loopback(addr); got != want {
			t.Errorf("Loopback(%q) = %v, want %v", addr, got, want)
		}
	}
}

func TestDebugMountsProfiles(t *testing.T) {
	if Debug(http.NewServeMux(), "0.0.0.0:8080") {
		t.Error("the profiles mounted on a server reachable from the network")
	}
	mux := http.NewServeMux()
	Debug(mux, "127.0.0.1:8080")
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/debug/pprof/goroutine?debug=1", nil))
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "goroutine profile: total") {
		t.Errorf("goroutine profile: %d %q", rec.Code, rec.Body.String()[:min(80, rec.Body.Len())])
	}
}

// A connection that has sent nothing yet (a browser's spare one) does not
// hold up Shutdown: today's net/http waits for it until it is 5 s old, so
// a drain with a 2 s timeout failed.
func TestShutdownClosesConnectionsThatSentNothing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ln := memnet.Listen()
		srv := NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}), nil)
		served := make(chan error, 1)
		go func() { served <- srv.Serve(ln) }()
		spare, _ := ln.Dial(t.Context())
		defer spare.Close()
		synctest.Wait() // accepted: StateNew

		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
		defer cancel()
		start := time.Now()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown with a connection that sent nothing: %v after %v, want nil", err, time.Since(start))
		}
		if d := time.Since(start); d > 10*time.Millisecond {
			t.Errorf("Shutdown took %v, want a few ms (its first polls)", d)
		}
		if _, err := spare.Read(make([]byte, 1)); err == nil {
			t.Error("the spare connection is still open")
		}
		<-served
	})
}

// A connection kept alive after its request is closed after IdleTimeout,
// and one that never finishes its headers after ReadHeaderTimeout: neither
// holds a descriptor for longer.
func TestServerTimesOutIdleConnections(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ln := memnet.Listen()
		srv := NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }), nil)
		served := make(chan error, 1)
		go func() { served <- srv.Serve(ln) }()
		defer func() { srv.Close(); <-served }()

		for _, tc := range []struct {
			name string
			send string
			want time.Duration
		}{
			{"kept alive after its request", "GET / HTTP/1.1\r\nHost: x\r\n\r\n", IdleTimeout},
			{"headers never finished", "GET / HTTP/1.1\r\nHost: x\r\n", ReadHeaderTimeout},
		} {
			c, _ := ln.Dial(t.Context())
			start := time.Now()
			go io.WriteString(c, tc.send) // a pipe blocks until the server reads
			_, err := io.ReadAll(c)       // the answer, if any, then the server's close
			if d := time.Since(start); err != nil || d != tc.want {
				t.Errorf("%s: closed after %v (%v), want %v", tc.name, d, err, tc.want)
			}
			c.Close()
		}
	})
}
