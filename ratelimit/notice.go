package ratelimit

import (
	"fmt"
	"strings"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/apiserver"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
)

// notice is the scenario's "what to notice" line, from the measurements:
// what unlimited cost, what a concurrency limit gained, and what a rate
// limit costs.
func notice(vs []report.Variant, stats map[string]apiserver.Stats, workers int, o Options) string {
	seq, un, retry := byName(vs, "sequential"), byName(vs, "unlimited"), byName(vs, "unlimited+retry")
	batch, sem, tb := byName(vs, "batches"), byName(vs, "semaphore"), byName(vs, "token-bucket")
	n := un.OK + un.Failed
	parts := []string{
		fmt.Sprintf("unlimited: %d/%d got 429 (server serves %d at once)", stats["unlimited"].Throttled, n, o.MaxInflight),
		fmt.Sprintf("retrying: %s, %d retries", seconds(retry.WallMS), retry.Retries),
	}
	limited := fmt.Sprintf("%d at once: %.1fx sequential", workers, ratio(seq.WallMS, batch.WallMS))
	if refused := stats["batches"].Throttled + stats["semaphore"].Throttled; refused == 0 {
		limited += ", no 429"
	} else {
		limited += fmt.Sprintf(", %d x 429", refused)
	}
	if sem.WallMS < batch.WallMS {
		limited += fmt.Sprintf(", window %.0f%% faster than batches", 100*(batch.WallMS-sem.WallMS)/batch.WallMS)
	}
	parts = append(parts, limited,
		fmt.Sprintf("token bucket: %s for %d past its burst at %g/s, whatever the workers: it limits rate, not concurrency",
			seconds(tb.WallMS), max(n-o.ClientBurst, 0), o.ClientQPS))
	return strings.Join(parts, "; ")
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
