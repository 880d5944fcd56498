package ratelimitdemo

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"golang.org/x/time/rate"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/apiserver"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/ratelimit"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/workerpool"
)

const ms = time.Millisecond

// responses is a variant's shape, returning the responses themselves.
type responses func(context.Context, []ratelimit.ResourceRequest, ratelimit.GetFunc) []ratelimit.ResourceResponse

func batchesOf(n int) responses {
	return func(ctx context.Context, rs []ratelimit.ResourceRequest, get ratelimit.GetFunc) []ratelimit.ResourceResponse {
		return ratelimit.GetManifestsByBatch(ctx, rs, n, get)
	}
}

func windowOf(n int) responses {
	return func(ctx context.Context, rs []ratelimit.ResourceRequest, get ratelimit.GetFunc) []ratelimit.ResourceResponse {
		return fromResults(workerpool.Window(ctx, rs, n, get))
	}
}

var (
	sequential = windowOf(1)
	unlimited  = func(ctx context.Context, rs []ratelimit.ResourceRequest, get ratelimit.GetFunc) []ratelimit.ResourceResponse {
		return fromResults(workerpool.Each(ctx, rs, get))
	}
)

// Slide 13's figures: 100 GETs of 50 ms take 5 s one at a time, 1 s in
// batches of 5, and 1 s in a window of 5; never more than the limit at the
// server, and every response is its own request's manifest.
func TestSlide13(t *testing.T) {
	for _, tc := range []struct {
		name     string
		fetch    responses
		want     time.Duration
		inflight int
	}{
		{"sequential", sequential, 5 * time.Second, 1},
		{"batches", batchesOf(5), time.Second, 5},
		{"window", windowOf(5), time.Second, 5},
		{"unlimited", unlimited, 50 * ms, 100},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				c, s := inMemory(apiserver.Config{Latency: fixed(50 * ms)})
				reqs := requests(100)
				var rs []ratelimit.ResourceResponse
				took := timed(func() { rs = tc.fetch(context.Background(), reqs, c.Get) })
				checkManifests(t, reqs, rs)
				if took != tc.want || s.Stats().PeakInflight != tc.inflight {
					t.Errorf("took %v with %d at once, want %v with %d", took, s.Stats().PeakInflight, tc.want, tc.inflight)
				}
			})
		})
	}
}

// A batch waits for its slowest request; a window does not. Six GETs, three
// at once, the first slow: batches take 90+30 ms, the window 90 ms (the
// other two slots do the five fast ones meanwhile).
func TestWindowDoesNotWaitForTheSlowest(t *testing.T) {
	lat := func(name string) time.Duration {
		if name == "app-001" {
			return 90 * ms
		}
		return 30 * ms
	}
	for _, tc := range []struct {
		name  string
		fetch responses
		want  time.Duration
	}{
		{"batches", batchesOf(3), 120 * ms},
		{"window", windowOf(3), 90 * ms},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				c, _ := inMemory(apiserver.Config{Latency: lat})
				reqs := requests(6)
				var rs []ratelimit.ResourceResponse
				took := timed(func() { rs = tc.fetch(context.Background(), reqs, c.Get) })
				checkManifests(t, reqs, rs)
				if took != tc.want {
					t.Errorf("took %v, want %v", took, tc.want)
				}
			})
		})
	}
}

// The last batch may be short (slide 19's bug is indexing past the end).
func TestOddSizes(t *testing.T) {
	for _, tc := range []struct {
		name  string
		n     int
		fetch responses
		want  time.Duration
	}{
		{"7 in batches of 5", 7, batchesOf(5), 100 * ms},
		{"3 in a window of 2", 3, windowOf(2), 100 * ms},
		{"none", 0, batchesOf(5), 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				c, _ := inMemory(apiserver.Config{Latency: fixed(50 * ms)})
				reqs := requests(tc.n)
				var rs []ratelimit.ResourceResponse
				took := timed(func() { rs = tc.fetch(context.Background(), reqs, c.Get) })
				checkManifests(t, reqs, rs)
				if took != tc.want {
					t.Errorf("took %v, want %v", took, tc.want)
				}
			})
		})
	}
}

// Cancelled at 120 ms, each shape returns at once: what was fetched is
// there, and every other request has the deadline as its error, whether it
// was in flight or never sent.
func TestCancel(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fetch responses
		ok    int
		sent  int
	}{
		{"sequential", sequential, 2, 3},
		{"batches", batchesOf(2), 4, 6},
		{"window", windowOf(2), 4, 6},
		{"unlimited", unlimited, 0, 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				lat := fixed(50 * ms)
				if tc.name == "unlimited" {
					lat = fixed(time.Second)
				}
				c, s := inMemory(apiserver.Config{Latency: lat})
				ctx, cancel := context.WithTimeout(context.Background(), 120*ms)
				defer cancel()
				reqs := requests(10)
				var rs []ratelimit.ResourceResponse
				took := timed(func() { rs = tc.fetch(ctx, reqs, c.Get) })
				if took != 120*ms || len(rs) != len(reqs) {
					t.Fatalf("returned %d responses after %v, want %d at the deadline", len(rs), took, len(reqs))
				}
				for i, r := range rs {
					switch {
					case i < tc.ok && r.Error != nil:
						t.Errorf("request %d: %v, want fetched", i, r.Error)
					case i >= tc.ok && !errors.Is(r.Error, context.DeadlineExceeded):
						t.Errorf("request %d: %v, want the deadline", i, r.Error)
					}
				}
				synctest.Wait()
				if st := s.Stats(); st.Served != tc.ok || st.Served+st.Abandoned != tc.sent {
					t.Errorf("server %+v, want %d served of %d sent", st, tc.ok, tc.sent)
				}
			})
		})
	}
}

// Slide 13's "Throttled": 100 at once at a server that serves 25. Failing
// fast, 75 fail at once; honouring Retry-After (1 s), the herd comes back
// together every second and 25 more get through each time.
func TestUnlimitedThrottled(t *testing.T) {
	for _, tc := range []struct {
		name    string
		retries int
		ok      int
		took    time.Duration
		retried int64
	}{
		{"fail fast", 0, 25, 50 * ms, 0},
		{"retry", MaxRetries, 100, 3*time.Second + 50*ms, 75 + 50 + 25},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				c, s := inMemory(apiserver.Config{MaxInflight: 25, Latency: fixed(50 * ms)})
				var retried atomic.Int64
				c.MaxRetries, c.Backoff, c.OnRetry = tc.retries, 100*ms, func() { retried.Add(1) }
				var rs []ratelimit.ResourceResponse
				took := timed(func() { rs = unlimited(context.Background(), requests(100), c.Get) })
				ok := 0
				for _, r := range rs {
					var te *ratelimit.ThrottledError
					switch {
					case r.Error == nil:
						ok++
					case !errors.As(r.Error, &te):
						t.Errorf("error %v, want only 429s", r.Error)
					}
				}
				if ok != tc.ok || took != tc.took || retried.Load() != tc.retried {
					t.Errorf("%d ok in %v after %d retries, want %d in %v after %d", ok, took, retried.Load(), tc.ok, tc.took, tc.retried)
				}
				if st := s.Stats(); st.Served != tc.ok || st.Throttled != int(tc.retried)+100-tc.ok {
					t.Errorf("server %+v: want %d served, every refusal counted", st, tc.ok)
				}
			})
		})
	}
}

// The token bucket's timeline with client-go's defaults, 5 per second and
// a burst of 10, behind a window of 5: the first 5 GETs start at once, the
// next 5 as the first end (the burst), then one every 200 ms, so the 100th
// starts at 18 s, whatever the window. Concurrency is not what limits it.
func TestTokenBucket(t *testing.T) {
	for _, workers := range []int{5, 50} {
		synctest.Test(t, func(t *testing.T) {
			s := apiserver.New(apiserver.Config{Latency: fixed(50 * ms)})
			arr := &arrivals{start: time.Now(), next: s}
			c, _ := inMemory(apiserver.Config{})
			c.HTTP.Transport = apiserver.Transport(arr)
			c.Limiter = rate.NewLimiter(5, 10)
			reqs := requests(100)
			var rs []ratelimit.ResourceResponse
			took := timed(func() { rs = windowOf(workers)(context.Background(), reqs, c.Get) })
			checkManifests(t, reqs, rs)
			at := arr.sorted()
			for k, got := range at {
				want := time.Duration(k-9) * 200 * ms
				switch {
				case k < 10 && workers > 10:
					want = 0 // all ten tokens of the burst at once
				case k < 5:
					want = 0
				case k < 10:
					want = 50 * ms // the burst's second half, as the first five end
				}
				if got != want {
					t.Errorf("workers %d: GET %d started at %v, want %v", workers, k, got, want)
				}
			}
			if took != 18*time.Second+50*ms {
				t.Errorf("workers %d: took %v, want 18.05s", workers, took)
			}
		})
	}
}
