package workerpool

import (
	"fmt"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
)

// autoTriggerNotice says what the auto-trigger table shows, from its figures.
func autoTriggerNotice(vs []report.Variant) string {
	u, ok1 := byName(vs, "unbounded")
	b, ok2 := byName(vs, "batches")
	if !ok1 || !ok2 {
		return ""
	}
	return fmt.Sprintf("unbounded: %d goroutines (%.1f MiB of stacks) fought for %d connections and %d of %d triggers failed; "+
		"batches of %d: %d failed, %s",
		u.PeakGoroutines, u.PeakStackMiB, PoolSize, u.Failed, u.OK+u.Failed, b.Limit, b.Failed, seconds(b.WallMS))
}

// skewedNotice compares how close each bounded shape came to the bound.
func skewedNotice(vs []report.Variant) string {
	b, ok1 := byName(vs, "batches")
	l, ok2 := byName(vs, "limit")
	if !ok1 || !ok2 {
		return ""
	}
	return fmt.Sprintf("batches wait for the slowest trigger of each batch: %s, %.0f%% of the best possible; "+
		"a sliding window (pool, limit) does not: %s, %.0f%%",
		seconds(b.WallMS), 100*b.Efficiency(), seconds(l.WallMS), 100*l.Efficiency())
}

func byName(vs []report.Variant, name string) (report.Variant, bool) {
	for _, v := range vs {
		if v.Name == name {
			return v, true
		}
	}
	return report.Variant{}, false
}

func seconds(ms float64) string { return fmt.Sprintf("%.2fs", ms/1000) }
