package ssedemo

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/render"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/sim"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/sse"
)

// The lanes are the subscribers --serve runs next to the browsers, so the
// slide's point happens on stage by itself: two fast ones that read every
// event, and a slow one that reads one event in slowReads. Each is a real
// HTTP client over loopback reading the stream through sse.Decoder, as a
// browser's EventSource would; the page shows what each got, how far it
// is behind, and when the broker evicted the slow one.

// laneHeader names a lane's request, so the server can tell the page
// when the broker ended that lane's stream (the client only finds out
// when it next reads).
const laneHeader = "X-Demo-Lane"

// Lane states, as the page shows them.
const (
	laneConnecting = "connecting"
	laneLive       = "live"
	laneBehind     = "falling behind" // two events or more not read yet
	laneEvicted    = "evicted"        // the broker ended its stream
	laneCutOff     = "cut off"        // the broker ended it without an eviction: a write timed out
	laneStopped    = "stopped"        // the server is draining
)

// laneView is one lane as the page and the tests see it.
type laneView struct {
	Name      string `json:"name"`
	Slow      bool   `json:"slow"`
	ReadsOne  int    `json:"reads_one_in"` // reads one event in this many; 1: all
	State     string `json:"state"`
	Received  int    `json:"received"` // events read on its current connection
	Behind    int    `json:"behind"`   // events published since it joined and not read yet
	InOrder   bool   `json:"in_order"` // every event read was the one after the last
	Evictions int    `json:"evictions"`
	Cuts      int    `json:"cuts"`       // streams the broker ended on a failed write
	JoinedMS  int64  `json:"joined_ms"`  // Unix ms of its current connection, 0 before
	EvictedMS int64  `json:"evicted_ms"` // Unix ms of its last eviction or cut, 0 if none
}

// lane is one built-in subscriber. Its goroutine writes it; the page's
// /stats and the server's watch read it, under mu.
type lane struct {
	name     string
	readsOne int // 1: reads every event

	mu        sync.Mutex
	state     string
	received  int
	last      uint64 // the number of the last event read, 0 before one
	joinedAt  int    // events the broker had published when it joined
	inOrder   bool
	evictions int
	cuts      int
	joined    time.Time
	evicted   time.Time // its last eviction or cut
	behindAt  int       // behind then: frozen there
}

// lanes are --serve's built-in subscribers and what the stage needs of
// them. The lanes' goroutines are run's; notes goes to the terminal.
type lanes struct {
	b        *sse.Broker
	list     []*lane
	stopping atomic.Bool   // set by stop: an ended stream is the drain's, not an eviction
	notes    chan<- string // lines for the terminal; a full channel drops one
	handlers busy          // the lanes' streams being served
	browsers atomic.Int64  // the other streams being served: the audience's
}

// newLanes returns two fast lanes and one slow one, which reads one event
// in slowReads.
func newLanes(b *sse.Broker, slowReads int, notes chan<- string) *lanes {
	ls := &lanes{b: b, notes: notes}
	for i, readsOne := range []int{1, 1, slowReads} {
		name := fmt.Sprintf("fast %d", i+1)
		if readsOne > 1 {
			name = "slow"
		}
		ls.list = append(ls.list, &lane{name: name, readsOne: readsOne, state: laneConnecting, inOrder: true})
	}
	return ls
}

// views is every lane, for /stats.
func (ls *lanes) views() []laneView {
	published := ls.b.Stats().Published
	out := make([]laneView, len(ls.list))
	for i, l := range ls.list {
		out[i] = l.view(published)
	}
	return out
}

func (l *lane) view(published int) laneView {
	l.mu.Lock()
	defer l.mu.Unlock()
	v := laneView{Name: l.name, Slow: l.readsOne > 1, ReadsOne: l.readsOne, State: l.state,
		Received: l.received, InOrder: l.inOrder, Evictions: l.evictions, Cuts: l.cuts,
		JoinedMS: unixMS(l.joined), EvictedMS: unixMS(l.evicted)}
	switch l.state {
	case laneLive, laneBehind:
		v.Behind = published - l.joinedAt - l.received
		if l.last > 0 { // by the numbers, exact even if it joined mid-publish
			v.Behind = published - int(l.last)
		}
		v.Behind = max(v.Behind, 0)
		if v.State = laneLive; v.Behind >= 2 {
			v.State = laneBehind
		}
	case laneEvicted, laneCutOff:
		v.Behind = l.behindAt
	}
	return v
}

func unixMS(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// byName is the lane of a request, or nil for a browser's.
func (ls *lanes) byName(name string) *lane {
	for _, l := range ls.list {
		if name != "" && l.name == name {
			return l
		}
	}
	return nil
}

// watch is the stream's handler on stage: the broker's, and for a lane's
// request, a note of when the broker ended its stream. That is the
// eviction's moment: the broker cuts an evicted client's stream at once,
// while the client finds out only when it next reads.
func (ls *lanes) watch(stream http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l := ls.byName(r.Header.Get(laneHeader))
		if l == nil {
			ls.browsers.Add(1)
			defer ls.browsers.Add(-1)
			stream.ServeHTTP(w, r)
			return
		}
		ls.handlers.add()
		defer ls.handlers.done()
		evictedBefore := ls.b.Stats().Evicted
		stream.ServeHTTP(w, r)
		if ls.stopping.Load() {
			return
		}
		st := ls.b.Stats()
		evicted := st.Evicted > evictedBefore
		behind, first := l.ended(st.Published, evicted)
		switch {
		case !first:
		case evicted:
			ls.note(fmt.Sprintf("%s the %s lane was evicted, %s behind (the broker buffers %d per client); "+
				"it connects again after a pause, and falls behind again: the page counts the evictions",
				time.Now().Format(time.TimeOnly), l.name, render.Plural(behind, "event"), serveBuffer))
		default:
			// At this pace a write to it waits longer than the write
			// timeout before its buffer fills (from scale 1 up): the
			// other way a broker lets go of a client that is not reading.
			ls.note(fmt.Sprintf("%s the %s lane was cut off, %s behind: a write to it waited %s, the broker's "+
				"write timeout, before its buffer of %d filled",
				time.Now().Format(time.TimeOnly), l.name, render.Plural(behind, "event"), render.DurOf(writeTimeout), serveBuffer))
		}
	})
}

// note sends a line to the terminal, or drops it if the terminal is behind.
func (ls *lanes) note(line string) {
	select {
	case ls.notes <- line:
	default:
	}
}

// ended records that the broker ended the lane's stream, by an eviction
// or else by a failed write: how far behind the lane was, and whether it
// was the first of its kind.
func (l *lane) ended(published int, evicted bool) (behind int, first bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	behind = published - int(l.last)
	if l.last == 0 {
		behind = published - l.joinedAt
	}
	l.evicted, l.behindAt = time.Now(), max(behind, 0)
	if evicted {
		l.state = laneEvicted
		l.evictions++
		return l.behindAt, l.evictions == 1
	}
	l.state = laneCutOff
	l.cuts++
	return l.behindAt, l.cuts == 1
}

func (l *lane) set(state string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.state = state
}

// stop marks every lane stopped: the server is draining.
func (ls *lanes) stop() {
	ls.stopping.Store(true)
	for _, l := range ls.list {
		l.set(laneStopped)
	}
}

// left waits until the server has ended the streams of lanes that have
// left (a handler ends as soon as its client's connection is gone), for
// at most guard, and reports whether they have all ended.
func (ls *lanes) left(guard time.Duration) bool {
	t := time.NewTimer(guard)
	defer t.Stop()
	select {
	case <-ls.handlers.idle():
		return true
	case <-t.C:
		return false // the drain ends the rest
	}
}

// busy counts handlers running, and says when none is. Not a WaitGroup: a
// lane's request can reach the server after its lane has given up, so an
// Add can come while someone waits, which a WaitGroup forbids. The zero
// busy is idle.
type busy struct {
	mu    sync.Mutex
	n     int
	until chan struct{} // closed when n drops to 0; nil while n is 0
}

func (b *busy) add() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.n == 0 {
		b.until = make(chan struct{})
	}
	b.n++
}

func (b *busy) done() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.n--
	if b.n == 0 {
		close(b.until)
		b.until = nil
	}
}

// idle returns a channel that is closed once no handler runs.
func (b *busy) idle() <-chan struct{} {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.n == 0 {
		closed := make(chan struct{})
		close(closed)
		return closed
	}
	return b.until
}

// run runs every lane until ctx ends: the fast ones at url, the slow one
// at slowURL, the listener whose sockets are shrunk (see slowLaneSocket).
// Each connects, reads until its stream ends, waits rejoin and connects
// again, as a browser's EventSource reconnects (but afresh, without
// Last-Event-ID: a replay would evict the slow one again at once). It
// returns once every lane's goroutine has.
func (ls *lanes) run(ctx context.Context, url, slowURL string, interval, rejoin time.Duration) {
	var wg sync.WaitGroup
	for _, l := range ls.list {
		hc, u := &http.Client{Transport: &http.Transport{Proxy: nil}}, url
		if l.readsOne > 1 {
			hc, u = slowHTTPClient(), slowURL
		}
		wg.Go(func() {
			defer hc.CloseIdleConnections()
			for {
				l.set(laneConnecting)
				if resp, err := openLane(ctx, hc, u, l.name); err == nil {
					l.join(ls.b.Stats().Published)
					l.read(ctx, resp.Body, l.pause(interval))
					resp.Body.Close()
				}
				if sim.Sleep(ctx, rejoin) != nil {
					return
				}
			}
		})
	}
	wg.Wait()
}

// openLane opens the stream as the lane named name.
func openLane(ctx context.Context, hc *http.Client, url, name string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set(laneHeader, name)
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

// join starts a new connection's counts. published is the broker's count
// as the headers came: the broker had subscribed the lane by then.
func (l *lane) join(published int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.state, l.received, l.last, l.joinedAt, l.inOrder, l.joined = laneLive, 0, 0, published, true, time.Now()
}

// pause is how long the lane waits before it reads each event: nothing
// for a fast one, readsOne intervals for the slow one, which then reads
// one event in readsOne once it is behind.
func (l *lane) pause(interval time.Duration) time.Duration {
	if l.readsOne == 1 {
		return 0
	}
	return time.Duration(l.readsOne) * interval
}

// read reads deployment events from body, waiting pause before each one
// (0 for a fast lane), until the stream ends or ctx does.
func (l *lane) read(ctx context.Context, body io.Reader, pause time.Duration) {
	d := sse.NewDecoder(bufio.NewReaderSize(body, slowReadBuffer))
	for {
		if pause > 0 && sim.Sleep(ctx, pause) != nil {
			return
		}
		ev, err := d.Next()
		if err != nil {
			return // the stream ended, or ctx did
		}
		if ev.Type == eventType {
			l.got(ev.ID)
		}
	}
}

// got counts the event with id (an sse id: "<epoch>-<n>").
func (l *lane) got(id string) {
	n, err := strconv.ParseUint(id[strings.LastIndexByte(id, '-')+1:], 10, 64)
	l.mu.Lock()
	defer l.mu.Unlock()
	if err != nil || (l.last != 0 && n != l.last+1) {
		l.inOrder = false
	}
	l.received++
	l.last = n
}

// slowLaneSocket returns the stage server's ConnContext: the connections
// accepted on the slow lane's own listener (at addr) queue as little as
// the kernel allows, so that reading one event in four shows up as a full
// broker buffer within seconds, not hours. The send buffer is at its
// minimum and holds at most one event unsent (setNotSentLowat); closing
// resets the connection (linger 0), so the slow client learns of its
// eviction at its next read rather than after reading what its buffers
// still hold. A real slow client's buffers are megabytes.
func slowLaneSocket(addr net.Addr) func(context.Context, net.Conn) context.Context {
	return func(ctx context.Context, c net.Conn) context.Context {
		tc, ok := c.(*net.TCPConn)
		if !ok || tc.LocalAddr().String() != addr.String() {
			return ctx
		}
		// Best effort, as for the scenario's slow client: a setting the
		// system refuses only makes the eviction come later.
		_ = tc.SetWriteBuffer(slowSocketBuffer)
		_ = tc.SetLinger(0)
		if rc, err := tc.SyscallConn(); err == nil {
			_ = rc.Control(func(fd uintptr) { _ = setNotSentLowat(fd, 1) })
		}
		return ctx
	}
}
