package render

import (
	"fmt"
	"strings"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/hibernation"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
)

// HibernationFacts is what the hibernation check measured: the variants,
// what each one counted, and the truth they are checked against.
type HibernationFacts struct {
	Variants []report.Variant
	Counted  []Counted // in the order the variants ran
	Truth    hibernation.Counts
	Size     int // the batch and window size
}

// Counted is one variant's counters once it returned.
type Counted struct {
	Name    string
	Counts  hibernation.Counts
	Partial bool // cancelled while it ran
}

// Hibernation is the line under the hibernation table: the times compared,
// and every variant's counts checked against the truth.
func Hibernation(f HibernationFacts) string {
	var parts []string
	s, ok1 := report.Find(f.Variants, "sequential")
	b, ok2 := report.Find(f.Variants, "batches")
	w, ok3 := report.Find(f.Variants, "window")
	if ok1 && ok2 && ok3 && !s.Partial && !b.Partial && !w.Partial && b.WallMS > 0 && w.WallMS > 0 {
		parts = append(parts, fmt.Sprintf("batches of %d: %s, %s one at a time (%s); a window of %d: %s, %s",
			f.Size, Dur(b.WallMS), faster(s.WallMS, b.WallMS), Dur(s.WallMS), f.Size, Dur(w.WallMS), windowVsBatches(b, w)))
	}
	var bad []string
	for _, c := range f.Counted {
		switch {
		case c.Partial && c.Counts.Checked == 0:
			parts = append(parts, fmt.Sprintf("cancelled before %s checked anything", c.Name))
		case c.Partial:
			parts = append(parts, fmt.Sprintf("cancelled during %s: partial counts %s (all %d: %s)",
				c.Name, HibernationCounts(c.Counts), f.Truth.Checked, HibernationCounts(f.Truth)))
		case c.Counts != f.Truth:
			bad = append(bad, fmt.Sprintf("%s counted %s", c.Name, HibernationCounts(c.Counts)))
		}
	}
	switch {
	case len(bad) > 0:
		parts = append(parts, fmt.Sprintf("MISMATCH with the truth (%s): %s", HibernationCounts(f.Truth), strings.Join(bad, "; ")))
	case len(f.Counted) > 0 && !f.Counted[len(f.Counted)-1].Partial:
		parts = append(parts, fmt.Sprintf("every variant counted %s: the truth", HibernationCounts(f.Truth)))
	}
	return strings.Join(parts, "; ")
}

// HibernationCounts says what a hibernation check counted.
func HibernationCounts(c hibernation.Counts) string {
	return fmt.Sprintf("%d can be hibernated + %d hibernated of %d checked", c.CanBeHibernated, c.Hibernated, c.Checked)
}

// windowVsBatches says what the window's time shows next to the batches'.
// A window that failed checks is faster at nothing.
func windowVsBatches(b, w report.Variant) string {
	switch {
	case w.Unexpected() > 0:
		return fmt.Sprintf("but %d of its checks failed", w.Unexpected())
	case b.WallMS >= w.WallMS*sameWithin:
		return fmt.Sprintf("%.0f%% faster than the batches: no waiting for the slowest of each batch", 100*(1-w.WallMS/b.WallMS))
	case w.WallMS >= b.WallMS*sameWithin:
		return fmt.Sprintf("%.0f%% slower than the batches here", 100*(w.WallMS/b.WallMS-1))
	}
	return "no faster than the batches (within 5%)"
}
