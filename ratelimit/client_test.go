package ratelimit

import (
	"cmp"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/apiserver"
)

var reqA = ResourceRequest{Namespace: "default", Resource: "configmaps", Name: "a"}

// getTwo sends two Gets at once and returns their errors and end times.
func getTwo(c *Client) (errs [2]error, at [2]time.Duration) {
	start := time.Now()
	var wg sync.WaitGroup
	for i, name := range []string{"a", "b"} {
		wg.Go(func() {
			_, errs[i] = c.Get(context.Background(), ResourceRequest{"default", "configmaps", name})
			at[i] = time.Since(start)
		})
	}
	wg.Wait()
	return errs, at
}

func TestGetHonoursRetryAfter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// The server serves one at a time: the second GET gets 429 with
		// Retry-After 1 (second), which at TimeScale 0.1 is 100 ms; it
		// is retried then and served 50 ms later.
		c, s := inMemory(apiserver.Config{MaxInflight: 1, Latency: fixed(50 * time.Millisecond)})
		var retries atomic.Int64
		c.MaxRetries, c.TimeScale, c.Backoff, c.OnRetry = 3, 0.1, 10*time.Millisecond, func() { retries.Add(1) }
		errs, at := getTwo(c)
		if errs[0] != nil || errs[1] != nil {
			t.Fatalf("errors %v, want both fetched", errs)
		}
		first, second := min(at[0], at[1]), max(at[0], at[1])
		if first != 50*time.Millisecond || second != 150*time.Millisecond || retries.Load() != 1 {
			t.Errorf("done at %v and %v after %d retries; want 50ms and 150ms after 1", first, second, retries.Load())
		}
		if got, want := s.Stats(), (apiserver.Stats{Served: 2, Throttled: 1, PeakInflight: 1}); got != want {
			t.Errorf("server %+v, want %+v", got, want)
		}
	})
}

func TestGetFailFast(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, _ := inMemory(apiserver.Config{MaxInflight: 1})
		c.OnRetry = func() { t.Error("a fail-fast client retried") }
		errs, at := getTwo(c)
		if (errs[0] == nil) == (errs[1] == nil) {
			t.Fatalf("errors %v, want exactly one refused", errs)
		}
		err := cmp.Or(errs[0], errs[1])
		var te *ThrottledError
		if !errors.As(err, &te) || te.RetryAfter != time.Second || min(at[0], at[1]) != 0 {
			t.Fatalf("error %v at %v, want a 429 with Retry-After 1s at once", err, at)
		}
		if !regexp.MustCompile(`^get default/configmaps/[ab]: 429 Too Many Requests \(Retry-After 1s\)$`).MatchString(err.Error()) {
			t.Errorf("error %q does not name the request and the 429", err)
		}
	})
}

func TestGetGivesUp(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// "slow" holds the only seat for 10 s; b is refused three times.
		c, _ := inMemory(apiserver.Config{MaxInflight: 1, Latency: func(name string) time.Duration {
			if name == "slow" {
				return 10 * time.Second
			}
			return 0
		}})
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		wg.Go(func() { c.Get(ctx, ResourceRequest{"default", "configmaps", "slow"}) })
		synctest.Wait() // slow is being served

		retrying := *c
		var retries atomic.Int64
		// Waits: max(Retry-After 100 ms, backoff 150 ms), then
		// max(100 ms, 300 ms): the longer one wins each time.
		retrying.MaxRetries, retrying.TimeScale, retrying.Backoff = 2, 0.1, 150*time.Millisecond
		retrying.OnRetry = func() { retries.Add(1) }
		var err error
		took := timed(func() { _, err = retrying.Get(context.Background(), reqA) })
		var te *ThrottledError
		if !errors.As(err, &te) || !strings.Contains(err.Error(), "gave up after 2 retries") {
			t.Errorf("Get = %v, want a 429 after giving up", err)
		}
		if took != 450*time.Millisecond || retries.Load() != 2 {
			t.Errorf("gave up after %v and %d retries, want 450ms and 2", took, retries.Load())
		}
		cancel()
		wg.Wait()
	})
}

func TestGetBackoffWithoutRetryAfter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// A server that throttles without saying when to come back: the
		// backoff doubles, 10, 20 and 40 ms.
		var calls atomic.Int64
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			calls.Add(1)
			w.WriteHeader(http.StatusTooManyRequests)
		})
		c := &Client{HTTP: &http.Client{Transport: apiserver.Transport(h)}, BaseURL: testURL,
			MaxRetries: 3, Backoff: 10 * time.Millisecond}
		var err error
		took := timed(func() { _, err = c.Get(context.Background(), reqA) })
		var te *ThrottledError
		if !errors.As(err, &te) || te.RetryAfter != 0 || te.Error() != "429 Too Many Requests" {
			t.Errorf("Get = %v, want a 429 without Retry-After", err)
		}
		if took != 70*time.Millisecond || calls.Load() != 4 {
			t.Errorf("%d calls in %v, want 4 in 70ms", calls.Load(), took)
		}
	})
}

func TestGetCancelledWhileWaiting(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, _ := inMemory(apiserver.Config{MaxInflight: 1, Latency: fixed(time.Hour)})
		c.MaxRetries = 10
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
		defer cancel()
		var errs [2]error
		var at [2]time.Duration
		start := time.Now()
		var wg sync.WaitGroup
		for i, name := range []string{"a", "b"} {
			wg.Go(func() {
				_, errs[i] = c.Get(ctx, ResourceRequest{"default", "configmaps", name})
				at[i] = time.Since(start)
			})
		}
		wg.Wait()
		// One was being served for an hour, the other waiting a second
		// to retry: both end at the deadline.
		for i := range errs {
			if !errors.Is(errs[i], context.DeadlineExceeded) || at[i] != 30*time.Millisecond {
				t.Errorf("Get %d = %v after %v, want the deadline at 30ms", i, errs[i], at[i])
			}
		}
	})
}

func TestGetOtherErrorsNotRetried(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "boom", http.StatusInternalServerError)
		})
		c := &Client{HTTP: &http.Client{Transport: apiserver.Transport(h)}, BaseURL: testURL,
			MaxRetries: 3, OnRetry: func() { t.Error("retried a 500") }}
		_, err := c.Get(context.Background(), reqA)
		if err == nil || err.Error() != "get default/configmaps/a: unexpected status 500 Internal Server Error" {
			t.Errorf("Get = %v, want the 500", err)
		}
	})
}

func TestRetryAfterHeader(t *testing.T) {
	for _, tc := range []struct {
		value string
		want  time.Duration
	}{
		{"", 0},
		{"1", time.Second},
		{"120", 2 * time.Minute},
		{"-1", 0},
		{"soon", 0},
		{"Fri, 27 Nov 2020 08:00:00 GMT", 0}, // a date in the past
	} {
		h := http.Header{}
		if tc.value != "" {
			h.Set("Retry-After", tc.value)
		}
		if got := retryAfter(h); got != tc.want {
			t.Errorf("Retry-After %q = %v, want %v", tc.value, got, tc.want)
		}
	}
	future := time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)
	if got := retryAfter(http.Header{"Retry-After": {future}}); got <= 59*time.Minute || got > time.Hour {
		t.Errorf("Retry-After an hour from now = %v", got)
	}
}

// Over a real socket (httptest, HTTP/1.1): a herd at a server that serves
// two at once. Whatever the timing, every refusal is retried exactly once
// and every request ends fetched: nothing is lost, nothing done twice.
func TestGetOverHTTP(t *testing.T) {
	s := apiserver.New(apiserver.Config{MaxInflight: 2, Latency: fixed(100 * time.Millisecond)})
	srv := httptest.NewServer(s)
	defer srv.Close()
	var retries atomic.Int64
	c := &Client{HTTP: srv.Client(), BaseURL: srv.URL, MaxRetries: 100, TimeScale: 0.02, // Retry-After 1 s: 20 ms
		OnRetry: func() { retries.Add(1) }}
	reqs := requests(10)
	checkManifests(t, reqs, GetManifestsUnlimited(t.Context(), reqs, c.Get))
	st := s.Stats()
	if st.Served != len(reqs) || st.Throttled != int(retries.Load()) || st.Throttled == 0 || st.PeakInflight != 2 {
		t.Errorf("server %+v after %d retries: want %d served, one retry per 429, 2 at once", st, retries.Load(), len(reqs))
	}
}

func TestWait(t *testing.T) {
	c := &Client{Backoff: 10 * time.Millisecond, TimeScale: 0.05}
	asked := &ThrottledError{RetryAfter: time.Second} // 50 ms at this scale
	silent := &ThrottledError{}
	for n, want := range []time.Duration{10, 20, 40, 80, 160, 160, 160} {
		if got := c.wait(silent, n); got != want*time.Millisecond {
			t.Errorf("retry %d without Retry-After: wait %v, want %v", n, got, want*time.Millisecond)
		}
		if got := c.wait(asked, n); got != max(want, 50)*time.Millisecond {
			t.Errorf("retry %d with Retry-After 1s at scale 0.05: wait %v, want %v", n, got, max(want, 50)*time.Millisecond)
		}
	}
	if got := (&Client{}).wait(asked, 0); got != time.Second {
		t.Errorf("TimeScale 0: wait %v, want Retry-After as sent, 1s", got)
	}
}

// A window of exactly the server's limit never sees a 429, over real
// HTTP/2 as in the demo: the server frees a seat before it answers.
func TestWindowAtTheLimitOverHTTP(t *testing.T) {
	s := apiserver.New(apiserver.Config{MaxInflight: 5, Latency: fixed(2 * time.Millisecond)})
	ln, err := apiserver.Listen("127.0.0.1:0", s)
	if err != nil {
		t.Fatal(err)
	}
	hc := &http.Client{Transport: &http.Transport{Protocols: apiserver.Protocols()}}
	c := &Client{HTTP: hc, BaseURL: ln.URL} // fail fast: a 429 would show
	reqs := requests(50)
	checkManifests(t, reqs, GetManifestsWindow(t.Context(), reqs, 5, c.Get))
	hc.CloseIdleConnections()
	if err := ln.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if st := s.Stats(); st.Served != 50 || st.Throttled != 0 {
		t.Errorf("server %+v, want 50 served and no 429", st)
	}
}
