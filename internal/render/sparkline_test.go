package render

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
)

func TestSparkline(t *testing.T) {
	tests := []struct {
		vals       []int
		width, top int
		want       string
	}{
		{[]int{0, 8, 4, 8}, 4, 8, "·█▄█"},
		{[]int{1, 1, 1, 1, 100, 1, 1, 1}, 4, 100, "▁▁█▁"}, // a one-sample spike survives
		{[]int{5, 5}, 4, 10, "▄▄▄▄"},                      // fewer samples than columns: stretched
		{nil, 3, 10, "···"},                               // nothing measured: a zero line
		{[]int{0, 0, 0}, 3, 5, "···"},                     // all zero: visibly zero
		{[]int{1}, 2, 100, "▁▁"},                          // above zero is never drawn as zero
	}
	for _, tt := range tests {
		if got := sparkline(tt.vals, tt.width, tt.top); got != tt.want {
			t.Errorf("sparkline(%v, %d, %d) = %q, want %q", tt.vals, tt.width, tt.top, got, tt.want)
		}
	}
}

// The sparklines share the scenario's time axis: a variant that took a
// tenth of the time draws a tenth of the width.
func TestSparkBlockWidths(t *testing.T) {
	samples := &report.Samples{EveryMS: 1, Inflight: []int{5, 5, 5, 5}}
	vs := []report.Variant{
		{Name: "sequential", WallMS: 1000, Limit: 1, PeakInflight: 1, OK: 100, Samples: samples},
		{Name: "batches", WallMS: 100, Limit: 10, PeakInflight: 10, OK: 100, Samples: samples},
		{Name: "window", WallMS: 50, Limit: 10, PeakInflight: 10, OK: 100, Samples: samples},
	}
	lines := strings.Split(strings.TrimSuffix(sparkBlock(vs), "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d lines:\n%s", len(lines), strings.Join(lines, "\n"))
	}
	for i, want := range []int{48, 5, 2} {
		fields := strings.Fields(lines[i+1])
		if got := utf8.RuneCountInString(fields[1]); got != want {
			t.Errorf("%s: sparkline %d wide, want %d: %q", fields[0], got, want, lines[i+1])
		}
	}
	for _, l := range lines {
		if n := utf8.RuneCountInString(l); n > Width {
			t.Errorf("line of %d columns: %q", n, l)
		}
	}
}
