package render

import (
	"fmt"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
)

// AutoTrigger is the line under the CI auto-trigger table (slide 6): what
// the unbounded spike cost against the database pool of poolSize, and
// what the slide's batches did instead.
func AutoTrigger(vs []report.Variant, poolSize int) string {
	u, ok1 := report.Find(vs, "unbounded")
	b, ok2 := report.Find(vs, "batches")
	if !ok1 || !ok2 {
		return ""
	}
	n := u.OK + u.Failed
	line := fmt.Sprintf("unbounded: %s (%.1f MiB more stack memory) ", Plural(u.PeakGoroutines, "goroutine"), u.PeakStackMiB)
	if u.Failed > 0 {
		line += fmt.Sprintf("fought for %d connections and %d of %d triggers failed", poolSize, u.Failed, n)
	} else {
		line += fmt.Sprintf("fit in the %d connections: none failed", poolSize)
	}
	if u.PeakInflight < n {
		// Spawning takes time: the first gave up on the pool before
		// the last had started.
		line += fmt.Sprintf(" (at most %d of %d at once: the first gave up before the last started)", u.PeakInflight, n)
	}
	return line + fmt.Sprintf("; batches of %d: %d failed, %s", b.Limit, b.Failed, Dur(b.WallMS))
}

// Skewed is the line under the skewed workload's table: how close batches
// and the sliding window came to the bound. A window that failed triggers
// is not called better, however fast it was.
func Skewed(vs []report.Variant, poolSize int) string {
	b, ok1 := report.Find(vs, "batches")
	w, ok2 := report.Find(vs, "window")
	if !ok1 || !ok2 {
		return ""
	}
	be, we := b.Efficiency(), w.Efficiency()
	switch {
	case b.Limit == 1:
		return fmt.Sprintf("one at a time, batches and a window are the same thing: %s and %s", Dur(b.WallMS), Dur(w.WallMS))
	case w.Unexpected() > 0:
		return fmt.Sprintf("the window failed %d of %d triggers (%d connections for %d at once): "+
			"no schedule is better when it fails; batches %s, %d failed", w.Unexpected(), w.OK+w.Failed,
			poolSize, w.Limit, Dur(b.WallMS), b.Failed)
	case we-be > 0.1:
		return fmt.Sprintf("batches wait for the slowest trigger of each batch: %s, %.0f%% of the best possible; "+
			"a sliding window (pool, window) does not: %s, %.0f%%", Dur(b.WallMS), 100*be, Dur(w.WallMS), 100*we)
	default:
		return fmt.Sprintf("batches %s (%.0f%% of the best possible), window %s (%.0f%%): no clear gap in this run",
			Dur(b.WallMS), 100*be, Dur(w.WallMS), 100*we)
	}
}
