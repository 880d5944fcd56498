package apiserver

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

const path = "/api/v1/namespaces/default/configmaps/"

// result is one response as a test sees it.
type result struct {
	code       int
	retryAfter string
	body       map[string]any
	at         time.Duration // since the requests were sent
	err        error
}

// getAll sends a GET of each name at once through c and returns the
// responses in name order.
func getAll(ctx context.Context, c *http.Client, base string, names ...string) []result {
	start := time.Now()
	out := make([]result, len(names))
	var wg sync.WaitGroup
	for i, name := range names {
		wg.Go(func() { out[i] = get(ctx, c, base+path+name, start) })
	}
	wg.Wait()
	return out
}

func get(ctx context.Context, c *http.Client, url string, start time.Time) result {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return result{err: err}
	}
	resp, err := c.Do(req)
	if err != nil {
		return result{err: err, at: time.Since(start)}
	}
	defer resp.Body.Close()
	r := result{code: resp.StatusCode, retryAfter: resp.Header.Get("Retry-After"), at: time.Since(start)}
	r.err = json.NewDecoder(resp.Body).Decode(&r.body)
	return r
}

func inMemory(s *Server) *http.Client { return &http.Client{Transport: Transport(s)} }

func TestMaxInflight(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := New(Config{MaxInflight: 2})
		rs := getAll(t.Context(), inMemory(s), "http://apiserver.test", "a", "b", "c", "d", "e")
		var ok, throttled int
		for _, r := range rs {
			if r.err != nil {
				t.Fatal(r.err)
			}
			switch r.code {
			case http.StatusOK:
				ok++
				if r.at != DefaultLatency {
					t.Errorf("served after %v, want %v", r.at, DefaultLatency)
				}
			case http.StatusTooManyRequests:
				throttled++
				if r.at != 0 {
					t.Errorf("429 after %v, want at once", r.at)
				}
				if r.retryAfter != "1" || r.body["reason"] != "TooManyRequests" || r.body["code"] != 429.0 {
					t.Errorf("429 = Retry-After %q, body %v; want Retry-After 1 and a TooManyRequests Status", r.retryAfter, r.body)
				}
			default:
				t.Errorf("status %d", r.code)
			}
		}
		want := Stats{Served: 2, Throttled: 3, PeakInflight: 2}
		if ok != 2 || throttled != 3 || s.Stats() != want {
			t.Errorf("ok %d, 429 %d, stats %+v; want 2, 3, %+v", ok, throttled, s.Stats(), want)
		}
		// The seats are free again once the requests are done.
		if r := getAll(t.Context(), inMemory(s), "http://apiserver.test", "f", "g"); r[0].code != 200 || r[1].code != 200 {
			t.Errorf("after the first wave: %d, %d; want 200, 200", r[0].code, r[1].code)
		}
	})
}

func TestManifest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		lat := func(name string) time.Duration { return time.Duration(len(name)) * time.Millisecond }
		rs := getAll(t.Context(), inMemory(New(Config{Latency: lat})), "http://apiserver.test", "app-001")
		r := rs[0]
		meta, _ := r.body["metadata"].(map[string]any)
		if r.code != 200 || r.body["kind"] != "ConfigMap" || meta["name"] != "app-001" || meta["namespace"] != "default" {
			t.Errorf("GET = %d %v, want 200 and ConfigMap default/app-001", r.code, r.body)
		}
		if r.at != 7*time.Millisecond {
			t.Errorf("served after %v, want the configured 7ms", r.at)
		}
	})
}

func TestQPS(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// 10 per second, burst 2: two at once pass, a third is refused;
		// 100 ms later one more token has come.
		s := New(Config{QPS: 10, Burst: 2, RetryAfter: 3, Latency: func(string) time.Duration { return 0 }})
		c := inMemory(s)
		rs := getAll(t.Context(), c, "http://apiserver.test", "a", "b", "c")
		codes := []int{rs[0].code, rs[1].code, rs[2].code}
		if n := count(codes, 200); n != 2 || count(codes, 429) != 1 {
			t.Fatalf("codes %v, want two 200 and one 429", codes)
		}
		for _, r := range rs {
			if r.code == 429 && r.retryAfter != "3" {
				t.Errorf("Retry-After %q, want the configured 3", r.retryAfter)
			}
		}
		time.Sleep(99 * time.Millisecond)
		if r := getAll(t.Context(), c, "http://apiserver.test", "d"); r[0].code != 429 {
			t.Errorf("at 99ms: %d, want 429 (no token yet)", r[0].code)
		}
		time.Sleep(time.Millisecond)
		if r := getAll(t.Context(), c, "http://apiserver.test", "e"); r[0].code != 200 {
			t.Errorf("at 100ms: %d, want 200", r[0].code)
		}
		if st := s.Stats(); st.Served != 3 || st.Throttled != 2 {
			t.Errorf("stats %+v, want 3 served, 2 throttled", st)
		}
	})
}

func TestClientGoesAway(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := New(Config{MaxInflight: 1})
		ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
		defer cancel()
		r := getAll(ctx, inMemory(s), "http://apiserver.test", "a")[0]
		if !errors.Is(r.err, context.DeadlineExceeded) || r.at != 20*time.Millisecond {
			t.Errorf("GET = %v after %v, want the deadline at 20ms", r.err, r.at)
		}
		synctest.Wait()
		if got, want := s.Stats(), (Stats{Abandoned: 1, PeakInflight: 1}); got != want {
			t.Errorf("stats %+v, want %+v", got, want)
		}
		// The abandoned request gave its seat back.
		if r := getAll(t.Context(), inMemory(s), "http://apiserver.test", "b")[0]; r.code != 200 {
			t.Errorf("next GET: %d, want 200", r.code)
		}
	})
}

func TestNotFound(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		resp, err := inMemory(New(Config{})).Get("http://apiserver.test/healthz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET /healthz = %d, want 404", resp.StatusCode)
		}
	})
}

func count(codes []int, code int) int {
	n := 0
	for _, c := range codes {
		if c == code {
			n++
		}
	}
	return n
}

// The real-socket path, as the demo uses it: HTTP/2 without TLS over
// loopback. The latency is long enough that all requests arrive while
// the first two are served, on any machine.
func TestListen(t *testing.T) {
	s := New(Config{MaxInflight: 2, Latency: func(string) time.Duration { return 300 * time.Millisecond }})
	l, err := Listen("127.0.0.1:0", s, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(l.URL, "http://127.0.0.1:") {
		t.Errorf("URL %q, want loopback", l.URL)
	}
	c := &http.Client{Transport: &http.Transport{Protocols: Protocols()}}
	names := []string{"a", "b", "c", "d", "e", "f", "g", "h"}
	rs := getAll(t.Context(), c, l.URL, names...)
	var codes []int
	for _, r := range rs {
		if r.err != nil {
			t.Fatal(r.err)
		}
		codes = append(codes, r.code)
		if r.code == 429 && r.retryAfter != "1" {
			t.Errorf("Retry-After %q, want 1", r.retryAfter)
		}
	}
	if count(codes, 200) != 2 || count(codes, 429) != 6 {
		t.Errorf("codes %v, want two 200 and six 429", codes)
	}
	st := s.Stats()
	if st.Served+st.Throttled+st.Abandoned != len(names) || st.Served != 2 || st.PeakInflight != 2 {
		t.Errorf("stats %+v: want every one of %d requests counted, 2 served", st, len(names))
	}

	c.CloseIdleConnections()
	if err := l.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	// Nothing listens on the port any more.
	if conn, err := net.Dial("tcp", strings.TrimPrefix(l.URL, "http://")); err == nil {
		conn.Close()
		t.Errorf("%s still accepts connections after Close", l.URL)
	}
}

// Close lets a request in flight finish (Shutdown), then returns.
func TestListenCloseDrains(t *testing.T) {
	s := New(Config{Latency: func(string) time.Duration { return 100 * time.Millisecond }})
	arrived := make(chan struct{}) // closed by the handler of the test's one request
	l, err := Listen("127.0.0.1:0", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(arrived)
		s.ServeHTTP(w, r)
	}), nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &http.Client{} // HTTP/1.1, as curl
	defer c.CloseIdleConnections()
	done := make(chan result)
	go func() { done <- get(t.Context(), c, l.URL+path+"a", time.Now()) }()
	<-arrived
	if err := l.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if r := <-done; r.err != nil || r.code != 200 {
		t.Errorf("request in flight at Close: %d, %v; want 200", r.code, r.err)
	}
	if got, want := s.Stats(), (Stats{Served: 1, PeakInflight: 1}); got != want {
		t.Errorf("stats %+v, want %+v", got, want)
	}
}

// A request refused for want of a seat does not use up a token: the
// bucket still admits the next request that finds a free seat.
func TestSeatBeforeToken(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// One seat; a bucket of 2 that refills one token per 10 s.
		s := New(Config{MaxInflight: 1, QPS: 0.1, Burst: 2, Latency: func(string) time.Duration { return 100 * time.Millisecond }})
		c := inMemory(s)
		rs := getAll(t.Context(), c, "http://apiserver.test", "a", "b")
		if codes := []int{rs[0].code, rs[1].code}; count(codes, 200) != 1 || count(codes, 429) != 1 {
			t.Fatalf("codes %v, want one served, one refused for the seat", codes)
		}
		// At 100 ms the seat is free and the second token unused.
		if r := getAll(t.Context(), c, "http://apiserver.test", "c")[0]; r.code != 200 {
			t.Errorf("with a free seat and a token left: %d, want 200", r.code)
		}
		// Now the bucket is empty: a free seat is not enough.
		if r := getAll(t.Context(), c, "http://apiserver.test", "d")[0]; r.code != 429 {
			t.Errorf("with a free seat and no token: %d, want 429", r.code)
		}
		if got, want := s.Stats(), (Stats{Served: 2, Throttled: 2, PeakInflight: 1}); got != want {
			t.Errorf("stats %+v, want %+v", got, want)
		}
		// The seat a refused request took for a moment is free again.
		time.Sleep(10 * time.Second)
		if r := getAll(t.Context(), c, "http://apiserver.test", "e")[0]; r.code != 200 {
			t.Errorf("after a token came: %d, want 200", r.code)
		}
	})
}

// CloseNow does not wait for a request in flight to finish, even over
// HTTP/2 with a client that has cancelled it (which can keep Close waiting
// for its whole DrainTimeout): the handler sees its context cancelled, and
// CloseNow returns once that handler and Serve have ended.
func TestListenCloseNow(t *testing.T) {
	s := New(Config{Latency: func(string) time.Duration { return time.Hour }})
	arrived := make(chan struct{}) // closed by the handler of the test's one request
	var running atomic.Int64       // handlers of this listener still running
	l, err := Listen("127.0.0.1:0", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		running.Add(1)
		defer running.Add(-1)
		close(arrived)
		s.ServeHTTP(w, r)
		// A handler that takes a while to clean up after its client
		// is gone: CloseNow must still not return before it ends.
		time.Sleep(50 * time.Millisecond)
	}), nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &http.Client{Transport: &http.Transport{Protocols: Protocols()}}
	defer c.CloseIdleConnections()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan result)
	go func() { done <- get(ctx, c, l.URL+path+"a", time.Now()) }()
	<-arrived
	cancel()
	start := time.Now()
	if err := l.CloseNow(); err != nil {
		t.Fatalf("CloseNow: %v", err)
	}
	if n := running.Load(); n != 0 {
		t.Errorf("%d handlers still running after CloseNow returned", n)
	}
	// Not a timing claim: the bug this guards against is a wait of the
	// whole DrainTimeout, which no machine needs to close a socket.
	if took := time.Since(start); took >= DrainTimeout {
		t.Errorf("CloseNow took %v, as long as a drain", took)
	}
	if r := <-done; !errors.Is(r.err, context.Canceled) {
		t.Errorf("request in flight: %d, %v; want cancelled", r.code, r.err)
	}
	if conn, err := net.Dial("tcp", strings.TrimPrefix(l.URL, "http://")); err == nil {
		conn.Close()
		t.Errorf("%s still accepts connections after CloseNow", l.URL)
	}
}
