package ratelimit

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/apiserver"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
)

// bucketFacts is what the notice needs besides the measurements: the run's
// setup and the token-bucket variant's two bounds, to say which one won.
type bucketFacts struct {
	workers     int
	scale       float64
	opts        Options
	rateBound   time.Duration // the token bucket's: tokens past the burst
	windowBound time.Duration // the window's alone, with no bucket
}

// notice is the scenario's "what to notice" line, from the measurements:
// what unlimited cost, what a concurrency limit gained, and what a rate
// limit costs, or that it did not bind.
func notice(vs []report.Variant, stats map[string]apiserver.Stats, f bucketFacts) string {
	seq, un, retry := byName(vs, "sequential"), byName(vs, "unlimited"), byName(vs, "unlimited+retry")
	batch, sem, tb := byName(vs, "batches"), byName(vs, "semaphore"), byName(vs, "token-bucket")
	n := un.OK + un.Failed
	retrying := fmt.Sprintf("retrying: %s, %d retries", seconds(retry.WallMS), retry.Retries)
	if retry.Failed > 0 {
		retrying += fmt.Sprintf(", %d still failed", retry.Failed)
	}
	parts := []string{
		fmt.Sprintf("unlimited: %d/%d got 429 (%s)", stats["unlimited"].Throttled, n, serverLimits(f.opts, f.scale)),
		retrying,
	}
	limited := fmt.Sprintf("%d at once: %.1fx sequential", f.workers, ratio(seq.WallMS, batch.WallMS))
	if refused := stats["batches"].Throttled + stats["semaphore"].Throttled; refused == 0 {
		limited += ", no 429"
	} else {
		limited += fmt.Sprintf(", %d x 429", refused)
	}
	if sem.WallMS < batch.WallMS {
		limited += fmt.Sprintf(", window %.0f%% faster than batches", 100*(batch.WallMS-sem.WallMS)/batch.WallMS)
	}
	return strings.Join(append(parts, limited, bucket(tb, sem, n, f)), "; ")
}

// bucket says what the token bucket cost, and whether its rate or its
// window set the pace: the bound that is the later one wins.
func bucket(tb, sem report.Variant, n int, f bucketFacts) string {
	o := f.opts
	if f.rateBound <= f.windowBound {
		why := fmt.Sprintf("at %s its rate does not bind", perSecond(o.ClientQPS, f.scale))
		if n <= o.ClientBurst {
			why = fmt.Sprintf("all %d fit in its burst of %d", n, o.ClientBurst)
		}
		return fmt.Sprintf("token bucket: %s, the window's %s: %s", seconds(tb.WallMS), seconds(sem.WallMS), why)
	}
	past := n - o.ClientBurst
	rate := fmt.Sprintf("%g/s", o.ClientQPS)
	if f.scale != 1 {
		rate = fmt.Sprintf("%s/s here; %g/s = %s at scale 1", rounded(o.ClientQPS/f.scale), o.ClientQPS,
			seconds(1000*float64(past)/o.ClientQPS))
	}
	return fmt.Sprintf("token bucket: %s for %d past its burst of %d (%s), whatever the %d workers: it limits rate, not concurrency",
		seconds(tb.WallMS), past, o.ClientBurst, rate, f.workers)
}

// serverLimits says what the server throttles on.
func serverLimits(o Options, scale float64) string {
	s := fmt.Sprintf("server serves %d at once", o.MaxInflight)
	switch {
	case o.ServerQPS > 0 && scale != 1:
		s += fmt.Sprintf(", admits %s/s here, %g/s at scale 1", rounded(o.ServerQPS/scale), o.ServerQPS)
	case o.ServerQPS > 0:
		s += fmt.Sprintf(", admits %g/s", o.ServerQPS)
	}
	return s
}

// perSecond is a rate of qps at scale 1 as it runs at scale: 5/s at scale
// 0.2 is "25/s here (5/s at scale 1)".
func perSecond(qps, scale float64) string {
	if scale == 1 {
		return fmt.Sprintf("%g/s", qps)
	}
	return fmt.Sprintf("%s/s here (%g/s at scale 1)", rounded(qps/scale), qps)
}

// rounded is x to two decimals at most: 25, 16.67, 5000.
func rounded(x float64) string { return strconv.FormatFloat(math.Round(x*100)/100, 'f', -1, 64) }

// serverNote is a variant's row note: what the server served and, when
// the client retried, how often it refused. A client that fails fast has
// its 429s among its failures already, tallied in the same notes.
func serverNote(st apiserver.Stats, retries bool) string {
	switch {
	case !retries:
		return fmt.Sprintf("server: %d served", st.Served)
	case st.Throttled == 0:
		return fmt.Sprintf("server: %d served, no 429", st.Served)
	}
	return fmt.Sprintf("server: %d served, %d x 429", st.Served, st.Throttled)
}

func byName(vs []report.Variant, name string) report.Variant {
	for _, v := range vs {
		if v.Name == name {
			return v
		}
	}
	return report.Variant{}
}

func ratio(a, b float64) float64 {
	if b <= 0 {
		return 0
	}
	return a / b
}

func seconds(ms float64) string { return fmt.Sprintf("%.2fs", ms/1000) }
