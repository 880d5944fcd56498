package hibernation

import (
	"fmt"
	"strings"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
)

// notice says what the table shows, from the measured times and counts,
// and checks every variant's counts against the truth. size is the batch
// and window size the variants ran with.
func notice(vs []report.Variant, got []counted, want Counts, size int) string {
	var parts []string
	s, ok1 := report.Find(vs, "sequential")
	b, ok2 := report.Find(vs, "batches")
	w, ok3 := report.Find(vs, "window")
	if ok1 && ok2 && ok3 && !s.Partial && !b.Partial && !w.Partial && b.WallMS > 0 && w.WallMS > 0 {
		parts = append(parts, fmt.Sprintf("batches of %d: %s, %s one at a time (%s); a window of %d: %s, %s",
			size, dur(b.WallMS), faster(s.WallMS, b.WallMS), dur(s.WallMS), size, dur(w.WallMS), windowVsBatches(b.WallMS, w.WallMS)))
	}
	var bad []string
	for _, c := range got {
		switch {
		case c.partial && c.counts.Checked == 0:
			parts = append(parts, fmt.Sprintf("cancelled before %s checked anything", c.name))
		case c.partial:
			parts = append(parts, fmt.Sprintf("cancelled during %s: partial counts %s (all %d: %s)",
				c.name, counts(c.counts), want.Checked, counts(want)))
		case c.counts != want:
			bad = append(bad, fmt.Sprintf("%s counted %s", c.name, counts(c.counts)))
		}
	}
	switch {
	case len(bad) > 0:
		parts = append(parts, fmt.Sprintf("MISMATCH with the truth (%s): %s", counts(want), strings.Join(bad, "; ")))
	case len(got) > 0 && !got[len(got)-1].partial:
		parts = append(parts, fmt.Sprintf("every variant counted %s: the truth", counts(want)))
	}
	return strings.Join(parts, "; ")
}

// sameWithin is how near two measured times must be to count as the same: 5%.
const sameWithin = 1.05

// faster compares after with before: "2.0x faster than", "1.3x slower
// than", or "no faster than" when they are within 5% of each other.
func faster(beforeMS, afterMS float64) string {
	switch {
	case beforeMS >= afterMS*sameWithin:
		return fmt.Sprintf("%.1fx faster than", beforeMS/afterMS)
	case afterMS >= beforeMS*sameWithin:
		return fmt.Sprintf("%.1fx slower than", afterMS/beforeMS)
	}
	return "no faster than"
}

// windowVsBatches says what the window's time shows next to the batches'.
func windowVsBatches(batchesMS, windowMS float64) string {
	switch {
	case batchesMS >= windowMS*sameWithin:
		return fmt.Sprintf("%.0f%% faster than the batches: no waiting for the slowest of each batch", 100*(1-windowMS/batchesMS))
	case windowMS >= batchesMS*sameWithin:
		return fmt.Sprintf("%.0f%% slower than the batches here", 100*(windowMS/batchesMS-1))
	}
	return "no faster than the batches (within 5%)"
}

func counts(c Counts) string {
	return fmt.Sprintf("%d can be hibernated + %d hibernated of %d checked", c.CanBeHibernated, c.Hibernated, c.Checked)
}

// dur prints a measured time in ms below a second, in seconds above.
func dur(ms float64) string {
	if ms < 1000 {
		return fmt.Sprintf("%.0f ms", ms)
	}
	return fmt.Sprintf("%.2f s", ms/1000)
}
