// Package apiserver is a stand-in for the Kubernetes API server that the
// ratelimit scenario fetches manifests from. It serves GET of one object by
// name (namespaced or cluster-scoped), takes a set time for each, and
// throttles like the real server: a request beyond the most it serves at once (the real server's
// --max-requests-inflight, or a priority level's seats under API Priority
// and Fairness), or beyond a request rate, gets 429 Too Many Requests with
// a Retry-After header, at once, without being served.
//
// It is the world of the lesson, not the lesson: read ratelimit instead.
// [Server] is an http.Handler, so a test can call it in memory ([Transport])
// while the demo serves it over real HTTP on loopback ([Listen]).
package apiserver

import (
	"encoding/json"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/sim"
)

// DefaultLatency is how long a GET takes when Config.Latency is nil.
const DefaultLatency = 50 * time.Millisecond

// Config is a server's latency and limits. The zero Config serves every
// GET in DefaultLatency and never throttles.
type Config struct {
	// Latency is how long the GET of the named object takes (already at
	// the run's scale). nil: DefaultLatency for every object.
	Latency func(name string) time.Duration
	// MaxInflight is the most requests served at once; one more is
	// refused with 429 at once. 0: no limit.
	MaxInflight int
	// QPS is the most requests admitted per second, with Burst admitted
	// at once after a quiet spell (a token bucket); beyond it, 429.
	// QPS 0: no rate limit. Burst below 1 is taken as 1.
	QPS   float64
	Burst int
	// RetryAfter is what a 429 tells the client to wait, in whole seconds
	// as the header carries them. 0 means 1, the real server's value.
	RetryAfter int
}

// Stats counts what a server did. Every GET of an object that the server
// has finished with is in exactly one of Served, Throttled and Abandoned.
// A GET still being served is in none of them yet, and neither is a
// request for a path the server does not serve (404), nor one with
// another method (405).
type Stats struct {
	Served       int // answered 200 with the manifest
	Throttled    int // refused with 429
	Abandoned    int // admitted, but the client went away first
	Inflight     int // being served now
	PeakInflight int // the most requests being served at once
}

// Server is the fake API server's handler. Its methods are safe to call from
// any goroutine.
type Server struct {
	cfg   Config
	mux   *http.ServeMux
	seats chan struct{} // one value per request being served; nil: no limit
	lim   *rate.Limiter // nil: no rate limit

	inflight, peak               atomic.Int64
	served, throttled, abandoned atomic.Int64
}

// New returns a server with the given latency and limits.
func New(cfg Config) *Server {
	s := &Server{cfg: cfg, mux: http.NewServeMux()}
	if cfg.MaxInflight > 0 {
		// A buffered channel as a semaphore, tried without waiting: the
		// real server's max-in-flight filter does the same.
		s.seats = make(chan struct{}, cfg.MaxInflight)
	}
	if cfg.QPS > 0 {
		s.lim = rate.NewLimiter(rate.Limit(cfg.QPS), max(cfg.Burst, 1))
	}
	s.mux.HandleFunc("GET /api/v1/namespaces/{namespace}/{resource}/{name}", s.get)
	s.mux.HandleFunc("GET /api/v1/{resource}/{name}", s.get) // cluster-scoped: nodes, namespaces
	return s
}

// ServeHTTP serves GET /api/v1/namespaces/{namespace}/{resource}/{name},
// and GET /api/v1/{resource}/{name} for the cluster-scoped resources (a
// node, a namespace), as the real server does.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Stats returns what the server has done so far.
func (s *Server) Stats() Stats {
	return Stats{
		Served:       int(s.served.Load()),
		Throttled:    int(s.throttled.Load()),
		Abandoned:    int(s.abandoned.Load()),
		Inflight:     int(s.inflight.Load()),
		PeakInflight: int(s.peak.Load()),
	}
}

func (s *Server) get(w http.ResponseWriter, r *http.Request) {
	release, ok := s.admit()
	if !ok {
		s.throttled.Add(1)
		s.tooManyRequests(w)
		return
	}
	name := r.PathValue("name")
	err := sim.Sleep(r.Context(), s.latency(name))
	// The seat is free before the answer is on its way: a client that
	// sends its next request as soon as it has the answer must find it
	// free, or a window of exactly MaxInflight would see a stray 429.
	release()
	if err != nil {
		s.abandoned.Add(1) // the client cancelled: nobody to answer
		return
	}
	s.served.Add(1)
	writeJSON(w, http.StatusOK, manifest(r.PathValue("namespace"), r.PathValue("resource"), name))
}

// admit takes a seat and a token, or neither. On success the caller must
// call release once, when the request is done.
//
// The seat comes first, tried without waiting, and is given back if no
// token is left: a token taken first would be used up by a request then
// refused for want of a seat, and the bucket would refuse later requests
// that it should admit. A seat taken and given back costs nothing.
func (s *Server) admit() (release func(), ok bool) {
	if s.seats != nil {
		select {
		case s.seats <- struct{}{}:
		default:
			return nil, false
		}
	}
	if s.lim != nil && !s.lim.Allow() {
		if s.seats != nil {
			<-s.seats
		}
		return nil, false
	}
	storeMax(&s.peak, s.inflight.Add(1))
	return func() {
		s.inflight.Add(-1)
		if s.seats != nil {
			<-s.seats
		}
	}, true
}

// storeMax raises a to v if v is larger, without a lock.
func storeMax(a *atomic.Int64, v int64) {
	for old := a.Load(); v > old; old = a.Load() {
		if a.CompareAndSwap(old, v) {
			return
		}
	}
}

func (s *Server) latency(name string) time.Duration {
	if s.cfg.Latency == nil {
		return DefaultLatency
	}
	return s.cfg.Latency(name)
}

// tooManyRequests answers as the real server does: a Status object and a
// Retry-After in whole seconds.
func (s *Server) tooManyRequests(w http.ResponseWriter) {
	after := s.cfg.RetryAfter
	if after <= 0 {
		after = 1
	}
	w.Header().Set("Retry-After", strconv.Itoa(after))
	writeJSON(w, http.StatusTooManyRequests, map[string]any{
		"kind": "Status", "apiVersion": "v1", "status": "Failure",
		"message": "Too many requests, please try again later.",
		"reason":  "TooManyRequests", "code": http.StatusTooManyRequests,
	})
}

// kinds names the kind of the resources the scenario asks for.
var kinds = map[string]string{
	"configmaps": "ConfigMap", "secrets": "Secret", "services": "Service", "pods": "Pod",
	"nodes": "Node", "namespaces": "Namespace",
}

// manifest is the object a GET returns: a stub with its kind and name, and
// its namespace unless it is cluster-scoped (namespace "").
func manifest(namespace, resource, name string) map[string]any {
	kind, ok := kinds[resource]
	if !ok {
		kind = resource
	}
	meta := map[string]string{"name": name}
	if namespace != "" {
		meta["namespace"] = namespace
	}
	return map[string]any{"apiVersion": "v1", "kind": kind, "metadata": meta}
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	// An error here means the client went away; there is no one to tell.
	_ = json.NewEncoder(w).Encode(v)
}
