package render

import (
	"encoding/xml"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
)

// svgElem is one element of a chart, with the attributes the tests read.
type svgElem struct {
	name  string
	attrs map[string]string
	text  string
}

// parseSVG decodes a chart, failing the test unless it is well-formed.
func parseSVG(t *testing.T, doc string) []svgElem {
	t.Helper()
	var out []svgElem
	dec := xml.NewDecoder(strings.NewReader(doc))
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("not well-formed: %v\n%s", err, doc)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			e := svgElem{name: tok.Name.Local, attrs: map[string]string{}}
			for _, a := range tok.Attr {
				e.attrs[a.Name.Local] = a.Value
			}
			out = append(out, e)
		case xml.CharData:
			if len(out) > 0 {
				out[len(out)-1].text += strings.TrimSpace(string(tok))
			}
		}
	}
}

// checkText fails unless every text is at least minText units, 1/50 of the
// chart's width: readable from the back of a room when it fills a slide.
func checkText(t *testing.T, es []svgElem) {
	t.Helper()
	for _, e := range es {
		if e.name != "text" {
			continue
		}
		size, err := strconv.Atoi(e.attrs["font-size"])
		if err != nil || size < minText || size*50 < chartW {
			t.Errorf("text %q has font-size %q, want at least %d (1/50 of %d)", e.text, e.attrs["font-size"], minText, chartW)
		}
	}
}

func texts(es []svgElem) []string {
	var out []string
	for _, e := range es {
		if e.name == "text" {
			out = append(out, e.text)
		}
	}
	return out
}

func has(es []svgElem, what string) bool {
	for _, s := range texts(es) {
		if strings.Contains(s, what) {
			return true
		}
	}
	return false
}

// A scenario's chart has a lane per variant, each ending in its outcome,
// a failed run hatched and saying how many failed, the moments marked
// where they happened, and no text too small to read.
func TestSVGTellsTheOutcome(t *testing.T) {
	s := &report.Samples{EveryMS: 1, Inflight: []int{100, 100, 90, 10}, Goroutines: []int{4, 104, 104, 10}}
	p := report.Pattern{Pattern: "workerpool", Slides: "3, 5-7", Scenario: "trigger 100 CD pipelines", Items: 100,
		Variants: []report.Variant{
			{Name: "unbounded", Role: report.Bad, WallMS: 42, Limit: 100, PeakInflight: 100, OK: 20, Failed: 80, Samples: s},
			{Name: "batches", Role: report.Slide, WallMS: 427, Limit: 5, PeakInflight: 5, OK: 100, Samples: s,
				Marks: []report.Mark{{AtMS: 210, What: "client left"}}},
			{Name: "window", Role: report.Fix, WallMS: 413, Limit: 5, PeakInflight: 5, OK: 95, Failed: 5, Expected: 5, Samples: s},
		}}
	var b strings.Builder
	if err := writeSVG(&b, p); err != nil {
		t.Fatal(err)
	}
	es := parseSVG(t, b.String())
	checkText(t, es)
	lanes, hatched, marks := 0, 0, 0
	for _, e := range es {
		switch {
		case e.name == "g" && e.attrs["class"] == "lane":
			lanes++
		case e.name == "polygon" && e.attrs["class"] == "inflight" && e.attrs["fill"] == "url(#hatch)":
			hatched++
		case e.name == "line" && e.attrs["class"] == "mark":
			marks++
		}
	}
	if lanes != 3 || hatched != 1 || marks != 1 {
		t.Errorf("%d lanes, %d hatched, %d marks; want 3, 1 (unbounded), 1", lanes, hatched, marks)
	}
	for _, want := range []string{"80/100 failed", "in 42ms, 100 at once", "100 ok", "95 ok, 5 expected", "client left", "bad", "slide", "fix"} {
		if !has(es, want) {
			t.Errorf("no text %q in the chart: %q", want, texts(es))
		}
	}
	if strings.Contains(b.String(), "NaN") || strings.Contains(b.String(), "Inf") {
		t.Error("chart has NaN or Inf")
	}
}

// A variant without samples and a scenario that measured nothing in flight
// still give numbers, never NaN.
func TestSVGEmpty(t *testing.T) {
	p := report.Pattern{Pattern: "pitfalls", Slides: "23", Scenario: "no exit", Variants: []report.Variant{
		{Name: "no exit", Samples: &report.Samples{EveryMS: 1, Goroutines: []int{3, 4, 4}, Inflight: []int{0, 0, 0}}},
		{Name: "cut short"},
	}}
	var b strings.Builder
	if err := writeSVG(&b, p); err != nil {
		t.Fatal(err)
	}
	parseSVG(t, b.String())
	if strings.Contains(b.String(), "NaN") || strings.Contains(b.String(), "Inf") {
		t.Errorf("chart has NaN or Inf:\n%s", b.String())
	}
}

// Slide 24's picture: a row per operation, the crash drawn as its failures
// rather than as a time, the slide's figure marked on each bar that has one.
func TestSlide24SVG(t *testing.T) {
	r := report.Report{Scale: 0.2, Summary: []report.SummaryRow{
		{Operation: "CI Auto-trigger (100 pipelines)", BeforeVariant: "unbounded", BeforeFailed: 80,
			Scale1BeforeMS: 210, Scale1AfterMS: 2130, SlideAfterMS: 2000, SlideClaim: "Crash -> 2s"},
		{Operation: "K8s resource fetch (100 items)", Speedup: 4.4, Scale1BeforeMS: 5410, Scale1AfterMS: 1230,
			SlideBeforeMS: 5000, SlideAfterMS: 1000, SlideClaim: "5s -> 1s (5x)"},
		{Operation: "Workflow status fetch", Speedup: 1.66, Scale1BeforeMS: 505, Scale1AfterMS: 304,
			SlideBeforeMS: 500, SlideAfterMS: 300, SlideClaim: "500ms -> 300ms (40%)"},
	}, Patterns: []report.Pattern{{Items: 100, Variants: []report.Variant{{Name: "unbounded", OK: 20, Failed: 80}}}}}
	var b strings.Builder
	if err := writeSlide24(&b, r); err != nil {
		t.Fatal(err)
	}
	es := parseSVG(t, b.String())
	checkText(t, es)
	rows, bars, claims := 0, 0, 0
	for _, e := range es {
		switch e.attrs["class"] {
		case "row":
			rows++
		case "bar":
			bars++
		case "claim":
			claims++
		}
	}
	// The crash row has an after bar only; each bar has the slide's figure.
	if rows != 3 || bars != 5 || claims != 5 {
		t.Errorf("%d rows, %d bars, %d claims; want 3, 5, 5", rows, bars, claims)
	}
	for _, want := range []string{"80 of 100 failed", "5.41s", "1.23s", "4.4x", "slide: 5x", "40% less time", "slide: 40%"} {
		if !has(es, want) {
			t.Errorf("no text %q in slide 24: %q", want, texts(es))
		}
	}
}
