package apiserver

import (
	"bufio"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/memnet"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/serving"
)

// A Listener bounds what a client can hold: 64 KiB of headers get 431
// (net/http's default took a megabyte), and net/http's own complaints, a
// handler's panic here, go to the ErrorLog, summarised, not to stderr.
func TestListenBoundsHeadersAndKeepsItsLog(t *testing.T) {
	var errs serving.ErrorLog
	s := New(Config{Latency: func(string) time.Duration { return 0 }})
	l, err := Listen("127.0.0.1:0", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/panic" {
			panic("a bug in a handler")
		}
		s.ServeHTTP(w, r)
	}), &errs)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := l.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	}()
	c := &http.Client{}
	defer c.CloseIdleConnections()
	req, _ := http.NewRequest(http.MethodGet, l.URL+path+"a", nil)
	req.Header.Set("X-Padding", strings.Repeat("x", 64<<10))
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("64 KiB of headers: %s, want 431", resp.Status)
	}
	if _, err := c.Get(l.URL + "/panic"); err == nil {
		t.Error("a panicking handler answered")
	}
	if sum := errs.Summary(); !strings.Contains(sum, "net/http logged 1 line: 1 x panic serving") {
		t.Errorf("error log summary %q, want the panic, in one line", sum)
	}
}

// Cluster-scoped resources are served at /api/v1/{resource}/{name}, without
// a namespace, as the real server serves a node.
func TestClusterScoped(t *testing.T) {
	s := New(Config{Latency: func(string) time.Duration { return 0 }})
	c := &http.Client{Transport: Transport(s)}
	r := get(t.Context(), c, "http://apiserver.test/api/v1/nodes/n1", time.Now())
	meta, _ := r.body["metadata"].(map[string]any)
	if r.err != nil || r.code != 200 || r.body["kind"] != "Node" || meta["name"] != "n1" || meta["namespace"] != nil {
		t.Errorf("GET a node: %d %v %v, want a Node named n1 with no namespace", r.code, r.body, r.err)
	}
}

// A connection kept alive after its request is closed after
// serving.IdleTimeout: it used to stay open until the client closed it,
// holding a descriptor. In virtual time, over an in-memory connection.
func TestListenerClosesIdleConnections(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := newServer(New(Config{}), nil)
		ln := memnet.Listen()
		served := make(chan error, 1)
		go func() { served <- srv.Serve(ln) }()
		defer func() { srv.Close(); <-served }()
		client, err := ln.Dial(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		defer client.Close()
		start := time.Now()
		go io.WriteString(client, "GET "+path+"a HTTP/1.1\r\nHost: apiserver.test\r\n\r\n")
		r := bufio.NewReader(client)
		resp, err := http.ReadResponse(r, nil)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		answered := time.Since(start) // after the GET's DefaultLatency
		if _, err := r.ReadByte(); err == nil || time.Since(start)-answered != serving.IdleTimeout {
			t.Errorf("the idle connection was closed %v after its answer (%v), want %v", time.Since(start)-answered, err, serving.IdleTimeout)
		}
	})
}
