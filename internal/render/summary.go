package render

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
)

// writeSummary prints the slide-24 rows: measured before and after, the
// measured improvement, the same at scale 1 (so it reads next to the
// slide), and what the slide claims; then which variants each row compares
// and, for a row that does not reproduce the slide, how it differs.
func writeSummary(w io.Writer, r report.Report) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  operation\tmeasured\tgain\tat scale 1\tslide 24")
	for _, s := range r.Summary {
		fmt.Fprintf(tw, "  %s\t%s->%s\t%s\t%s->%s\t%s\n",
			s.Operation, Dur(s.BeforeMS), Dur(s.AfterMS),
			improvement(s), Dur(s.Scale1BeforeMS), Dur(s.Scale1AfterMS), s.SlideClaim)
	}
	tw.Flush()
	var pairs []string
	for _, s := range r.Summary {
		pairs = append(pairs, s.BeforeVariant+"->"+s.AfterVariant)
	}
	fmt.Fprintf(w, "  %s\n", Wrap("variants compared: "+strings.Join(pairs, ", "), Width-2, "  "))
	for _, s := range r.Summary {
		if !s.MatchesSlide {
			fmt.Fprintf(w, "  %s\n", Wrap(s.Operation+": "+s.Verdict, Width-2, "    "))
		}
	}
}

// improvement is the speedup, or the failures on the "Crash" row, where a
// time is no improvement over a failure.
func improvement(s report.SummaryRow) string {
	if s.Speedup == 0 {
		if s.AfterFailed == 0 {
			return fmt.Sprintf("%d failed", s.BeforeFailed) // and none after
		}
		return fmt.Sprintf("%d->%d failed", s.BeforeFailed, s.AfterFailed)
	}
	return fmt.Sprintf("%.1fx", s.Speedup)
}
