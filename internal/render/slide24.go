package render

import (
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
)

// Slide 24's picture: per row, the measured before and after at scale 1 as
// bars on one logarithmic time scale (from 300 ms to 25 s, a linear one
// would hide the small rows), the slide's own figure marked on each bar,
// and a "Crash" drawn as the failures it is, not as a time.
const (
	s24X0, s24X1 = 260, 930
	s24RowH      = 150
	s24Top       = 150
)

func writeSlide24(w io.Writer, r report.Report) error {
	lo, hi := math.Inf(1), 0.0
	for _, s := range r.Summary {
		for _, v := range []float64{s.Scale1BeforeMS, s.Scale1AfterMS, s.SlideBeforeMS, s.SlideAfterMS} {
			if v > 0 && !(crash(s) && v == s.Scale1BeforeMS) {
				lo, hi = min(lo, v), max(hi, v)
			}
		}
	}
	if hi == 0 {
		lo, hi = 1, 10
	}
	lo = math.Pow(10, math.Floor(math.Log10(lo)))
	hi = niceAbove(hi)
	x := func(ms float64) float64 {
		return s24X0 + (math.Log10(max(ms, lo))-math.Log10(lo))/(math.Log10(hi)-math.Log10(lo))*(s24X1-s24X0)
	}

	h := s24Top + len(r.Summary)*s24RowH + 90
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="Helvetica, Arial, sans-serif">`+"\n",
		chartW, h, chartW, h)
	b.WriteString(`<rect width="100%" height="100%" fill="white"/>` + "\n")
	b.WriteString(`<text x="20" y="46" font-size="34" font-weight="bold">Slide 24, measured in this run</text>` + "\n")
	fmt.Fprintf(&b, `<text x="20" y="84" font-size="%d">measured times brought to scale 1 (this run: scale %g), on a log scale; `+
		`&#9670; the slide's figure</text>`+"\n", minText, r.Scale)
	fmt.Fprintf(&b, `<text x="20" y="116" font-size="%d" fill="#444">the simulation is built to the slides' figures: `+
		`what differs is the schedule, the overhead, the jitter</text>`+"\n", minText)

	for i, s := range r.Summary {
		y := s24Top + i*s24RowH
		fmt.Fprintf(&b, `<g class="row" data-operation="%s">`+"\n", esc(s.Operation))
		fmt.Fprintf(&b, `<text x="20" y="%d" font-size="28" font-weight="bold">%s</text>`+"\n", y+30, esc(s.Operation))
		bar := func(label string, ms, slide float64, dy int, role report.Role) {
			st := roleStyle[role]
			fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="%d" text-anchor="end">%s</text>`+"\n", s24X0-12, y+dy+26, minText, label)
			fmt.Fprintf(&b, `<rect class="bar" x="%d" y="%d" width="%.1f" height="34" fill="%s" stroke="%s" stroke-width="2" stroke-dasharray="%s"/>`+"\n",
				s24X0, y+dy, x(ms)-s24X0, st.fill, st.stroke, st.dash)
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" font-size="%d" font-weight="bold">%s</text>`+"\n", x(ms)+10, y+dy+26, minText, esc(Dur(ms)))
			if slide > 0 {
				sx := x(slide)
				fmt.Fprintf(&b, `<polygon class="claim" points="%.1f,%d %.1f,%d %.1f,%d %.1f,%d" fill="black" stroke="white" stroke-width="2"/>`+"\n",
					sx, y+dy-6, sx+10, y+dy+17, sx, y+dy+40, sx-10, y+dy+17)
			}
		}
		if crash(s) {
			fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="%d" text-anchor="end">before</text>`+"\n", s24X0-12, y+72, minText)
			fmt.Fprintf(&b, `<text class="crash" x="%d" y="%d" font-size="26" font-weight="bold" fill="%s">&#10007; %d of %d failed (the slide: &#8220;Crash&#8221;)</text>`+"\n",
				s24X0, y+72, failText, s.BeforeFailed, s.BeforeFailed+okBefore(r, s))
		} else {
			bar("before", s.Scale1BeforeMS, s.SlideBeforeMS, 46, report.Bad)
		}
		bar("after", s.Scale1AfterMS, s.SlideAfterMS, 92, report.Slide)
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="26" font-weight="bold">%s</text>`+"\n", s24X1+50, y+72, esc(measuredGain(s)))
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="%d">slide: %s</text>`+"\n", s24X1+50, y+110, minText, esc(slideGain(s)))
		b.WriteString("</g>\n")
	}

	y := s24Top + len(r.Summary)*s24RowH
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#333" stroke-width="2"/>`+"\n", s24X0, y, s24X1, y)
	// Every decade labelled; 2 and 5 times it ticked, and labelled where
	// the decade is wide enough for three labels.
	decade := (s24X1 - s24X0) / (math.Log10(hi) - math.Log10(lo))
	for t := lo; t <= hi*1.0001; t *= 10 {
		for _, m := range []float64{1, 2, 5} {
			v := t * m
			if v > hi*1.0001 {
				break
			}
			fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#333" stroke-width="2"/>`+"\n", x(v), y, x(v), y+8)
			if m == 1 || decade >= 330 || v == hi {
				fmt.Fprintf(&b, `<text x="%.1f" y="%d" font-size="%d" text-anchor="middle">%s</text>`+"\n", x(v), y+34, minText, esc(Dur(v)))
			}
		}
	}
	fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="%d" fill="#444">time at scale 1 (log scale)</text>`+"\n", s24X0, y+70, minText)
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// niceAbove is the first 1, 2 or 5 times a power of ten at or above v.
func niceAbove(v float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}

// measuredGain is the row's measured gain in the slide's own terms: a
// percentage where the slide gives one ("40%"), a factor otherwise.
func measuredGain(s report.SummaryRow) string {
	if strings.HasSuffix(slideGain(s), "%") && s.Scale1BeforeMS > 0 {
		return fmt.Sprintf("%.0f%% less time", 100*(1-s.Scale1AfterMS/s.Scale1BeforeMS))
	}
	return improvement(s)
}

// crash reports whether the row is slide 24's "Crash": no time before.
func crash(s report.SummaryRow) bool { return s.SlideBeforeMS == 0 && s.Speedup == 0 }

// okBefore is how many items the "before" variant of a row did.
func okBefore(r report.Report, s report.SummaryRow) int {
	for _, p := range r.Patterns {
		if v, ok := report.Find(p.Variants, s.BeforeVariant); ok && v.Failed == s.BeforeFailed && p.Items > 0 {
			return v.OK
		}
	}
	return 0
}

// slideGain is what the slide claims for the row, after its arrow: "5x",
// "40%", or the whole claim when it has no gain in brackets.
func slideGain(s report.SummaryRow) string {
	c := s.SlideClaim
	if i, j := strings.LastIndex(c, "("), strings.LastIndex(c, ")"); i >= 0 && j > i {
		return c[i+1 : j]
	}
	return c
}
