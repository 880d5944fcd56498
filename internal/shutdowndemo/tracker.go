package shutdowndemo

import (
	"context"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// tracker counts a server's requests as its handlers see them, and learns
// who ended a request from outside the lesson's code, which has no hooks.
// A handler that returns with its request's context done was left by its
// client, or cut off by Server.Close. Close is the one that closes the
// connection while the handler still runs: net/http otherwise closes a
// connection only after its handler has returned, and Shutdown closes only
// idle ones. A server whose listener comes from t.listen and whose
// ConnContext is t.connContext tells the two apart; any other server's cut
// requests count as left.
type tracker struct {
	mu      sync.Mutex // guards st and changed
	st      trackState
	changed chan struct{} // closed and replaced on every change; see wait
}

type trackState struct {
	started int       // handlers started
	active  int       // handlers running now
	cut     int       // handlers whose connection the server closed while they ran: Close
	left    int       // other handlers that returned with their request's context done
	lastEnd time.Time // when the last handler returned
}

func newTracker() *tracker { return &tracker{changed: make(chan struct{})} }

func (t *tracker) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.update(func(st *trackState) { st.started++; st.active++ })
		defer t.update(func(st *trackState) {
			st.active--
			st.lastEnd = time.Now()
			switch endOf(r) {
			case endCut:
				st.cut++
			case endLeft:
				st.left++
			}
		})
		h.ServeHTTP(w, r)
	})
}

// How a request's handler ended, as the tracker tells it.
type end int

const (
	endServed end = iota // its context still live: it answered
	endLeft              // its client went away
	endCut               // the server closed its connection under it: Close
)

// endOf tells how r's handler ended, once it has returned.
func endOf(r *http.Request) end {
	switch c, ok := r.Context().Value(connKey{}).(*trackedConn); {
	case ok && c.closed.Load():
		return endCut
	case r.Context().Err() != nil:
		return endLeft
	}
	return endServed
}

// listen wraps ln so that the tracker can tell which connections the
// server closed; see tracker.
func (t *tracker) listen(ln net.Listener) net.Listener { return trackedListener{ln} }

// connContext is the server's ConnContext for a listener from t.listen:
// it puts the connection where the handler's wrapper finds it.
func (t *tracker) connContext(ctx context.Context, c net.Conn) context.Context {
	return context.WithValue(ctx, connKey{}, c)
}

type connKey struct{}

type trackedListener struct{ net.Listener }

func (l trackedListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &trackedConn{Conn: c}, nil
}

// trackedConn is a server's end of a connection; closed says the server
// has closed it.
type trackedConn struct {
	net.Conn
	closed atomic.Bool
}

func (c *trackedConn) Close() error {
	c.closed.Store(true)
	return c.Conn.Close()
}

func (t *tracker) update(f func(*trackState)) {
	t.mu.Lock()
	defer t.mu.Unlock()
	f(&t.st)
	close(t.changed)
	t.changed = make(chan struct{})
}

func (t *tracker) state() trackState {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.st
}

// arriveGrace is how long a request its client gave up on may still take
// to reach the server. At a tiny --scale the client can give up before its
// request is even sent; then no handler ever starts, and waiting for one
// would hang.
const arriveGrace = time.Second

// waitHandled waits until the request's handler has ended or, when none
// has started within arriveGrace, for that long; ctx ends either wait.
func (t *tracker) waitHandled(ctx context.Context) {
	arrive, cancel := context.WithTimeout(ctx, arriveGrace)
	err := t.wait(arrive, func(st trackState) bool { return st.started > 0 })
	cancel()
	if err == nil {
		_ = t.wait(ctx, func(st trackState) bool { return st.active == 0 })
	}
}

// wait blocks until cond holds or ctx is done.
func (t *tracker) wait(ctx context.Context, cond func(trackState) bool) error {
	for {
		st, changed := t.next()
		if cond(st) {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	}
}

// next returns the state now, and a channel that is closed when it next
// changes: for a wait on more than the tracker.
func (t *tracker) next() (trackState, <-chan struct{}) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.st, t.changed
}
