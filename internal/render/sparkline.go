package render

import (
	"fmt"
	"math"
	"strings"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
)

// sparkWidth is the width of the longest variant's sparkline; the others
// are shorter in proportion to their wall time.
const sparkWidth = 48

// bars draw 1 to 8 eighths; zero is a dot, so a line with nothing in
// flight is visibly a zero line, not blanks.
var bars = []rune("·▁▂▃▄▅▆▇█")

// sparkline draws vals in width characters, each the peak of the values it
// covers, on a scale from 0 to top: an unbounded variant is a spike, a
// window a flat line, batches a saw-tooth.
func sparkline(vals []int, width, top int) string {
	if width <= 0 {
		return ""
	}
	if len(vals) == 0 || top <= 0 {
		return strings.Repeat(string(bars[0]), width)
	}
	var b strings.Builder
	for i := range width {
		lo, hi := i*len(vals)/width, (i+1)*len(vals)/width
		if hi <= lo {
			hi = lo + 1
		}
		peak := 0
		for _, v := range vals[min(lo, len(vals)-1):min(hi, len(vals))] {
			peak = max(peak, v)
		}
		level := 0
		if peak > 0 {
			level = max(1, min(len(bars)-1, (peak*(len(bars)-1)+top-1)/top))
		}
		b.WriteRune(bars[level])
	}
	return b.String()
}

// sparkBlock is the scenario's picture under its table: each variant's
// items in flight over time, all on one time axis (a variant that took a
// tenth of the time draws a tenth of the width), each to the height of its
// own limit, so a batch's saw-tooth and a window's flat line both show.
func sparkBlock(vs []report.Variant) string {
	longest, counted := 0.0, false
	for _, v := range vs {
		longest = max(longest, v.WallMS)
		counted = counted || v.PeakInflight > 0
	}
	if longest <= 0 || !counted {
		return "" // nothing was counted in flight: a line of dots says nothing
	}
	var b strings.Builder
	fmt.Fprintf(&b, "      in flight, one time axis of %s, each row to its own limit (· is none):\n", Dur(longest))
	for _, v := range vs {
		if v.Samples == nil {
			continue
		}
		w := max(1, int(math.Round(sparkWidth*v.WallMS/longest)))
		top := max(v.Limit, v.PeakInflight, 1)
		fmt.Fprintf(&b, "      %-15s %s %s\n", v.Name, sparkline(v.Samples.Inflight, w, top), outcome(v))
	}
	return b.String()
}

// outcome is how a variant ended, in a few words: "100 ok" or "80/100
// failed", with the peak in flight.
func outcome(v report.Variant) string {
	n := v.OK + v.Failed
	s := fmt.Sprintf("%d ok", v.OK)
	switch {
	case v.Unexpected() > 0:
		s = fmt.Sprintf("%d/%d failed", v.Unexpected(), n)
	case v.Expected > 0:
		s = fmt.Sprintf("%d ok, %d expected", v.OK, v.Expected)
	}
	return fmt.Sprintf("%s, peak %d", s, v.PeakInflight)
}
