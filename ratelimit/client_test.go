package ratelimit

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
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
		// One seat: the second GET gets 429 with Retry-After 1 (second),
		// is retried then, and is served 50 ms later.
		s := &throttle{seats: 1, latency: 50 * time.Millisecond, retryAfter: "1"}
		c := inMemory(s)
		var retries atomic.Int64
		c.MaxRetries, c.Backoff, c.OnRetry = 3, 10*time.Millisecond, func() { retries.Add(1) }
		errs, at := getTwo(c)
		if errs[0] != nil || errs[1] != nil {
			t.Fatalf("errors %v, want both fetched", errs)
		}
		first, second := min(at[0], at[1]), max(at[0], at[1])
		if first != 50*time.Millisecond || second != 1050*time.Millisecond || retries.Load() != 1 {
			t.Errorf("done at %v and %v after %d retries; want 50ms and 1.05s after 1", first, second, retries.Load())
		}
		if peak, served, refused := s.counts(); peak != 1 || served != 2 || refused != 1 {
			t.Errorf("server: peak %d, served %d, refused %d; want 1, 2, 1", peak, served, refused)
		}
	})
}

// MaxWait caps what the server asks: Retry-After 60 waits 100 ms.
func TestGetMaxWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := inMemory(&throttle{seats: 1, latency: 50 * time.Millisecond, retryAfter: "60"})
		c.MaxRetries, c.MaxWait = 3, 100*time.Millisecond
		_, at := getTwo(c)
		if got := max(at[0], at[1]); got != 150*time.Millisecond {
			t.Errorf("second done at %v, want 150ms: a 100ms wait, then 50ms", got)
		}
	})
}

func TestGetFailFast(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := inMemory(&throttle{seats: 1, latency: time.Millisecond, retryAfter: "1"})
		c.OnRetry = func() { t.Error("a fail-fast client retried") }
		errs, at := getTwo(c)
		if (errs[0] == nil) == (errs[1] == nil) {
			t.Fatalf("errors %v, want exactly one refused", errs)
		}
		err := errors.Join(errs[0], errs[1])
		var te *ThrottledError
		if !errors.As(err, &te) || te.RetryAfter != time.Second || min(at[0], at[1]) != 0 {
			t.Fatalf("error %v at %v, want a 429 with Retry-After 1s at once", err, at)
		}
		if !strings.HasSuffix(err.Error(), ": 429 Too Many Requests (Retry-After 1s)") || !strings.HasPrefix(err.Error(), "get default/configmaps/") {
			t.Errorf("error %q does not name the request and the 429", err)
		}
	})
}

func TestGetBackoffWithoutRetryAfter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// A server that throttles without saying when to come back: the
		// backoff doubles, 10, 20 and 40 ms, then Get gives up.
		var calls atomic.Int64
		c := inMemory(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			calls.Add(1)
			w.WriteHeader(http.StatusTooManyRequests)
		}))
		c.MaxRetries, c.Backoff = 3, 10*time.Millisecond
		start := time.Now()
		_, err := c.Get(context.Background(), reqA)
		took := time.Since(start)
		var te *ThrottledError
		if !errors.As(err, &te) || te.RetryAfter != 0 || !strings.Contains(err.Error(), "gave up after 3 retries") {
			t.Errorf("Get = %v, want a 429 without Retry-After, given up", err)
		}
		if took != 70*time.Millisecond || calls.Load() != 4 {
			t.Errorf("%d calls in %v, want 4 in 70ms", calls.Load(), took)
		}
	})
}

func TestGetCancelledWhileWaiting(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := inMemory(&throttle{seats: 1, latency: time.Hour, retryAfter: "1"})
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
		c := inMemory(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "boom", http.StatusInternalServerError)
		}))
		c.MaxRetries, c.OnRetry = 3, func() { t.Error("retried a 500") }
		_, err := c.Get(context.Background(), reqA)
		if err == nil || err.Error() != "get default/configmaps/a: unexpected status 500 Internal Server Error" {
			t.Errorf("Get = %v, want the 500", err)
		}
	})
}

// A manifest larger than MaxBytes is an error, never a manifest cut short
// (Kubernetes objects reach about 1.5 MiB; the client once read 1 MiB of
// them and said nothing).
func TestGetBodyTooLarge(t *testing.T) {
	big := strings.Repeat("x", 1536<<10) // 1.5 MiB
	c := inMemory(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(big)) }))
	if m, err := c.Get(t.Context(), reqA); err != nil || len(m) != len(big) {
		t.Errorf("a 1.5 MiB manifest: %d bytes, %v; want all of it", len(m), err)
	}
	c.MaxBytes = 1 << 20
	if m, err := c.Get(t.Context(), reqA); err == nil || m != nil || !strings.Contains(err.Error(), "body larger than 1048576 bytes") {
		t.Errorf("over MaxBytes: %d bytes, %v; want no manifest and an error", len(m), err)
	}
	c.MaxBytes = int64(len(big))
	if m, err := c.Get(t.Context(), reqA); err != nil || len(m) != len(big) {
		t.Errorf("exactly MaxBytes: %d bytes, %v; want all of it", len(m), err)
	}
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

func TestWait(t *testing.T) {
	c := &Client{Backoff: 10 * time.Millisecond}
	asked := &ThrottledError{RetryAfter: 50 * time.Millisecond}
	silent := &ThrottledError{}
	for n, want := range []time.Duration{10, 20, 40, 80, 160, 160, 160} {
		if got := c.wait(silent, n); got != want*time.Millisecond {
			t.Errorf("retry %d without Retry-After: wait %v, want %v", n, got, want*time.Millisecond)
		}
		if got := c.wait(asked, n); got != max(want, 50)*time.Millisecond {
			t.Errorf("retry %d with Retry-After 50ms: wait %v, want %v", n, got, max(want, 50)*time.Millisecond)
		}
	}
	c.MaxWait = 30 * time.Millisecond
	if got := c.wait(&ThrottledError{RetryAfter: time.Minute}, 0); got != 30*time.Millisecond {
		t.Errorf("MaxWait 30ms: wait %v, want 30ms", got)
	}
}

// Over a real socket (httptest): a herd at a server that serves two at
// once. Whatever the timing, every refusal is retried and every request
// ends fetched: nothing is lost, nothing done twice.
func TestGetOverHTTP(t *testing.T) {
	s := &throttle{seats: 2, latency: 20 * time.Millisecond, retryAfter: "1"}
	srv := httptest.NewServer(s)
	defer srv.Close()
	var retries atomic.Int64
	c := &Client{HTTP: srv.Client(), BaseURL: srv.URL, MaxRetries: 100, MaxWait: 5 * time.Millisecond,
		OnRetry: func() { retries.Add(1) }}
	reqs := requests(10)
	var wg sync.WaitGroup
	errs := make([]error, len(reqs))
	for i, r := range reqs {
		wg.Go(func() { _, errs[i] = c.Get(t.Context(), r) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	peak, served, refused := s.counts()
	if served != len(reqs) || refused != int(retries.Load()) || refused == 0 || peak != 2 {
		t.Errorf("server: peak %d, served %d, refused %d after %d retries: want %d served, one retry per 429, 2 at once",
			peak, served, refused, retries.Load(), len(reqs))
	}
}
