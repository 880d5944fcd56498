package render

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/apiserver"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
)

// RateLimitFacts is what the manifest fetch measured besides the variants:
// what the server counted for each, the run's setup, and the token-bucket
// variant's two bounds, to say which one set its pace.
type RateLimitFacts struct {
	Variants    []report.Variant
	Server      map[string]apiserver.Stats // by variant
	Workers     int
	Scale       float64
	MaxInflight int     // the server's seats
	ServerQPS   float64 // the server's rate at scale 1; 0: none
	ClientQPS   float64 // the token bucket's rate at scale 1
	ClientBurst int
	RateBound   time.Duration // the token bucket's: the tokens past the burst
	WindowBound time.Duration // the window's alone, with no bucket
}

// RateLimit is the line under the manifest fetch's table: what unlimited
// cost, what a concurrency limit gained, and what a rate limit costs, or
// that it did not bind.
func RateLimit(f RateLimitFacts) string {
	vs := f.Variants
	seq, un, retry := byName(vs, "sequential"), byName(vs, "unlimited"), byName(vs, "unlimited+retry")
	batch, win, tb := byName(vs, "batches"), byName(vs, "window"), byName(vs, "token-bucket")
	n := un.OK + un.Failed
	retrying := fmt.Sprintf("retrying: %s, %d retries", Dur(retry.WallMS), retry.Retries)
	if retry.Failed > 0 {
		retrying += fmt.Sprintf(", %d still failed", retry.Failed)
	}
	parts := []string{
		fmt.Sprintf("unlimited: %d/%d got 429 (%s)", f.Server["unlimited"].Throttled, n, serverLimits(f)),
		retrying,
	}
	limited := fmt.Sprintf("%d at once: %.1fx sequential", f.Workers, ratio(seq.WallMS, batch.WallMS))
	if refused := f.Server["batches"].Throttled + f.Server["window"].Throttled; refused == 0 {
		limited += ", no 429"
	} else {
		limited += fmt.Sprintf(", %d x 429", refused)
	}
	if win.WallMS < batch.WallMS && win.Unexpected() == 0 {
		limited += fmt.Sprintf(", window %.0f%% faster than batches", 100*(batch.WallMS-win.WallMS)/batch.WallMS)
	}
	return strings.Join(append(parts, limited, bucket(tb, win, n, f)), "; ")
}

// bucket says what the token bucket cost, and whether its rate or its
// window set the pace: the bound that is the later one wins. The figure at
// scale 1 is computed from the rate, not measured, and says so.
func bucket(tb, win report.Variant, n int, f RateLimitFacts) string {
	if f.RateBound <= f.WindowBound {
		why := fmt.Sprintf("at %s its rate does not bind", PerSecond(f.ClientQPS, f.Scale))
		if n <= f.ClientBurst {
			why = fmt.Sprintf("all %d fit in its burst of %d", n, f.ClientBurst)
		}
		return fmt.Sprintf("token bucket: %s, the window's %s: %s", Dur(tb.WallMS), Dur(win.WallMS), why)
	}
	past := n - f.ClientBurst
	rate := fmt.Sprintf("%g/s", f.ClientQPS)
	if f.Scale != 1 {
		rate = fmt.Sprintf("%s/s here; at %g/s, scale 1, it computes to %s", rounded(f.ClientQPS/f.Scale), f.ClientQPS,
			Dur(1000*float64(past)/f.ClientQPS))
	}
	return fmt.Sprintf("token bucket: %s for %d past its burst of %d (%s), whatever the %d workers: it limits rate, not concurrency",
		Dur(tb.WallMS), past, f.ClientBurst, rate, f.Workers)
}

// serverLimits says what the server throttles on.
func serverLimits(f RateLimitFacts) string {
	s := fmt.Sprintf("server serves %d at once", f.MaxInflight)
	switch {
	case f.ServerQPS > 0 && f.Scale != 1:
		s += fmt.Sprintf(", admits %s/s here, %g/s at scale 1", rounded(f.ServerQPS/f.Scale), f.ServerQPS)
	case f.ServerQPS > 0:
		s += fmt.Sprintf(", admits %g/s", f.ServerQPS)
	}
	return s
}

// PerSecond is a rate of qps at scale 1 as it runs at scale: 5/s at scale
// 0.2 is "25/s here (5/s at scale 1)".
func PerSecond(qps, scale float64) string {
	if scale == 1 {
		return fmt.Sprintf("%g/s", qps)
	}
	return fmt.Sprintf("%s/s here (%g/s at scale 1)", rounded(qps/scale), qps)
}

// rounded is x to two decimals at most: 25, 16.67, 5000.
func rounded(x float64) string { return strconv.FormatFloat(math.Round(x*100)/100, 'f', -1, 64) }

// ServerNote is a variant's row note: what the server served and, when
// the client retried, how often it refused. A client that fails fast has
// its 429s among its failures already, tallied in the same notes.
func ServerNote(st apiserver.Stats, retries bool) string {
	switch {
	case !retries:
		return fmt.Sprintf("server: %d served", st.Served)
	case st.Throttled == 0:
		return fmt.Sprintf("server: %d served, no 429", st.Served)
	}
	return fmt.Sprintf("server: %d served, %d x 429", st.Served, st.Throttled)
}

func byName(vs []report.Variant, name string) report.Variant {
	v, _ := report.Find(vs, name)
	return v
}

func ratio(a, b float64) float64 {
	if b <= 0 {
		return 0
	}
	return a / b
}
