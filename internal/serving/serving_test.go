package serving

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.uber.org/goleak"
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
	mux := http.NewServeMux()
	Debug(mux)
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/debug/pprof/goroutine?debug=1", nil))
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "goroutine profile: total") {
		t.Errorf("goroutine profile: %d %q", rec.Code, rec.Body.String()[:min(80, rec.Body.Len())])
	}
}
