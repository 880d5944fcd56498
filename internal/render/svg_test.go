package render

import (
	"strings"
	"testing"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
)

// A panel with nothing in it (the pitfalls count no items in flight) and a
// variant without samples still give numbers, never NaN.
func TestSVGEmptyPanel(t *testing.T) {
	p := report.Pattern{Pattern: "pitfalls", Slides: "23", Scenario: "no exit", Variants: []report.Variant{
		{Name: "no exit", Samples: &report.Samples{EveryMS: 1, Goroutines: []int{3, 4, 4}, Inflight: []int{0, 0, 0}}},
		{Name: "cut short"},
	}}
	var b strings.Builder
	if err := writeSVG(&b, p); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "NaN") || strings.Contains(b.String(), "Inf") {
		t.Errorf("chart has NaN or Inf:\n%s", b.String())
	}
}
