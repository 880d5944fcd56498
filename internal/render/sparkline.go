package render

import (
	"fmt"
	"strings"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
)

// sparkWidth is the width of one sparkline: two fit a 100-column line.
const sparkWidth = 24

var bars = []rune(" ▁▂▃▄▅▆▇█")

// sparkline draws vals in width characters, each the peak of the values it
// covers, on a scale from 0 to top: an unbounded variant is a spike, a
// bounded one a flat line, batches a saw-tooth.
func sparkline(vals []int, width, top int) string {
	if len(vals) == 0 || top <= 0 {
		return strings.Repeat(" ", width)
	}
	var b strings.Builder
	for i := range width {
		lo, hi := i*len(vals)/width, (i+1)*len(vals)/width
		if hi <= lo {
			hi = lo + 1
		}
		if lo >= len(vals) {
			b.WriteRune(' ')
			continue
		}
		peak := 0
		for _, v := range vals[lo:min(hi, len(vals))] {
			peak = max(peak, v)
		}
		b.WriteRune(bars[min(len(bars)-1, (peak*(len(bars)-1)+top-1)/top)])
	}
	return b.String()
}

// sparklines is the line under a variant's row: goroutines and items in
// flight over the variant's time, on the scenario's common scale so rows
// compare at a glance. The peaks printed are the row's, which also counts
// spikes shorter than a sample.
func sparklines(v report.Variant, topG, topIn int) string {
	s := v.Samples
	if s == nil {
		return ""
	}
	if v.PeakInflight == 0 { // nothing counted items in flight
		return fmt.Sprintf("      goroutines %s peak %d", sparkline(s.Goroutines, sparkWidth, topG), v.PeakGoroutines)
	}
	return fmt.Sprintf("      goroutines %s peak %-5d in-flight %s peak %d",
		sparkline(s.Goroutines, sparkWidth, topG), v.PeakGoroutines,
		sparkline(s.Inflight, sparkWidth, topIn), v.PeakInflight)
}

func maxOf(vals []int) int {
	m := 0
	for _, v := range vals {
		m = max(m, v)
	}
	return m
}
