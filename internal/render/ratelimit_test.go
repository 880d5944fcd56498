package render

import (
	"testing"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/apiserver"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
)

// The notice says what the figures say: which of the token bucket's
// bounds won, its rate at the run's scale, and the requests that still
// failed after retrying.
func TestNotice(t *testing.T) {
	vs := func(retryFailed int, tbMS float64) []report.Variant {
		return []report.Variant{
			{Name: "sequential", OK: 100, WallMS: 1000},
			{Name: "unlimited", OK: 25, Failed: 75, WallMS: 10},
			{Name: "unlimited+retry", OK: 100 - retryFailed, Failed: retryFailed, WallMS: 2770, Retries: 538},
			{Name: "batches", OK: 100, WallMS: 250},
			{Name: "window", OK: 100, WallMS: 200},
			{Name: "token-bucket", OK: 100, WallMS: tbMS},
		}
	}
	stats := map[string]apiserver.Stats{"unlimited": {Served: 25, Throttled: 75}, "batches": {Throttled: 2}}
	limited := "5 at once: 4.0x sequential, 2 x 429, window 20% faster than batches; "
	for _, tc := range []struct {
		name   string
		vs     []report.Variant
		facts  RateLimitFacts
		notice string
	}{
		{"the rate binds, at scale 0.2", vs(0, 3610),
			RateLimitFacts{Workers: 5, Scale: 0.2, MaxInflight: 25, ClientQPS: 5, ClientBurst: 10,
				RateBound: 3610 * time.Millisecond, WindowBound: 200 * time.Millisecond},
			"unlimited: 75/100 got 429 (server serves 25 at once); retrying: 2.77s, 538 retries; " + limited +
				"token bucket: 3.61s for 90 past its burst of 10 (25/s here; at 5/s, scale 1, it computes to 18s), whatever the 5 workers: it limits rate, not concurrency"},
		{"the window binds; some gave up", vs(10, 201),
			RateLimitFacts{Workers: 5, Scale: 0.2, MaxInflight: 25, ServerQPS: 50, ClientQPS: 1000, ClientBurst: 10,
				RateBound: 28 * time.Millisecond, WindowBound: 200 * time.Millisecond},
			"unlimited: 75/100 got 429 (server serves 25 at once, admits 250/s here, 50/s at scale 1); retrying: 2.77s, 538 retries, 10 still failed; " +
				limited + "token bucket: 201ms, the window's 200ms: at 5000/s here (1000/s at scale 1) its rate does not bind"},
		{"all within the burst", vs(0, 200),
			RateLimitFacts{Workers: 5, Scale: 1, MaxInflight: 25, ServerQPS: 50, ClientQPS: 5, ClientBurst: 100},
			"unlimited: 75/100 got 429 (server serves 25 at once, admits 50/s); retrying: 2.77s, 538 retries; " +
				limited + "token bucket: 200ms, the window's 200ms: all 100 fit in its burst of 100"},
	} {
		tc.facts.Variants, tc.facts.Server = tc.vs, stats
		if got := RateLimit(tc.facts); got != tc.notice {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, got, tc.notice)
		}
	}
}

func TestServerNote(t *testing.T) {
	for _, tc := range []struct {
		st      apiserver.Stats
		retries bool
		want    string
	}{
		{apiserver.Stats{Served: 25, Throttled: 75}, false, "server: 25 served"},
		{apiserver.Stats{Served: 100}, true, "server: 100 served, no 429"},
		{apiserver.Stats{Served: 100, Throttled: 150}, true, "server: 100 served, 150 x 429"},
	} {
		if got := ServerNote(tc.st, tc.retries); got != tc.want {
			t.Errorf("serverNote(%+v, %v) = %q, want %q", tc.st, tc.retries, got, tc.want)
		}
	}
}
