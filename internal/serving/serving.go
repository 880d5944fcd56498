// Package serving is what every server of the demo shares: an
// http.Server that bounds what one client can hold, net/http's error log
// kept out of the terminal and summarised instead, and the runtime's
// profiles (net/http/pprof) for the --serve modes.
package serving

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/http/pprof"
	"sort"
	"strings"
	"sync"
	"time"
)

// The limits every server of the demo sets. net/http's defaults are none
// for the timeouts and 1 MiB of headers: 1,000 streams with a 1 MB
// Last-Event-ID took a server from 10 MB to 2.2 GB, and idle connections
// kept their descriptors until the process ran out.
const (
	ReadHeaderTimeout = 5 * time.Second  // a client that never finishes its headers
	IdleTimeout       = 30 * time.Second // a kept-alive connection nobody uses
	MaxHeaderBytes    = 8 << 10          // a request's headers: 8 KiB, 16 times a browser's
)

// NewServer returns an http.Server for h with the demo's limits, whose
// errors go to errs (which may be nil: then they are dropped) instead of
// the process's stderr.
//
// Its Shutdown also closes the connections that have not sent a request
// yet (see notYetActive), so a drain is clean with a browser's spare
// connections open. It sets ConnState for that: do not replace it.
func NewServer(h http.Handler, errs *ErrorLog) *http.Server {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: ReadHeaderTimeout,
		IdleTimeout:       IdleTimeout,
		MaxHeaderBytes:    MaxHeaderBytes,
	}
	srv.ErrorLog = log.New(errs.writer(), "", 0)
	fresh := &notYetActive{conns: map[net.Conn]struct{}{}}
	srv.ConnState = fresh.track
	srv.RegisterOnShutdown(fresh.closeAll)
	return srv
}

// notYetActive is the set of a server's connections that have not sent a
// request yet. Server.Shutdown closes idle connections and waits for the
// active ones, but it takes a new one (StateNew) for idle only once it is
// 5 s old (Go issue 22682): until then it waits for it, and a drain with
// a connection opened in the last 5 s (a browser opens spare ones ahead of
// need; so does a port scan) runs out its timeout and fails, with nothing
// to cut off. closeAll closes them at the start of Shutdown instead, and
// any that arrives after.
//
// A client whose first request is on its way as Shutdown starts can lose
// it: the same race Shutdown runs with every idle connection, and HTTP
// lets a client retry a request on a connection closed before it answered.
type notYetActive struct {
	mu      sync.Mutex
	closing bool // Shutdown has begun: a new connection is closed at once
	conns   map[net.Conn]struct{}
}

// track is the server's ConnState hook.
func (n *notYetActive) track(c net.Conn, st http.ConnState) {
	n.mu.Lock()
	defer n.mu.Unlock()
	switch {
	case st != http.StateNew:
		delete(n.conns, c)
	case n.closing:
		c.Close() // accepted just as Shutdown closed the listener
	default:
		n.conns[c] = struct{}{}
	}
}

// closeAll is registered with Server.RegisterOnShutdown.
func (n *notYetActive) closeAll() {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.closing = true
	for c := range n.conns {
		c.Close() // its goroutine sees the error and ends the connection
	}
	clear(n.conns)
}

// ErrorLog collects the lines net/http logs (a TLS handshake on a plain
// port, "Accept error: too many open files", a panic in a handler) so the
// demo can say how many there were, and of what kind, in one line, instead
// of letting up to hundreds reach the terminal raw. Its methods are safe
// for concurrent use; the zero ErrorLog is ready.
type ErrorLog struct {
	mu        sync.Mutex
	counts    map[string]int // by kind: the line with its numbers and addresses cut
	first     map[string]string
	ctx       context.Context // see Exhausted; made on first use
	exhausted context.CancelCauseFunc
}

// Exhausted returns a context that is cancelled, with ErrExhausted as its
// cause, once net/http has logged that the process ran out of file
// descriptors ("too many open files"): then the server cannot accept, its
// clients wait in the kernel's backlog for an answer that never comes, and
// whoever waits for them must stop. (A context, not a channel, so a caller
// can context.AfterFunc on it without a goroutine of its own.)
func (l *ErrorLog) Exhausted() context.Context {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.init()
	return l.ctx
}

// init makes the exhausted context; l.mu is held.
func (l *ErrorLog) init() {
	if l.ctx == nil {
		l.ctx, l.exhausted = context.WithCancelCause(context.Background())
	}
}

// ErrExhausted is the error of work cut short because the process ran out
// of file descriptors.
var ErrExhausted = errors.New("out of file descriptors (too many open files): fewer --items or a higher ulimit -n")

func (l *ErrorLog) writer() logWriter { return logWriter{l} }

type logWriter struct{ l *ErrorLog }

func (w logWriter) Write(p []byte) (int, error) {
	if w.l != nil {
		w.l.add(string(bytes.TrimSpace(p)))
	}
	return len(p), nil
}

func (l *ErrorLog) add(line string) {
	kind := kindOf(line)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.counts == nil {
		l.counts, l.first = map[string]int{}, map[string]string{}
	}
	if l.counts[kind] == 0 {
		l.first[kind] = line
	}
	l.counts[kind]++
	if strings.Contains(line, "too many open files") {
		l.init()
		l.exhausted(ErrExhausted) // once: later calls do nothing
	}
}

// kindOf is what a log line says without the parts that change from one
// line to the next: net/http starts most with "http: " and ends them with
// an address or a retry delay.
func kindOf(line string) string {
	line = strings.TrimPrefix(line, "http: ")
	if i := strings.IndexAny(line, ";"); i >= 0 {
		line = line[:i]
	}
	if i := strings.Index(line, " from "); i >= 0 {
		line = line[:i]
	}
	return line
}

// Summary is the log in one line, most frequent first, or "" when nothing
// was logged: "net/http logged 142 lines: 140 x Accept error: too many open
// files, 2 x TLS handshake error".
func (l *ErrorLog) Summary() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.counts) == 0 {
		return ""
	}
	kinds := make([]string, 0, len(l.counts))
	total := 0
	for k, n := range l.counts {
		kinds = append(kinds, k)
		total += n
	}
	sort.Slice(kinds, func(i, j int) bool {
		if l.counts[kinds[i]] != l.counts[kinds[j]] {
			return l.counts[kinds[i]] > l.counts[kinds[j]]
		}
		return kinds[i] < kinds[j]
	})
	parts := make([]string, len(kinds))
	for i, k := range kinds {
		parts[i] = fmt.Sprintf("%d x %s", l.counts[k], k)
	}
	return fmt.Sprintf("net/http logged %d %s: %s", total, plural(total, "line"), strings.Join(parts, ", "))
}

func plural(n int, w string) string {
	if n == 1 {
		return w
	}
	return w + "s"
}

// Loopback reports whether addr listens on this machine only: 127.0.0.1,
// ::1 or localhost. An empty host (":8080") is every interface.
func Loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Debug mounts the runtime's profiles on mux under /debug/pprof/, as
// net/http/pprof does on http.DefaultServeMux (which no server here uses):
// goroutine counts and stacks while requests run, heap, CPU, the execution
// trace. Only the --serve modes call it, and it mounts them only when addr,
// where mux is served, is loopback: a profile shows a process's insides, and
// a CPU profile or a trace costs it for as long as it is asked. It reports
// whether it mounted them.
func Debug(mux *http.ServeMux, addr string) bool {
	if !Loopback(addr) {
		return false
	}
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return true
}
