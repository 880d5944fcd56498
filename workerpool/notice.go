package workerpool

import (
	"fmt"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
)

// autoTriggerNotice says what the auto-trigger table shows, from its figures.
func autoTriggerNotice(vs []report.Variant) string {
	u, ok1 := report.Find(vs, "unbounded")
	b, ok2 := report.Find(vs, "batches")
	if !ok1 || !ok2 {
		return ""
	}
	n := u.OK + u.Failed
	line := fmt.Sprintf("unbounded: %d goroutines (%.1f MiB more stack memory) ", u.PeakGoroutines, u.PeakStackMiB)
	if u.Failed > 0 {
		line += fmt.Sprintf("fought for %d connections and %d of %d triggers failed", PoolSize, u.Failed, n)
	} else {
		line += fmt.Sprintf("fit in the %d connections: none failed", PoolSize)
	}
	if u.PeakInflight < n {
		// Spawning takes time: the first gave up on the pool before
		// the last had started.
		line += fmt.Sprintf(" (at most %d of %d at once: the first gave up before the last started)", u.PeakInflight, n)
	}
	return line + fmt.Sprintf("; batches of %d: %d failed, %s", b.Limit, b.Failed, seconds(b.WallMS))
}

// skewedNotice compares how close each bounded shape came to the bound.
func skewedNotice(vs []report.Variant) string {
	b, ok1 := report.Find(vs, "batches")
	l, ok2 := report.Find(vs, "limit")
	if !ok1 || !ok2 {
		return ""
	}
	be, le := b.Efficiency(), l.Efficiency()
	switch {
	case b.Limit == 1:
		return fmt.Sprintf("one at a time, batches and a window are the same thing: %s and %s", seconds(b.WallMS), seconds(l.WallMS))
	case le-be > 0.1:
		return fmt.Sprintf("batches wait for the slowest trigger of each batch: %s, %.0f%% of the best possible; "+
			"a sliding window (pool, limit) does not: %s, %.0f%%", seconds(b.WallMS), 100*be, seconds(l.WallMS), 100*le)
	default:
		return fmt.Sprintf("batches %s (%.0f%% of the best possible), limit %s (%.0f%%): no clear gap in this run",
			seconds(b.WallMS), 100*be, seconds(l.WallMS), 100*le)
	}
}

func seconds(ms float64) string { return fmt.Sprintf("%.2fs", ms/1000) }
