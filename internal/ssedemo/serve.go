package ssedemo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/render"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/serving"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/sim"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/sse"
)

// The stage's workload at scale 1. At the default scale (0.2) the page
// gets one event a second, a pace the back row can read, and the slow
// lane, reading one event in four through sockets shrunk to the kernel's
// minimum, falls a broker buffer behind and is evicted about 10 s in.
const (
	ServeInterval = 5 * time.Second // between two deployment events
	serveBuffer   = 2               // each subscriber's buffer (sse.Config.Buffer): a browser reads at once
	serveStreams  = 64              // sse.Config.MaxClients: the lanes, and a room's worth of tabs
	slowReads     = 4               // the slow lane reads one event in slowReads
	rejoinAfter   = 5               // intervals the lanes wait before they connect again
)

// serve is --serve ADDR: the stream at /events and the page at /, with a
// simulated deployment update every ServeInterval (scaled) and the lanes
// reading it next to the browsers, until ctx ends; then a graceful
// shutdown. It returns nil after a clean drain.
func serve(ctx context.Context, env report.Env) error {
	ln, err := net.Listen("tcp", env.Serve)
	if err != nil {
		return fmt.Errorf("--serve: %w", err)
	}
	url := "http://" + ln.Addr().String()
	env.Rec.Announce("SSE broker (slides 16-17) at " + url + "/ : open it in a browser. Three built-in " +
		"subscribers read the stream next to it over HTTP; the slow one is evicted within seconds, on the page.")
	env.Rec.Announce("the stream itself: curl -N " + url + "/events")
	env.Rec.Announce("goroutines now: curl " + url + "/debug/pprof/goroutine?debug=1 ; Ctrl-C drains, also with streams open")
	return serveOn(ctx, ln, stage{seed: env.Seed, interval: env.Scaled(ServeInterval)}, env.Rec.Announce)
}

// stage is what serveOn runs.
type stage struct {
	seed     int64
	interval time.Duration // between two events
}

// stageStats is /stats: the broker's counters, the stage's settings the
// page explains, and the lanes.
type stageStats struct {
	sse.Stats
	Epoch          string     `json:"epoch"` // the broker's run, as in its event ids
	StartedMS      int64      `json:"started_ms"`
	IntervalMS     int64      `json:"interval_ms"`
	Buffer         int        `json:"buffer"`
	WriteTimeoutMS int64      `json:"write_timeout_ms"`
	RejoinMS       int64      `json:"rejoin_ms"`  // how long a lane waits before it connects again
	DataBytes      int64      `json:"data_bytes"` // of every event published, their data only
	Lanes          []laneView `json:"lanes"`
}

// serveOn is serve on a listener it takes over: the real sse.Broker, the
// one to copy, with the lanes. It tells the presenter what happens, and
// how the drain went, through announce, always from its own goroutine. It
// returns nil after a clean drain, the drain's error when it fell back to
// Close, or the listener's error if serving failed.
func serveOn(ctx context.Context, ln net.Listener, st stage, announce func(string)) error {
	started := time.Now()
	epoch := strconv.FormatInt(started.UnixMilli(), 36)
	b := sse.NewBroker(sse.Config{Buffer: serveBuffer, MaxClients: serveStreams, WriteTimeout: writeTimeout, Epoch: epoch})
	// The slow lane has a listener of its own, on loopback, so that only
	// its connection gets the shrunk socket (see slowLaneSocket).
	slowLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Shutdown()
		ln.Close()
		return fmt.Errorf("--serve: the slow lane's listener: %w", err)
	}
	notes := make(chan string, 8)
	ls := newLanes(b, slowReads, notes)
	var dataBytes atomic.Int64 // written by the publisher, read by /stats

	mux := http.NewServeMux()
	mux.Handle("GET /events", ls.watch(b))
	mux.HandleFunc("GET /stats", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-cache")
		_ = json.NewEncoder(w).Encode(stageStats{Stats: b.Stats(), Epoch: epoch, StartedMS: started.UnixMilli(),
			IntervalMS: st.interval.Milliseconds(), Buffer: serveBuffer, WriteTimeoutMS: writeTimeout.Milliseconds(),
			RejoinMS: (rejoinAfter * st.interval).Milliseconds(), DataBytes: dataBytes.Load(), Lanes: ls.views()}) // a failed write: the client left
	})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(page)
	})
	serving.Debug(mux, ln.Addr().String()) // net/http/pprof, if ln is loopback
	var errs serving.ErrorLog
	srv := newServer(b, mux, &errs)
	srv.ConnContext = slowLaneSocket(slowLn.Addr())

	var wg sync.WaitGroup
	served := make(chan error, 2) // buffered: each Serve's result is read at most once
	wg.Go(func() { served <- srv.Serve(ln) })
	wg.Go(func() { served <- srv.Serve(slowLn) })
	work, stopWork := context.WithCancel(ctx) // the publisher's and the lanes' lifetime is serveOn's
	defer stopWork()
	wg.Go(func() { publishEvery(work, b, st.seed, st.interval, &dataBytes) })
	lanesDone := make(chan struct{})
	wg.Go(func() {
		defer close(lanesDone)
		ls.run(work, loopbackURL(ln.Addr())+"/events", "http://"+slowLn.Addr().String()+"/events",
			st.interval, rejoinAfter*st.interval)
	})

	for err == nil && ctx.Err() == nil {
		select {
		case <-ctx.Done():
		case line := <-notes:
			announce(line)
		case err = <-served: // a listener failed: shut down the rest
		}
	}
	// The lanes leave first, as clients do: what is left open at the
	// drain is the browsers'.
	ls.stop()
	stopWork()
	<-lanesDone
	ls.left(time.Second) // so that the drain below is the browsers' alone
	signalAt := time.Now()
	announce(fmt.Sprintf("draining: %s open; the broker's shutdown ends them, new connections are refused",
		render.Plural(int(ls.browsers.Load()), "stream")))
	derr := shutdown(srv)
	b.Shutdown() // already done by srv.Shutdown, unless a listener failed first
	wg.Wait()
	how := "every stream ended by the broker's shutdown"
	if derr != nil {
		how = fmt.Sprintf("the drain gave up after %s and closed what was left", render.DurOf(drainTimeout))
	}
	final := b.Stats()
	announce(fmt.Sprintf("stopped after %s: %s; %s published, %s in all",
		render.DurOf(time.Since(signalAt)), how, render.Plural(final.Published, "event"),
		render.Plural(final.Evicted, "eviction")))
	if sum := errs.Summary(); sum != "" {
		announce(sum)
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return errors.Join(err, derr)
}

// writeTimeout bounds each write to a client (sse.Config.WriteTimeout, its
// default), which the page names.
const writeTimeout = 10 * time.Second

// loopbackURL is the URL the lanes use for a listener at addr: on
// loopback even when the listener takes every interface.
func loopbackURL(addr net.Addr) string {
	ta, ok := addr.(*net.TCPAddr)
	if !ok || !ta.IP.IsUnspecified() {
		return "http://" + addr.String()
	}
	lo := net.IPv4(127, 0, 0, 1)
	if ta.IP.To4() == nil {
		lo = net.IPv6loopback
	}
	return "http://" + net.JoinHostPort(lo.String(), strconv.Itoa(ta.Port))
}

// publishEvery publishes a simulated deployment update every interval until
// ctx ends or the broker shuts down (Publish then fails), and adds each
// one's data size to bytes.
func publishEvery(ctx context.Context, b broker, seed int64, interval time.Duration, bytes *atomic.Int64) {
	gen := deployments{r: sim.NewRand(seed)}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			data := gen.next()
			if b.Publish(ctx, eventType, data) != nil {
				return
			}
			bytes.Add(int64(len(data)))
		}
	}
}
