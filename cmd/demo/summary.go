package main

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
)

// writeSummary prints the slide-24 rows: measured before and after, the
// measured improvement, the same at scale 1 (so it reads next to the slide),
// and what the slide claims.
func writeSummary(w io.Writer, r report.Report) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  operation\tbefore\tafter\tgain\tat scale 1\tslide 24")
	for _, s := range r.Summary {
		fmt.Fprintf(tw, "  %s\t%s %s\t%s %s\t%s\t%s -> %s\t%s\n",
			s.Operation, s.BeforeVariant, dur(s.BeforeMS), s.AfterVariant, dur(s.AfterMS),
			improvement(s), dur(s.Scale1BeforeMS), dur(s.Scale1AfterMS), s.SlideClaim)
	}
	tw.Flush()
	for _, s := range r.Summary {
		if !s.MatchesSlide {
			fmt.Fprintf(w, "  %s: %s\n", s.Operation, s.Verdict)
		}
	}
}

// improvement is the speedup, or the failures on the "Crash" row, where a
// time is no improvement over a failure.
func improvement(s report.SummaryRow) string {
	if s.Speedup == 0 {
		return fmt.Sprintf("%d failed -> %d", s.BeforeFailed, s.AfterFailed)
	}
	return fmt.Sprintf("%.1fx", s.Speedup)
}
