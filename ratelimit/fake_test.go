package ratelimit

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"
)

// throttle is the tests' API server: it serves at most seats GETs at once
// (0: any number), each taking latency, and refuses the rest with 429 and
// the Retry-After it is given. It stands in for the demo's fuller one.
type throttle struct {
	seats      int
	latency    time.Duration
	retryAfter string // "": no header

	mu                              sync.Mutex // guards the counts
	inflight, peak, served, refused int
}

func (s *throttle) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	if s.seats > 0 && s.inflight == s.seats {
		s.refused++
		s.mu.Unlock()
		if s.retryAfter != "" {
			w.Header().Set("Retry-After", s.retryAfter)
		}
		w.WriteHeader(http.StatusTooManyRequests)
		return
	}
	s.inflight++
	s.peak = max(s.peak, s.inflight)
	s.mu.Unlock()

	t := time.NewTimer(s.latency)
	defer t.Stop()
	select {
	case <-t.C:
	case <-r.Context().Done():
	}
	s.mu.Lock()
	s.inflight-- // the seat is free before the answer goes out
	s.served++
	s.mu.Unlock()
	fmt.Fprintf(w, "manifest of %s", r.URL.Path)
}

func (s *throttle) counts() (peak, served, refused int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.peak, s.served, s.refused
}

// inMemory returns a Client of h that serves each request in memory, on
// the caller's goroutine, so that a testing/synctest bubble can run it: a
// real socket would block virtual time.
func inMemory(h http.Handler) *Client {
	return &Client{HTTP: &http.Client{Transport: handlerTransport{h}}, BaseURL: "http://apiserver.test"}
}

type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	in := req.Clone(req.Context()) // a RoundTripper must not change req
	in.RequestURI = req.URL.RequestURI()
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, in)
	if err := req.Context().Err(); err != nil {
		return nil, err // as a real transport reports a cancelled request
	}
	return rec.Result(), nil
}

// requests names n objects to fetch.
func requests(n int) []ResourceRequest {
	rs := make([]ResourceRequest, n)
	for i := range rs {
		rs[i] = ResourceRequest{Namespace: "default", Resource: "configmaps", Name: fmt.Sprintf("app-%03d", i+1)}
	}
	return rs
}
