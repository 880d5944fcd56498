// Package report is the measuring core of the demo: it times each variant of
// a scenario, samples its goroutines, counts its items, and keeps the results
// in the shape of the --json report contract (see DESIGN.md).
//
// It is shared by the pattern packages and is not part of the lesson: a
// reader of workerpool or fanout can skip it. Pattern packages measure through
// a [Recorder] and never print; cmd/demo renders what the Recorder collected.
package report

import (
	"encoding/json"
	"io"
	"time"
)

// Report is the whole --json document: one run of one or more patterns.
type Report struct {
	Scale    float64      `json:"scale"`
	Seed     int64        `json:"seed"`
	Patterns []Pattern    `json:"patterns"`
	Summary  []SummaryRow `json:"summary,omitempty"`
	// Interrupted is true when the run was cancelled (Ctrl-C) before the
	// end: what is here was measured, what is missing was not run.
	Interrupted bool `json:"interrupted,omitempty"`
}

// Pattern is one scenario of one pattern package, run in several variants.
// A package with two scenarios (fanout) gives two Patterns with the same name.
type Pattern struct {
	Pattern  string    `json:"pattern"`
	Slides   string    `json:"slides"`
	Scenario string    `json:"scenario"`
	Items    int       `json:"items"`
	Variants []Variant `json:"variants"`
	// Notice is the one line that says what to look at in the table,
	// written from the measured figures.
	Notice string `json:"notice,omitempty"`

	claims []Claim // slide-24 rows this scenario can fill; see Scenario.Claim
}

// Variant is one measured run of one variant of a scenario.
type Variant struct {
	Name string `json:"name"`
	// Role is what the variant stands for: the naive or broken shape, the
	// slide's, or the better one. It sets the row's colour.
	Role Role `json:"role"`
	// WallMS is the measured wall time in real milliseconds.
	WallMS float64 `json:"wall_ms"`
	// BoundMS is the fastest any schedule could finish this work under
	// Limit (see Bound), at the run's scale. Efficiency is BoundMS/WallMS.
	BoundMS float64 `json:"bound_ms"`
	// Limit is the most items the variant lets run at once; for an
	// unbounded variant it is the number of items.
	Limit int `json:"limit"`
	// BaselineGoroutines is runtime.NumGoroutine() just before the variant
	// started; PeakGoroutines the most seen while it ran (the measuring
	// sampler itself counts as one).
	BaselineGoroutines int `json:"baseline_goroutines"`
	PeakGoroutines     int `json:"peak_goroutines"`
	// PeakInflight is the most work items running at once.
	PeakInflight int `json:"peak_inflight"`
	// PeakStackMiB is the most memory goroutine stacks held while the
	// variant ran, above what they held when it started: what its
	// goroutines cost.
	PeakStackMiB float64 `json:"peak_stack_mib"`
	// OK + Failed == Items of the Pattern, always: every item is accounted
	// for, including the ones a cancellation stopped before they started.
	OK     int `json:"ok"`
	Failed int `json:"failed"`
	// Expected counts the failed items whose failure is the scenario's
	// point, not the variant's fault: calls rightly not made after the
	// client left, clusters that are down, a slow client evicted on
	// purpose. They are in Failed too. See [Expected].
	Expected int `json:"expected,omitempty"`
	Retries  int `json:"retries"`
	// Partial is true when the run was cancelled while this variant ran.
	Partial bool   `json:"partial,omitempty"`
	Notes   string `json:"notes,omitempty"`
	// Samples are the goroutines and items in flight over time: the
	// sparkline under the row and the --svg chart.
	Samples *Samples `json:"samples,omitempty"`
	// ObservedMS is the part of WallMS the demo spent watching rather than
	// working (the leak scenario's watch for leaked loops, the SSE
	// scenario's shutdown): it is left out of Efficiency.
	ObservedMS float64 `json:"observed_ms,omitempty"`
	// Marks are the moments that matter while it ran, in the order they
	// happened: the client left, the signal, an eviction.
	Marks []Mark `json:"marks,omitempty"`
}

// Mark is a moment of a variant's run, AtMS after it started.
type Mark struct {
	AtMS float64 `json:"at_ms"`
	What string  `json:"what"`
}

// Role is what a variant stands for in its scenario.
type Role string

// The roles. A variant with failures it was not expected to have is never
// the better one, whatever its role; see Variant.Unexpected.
const (
	Bad   Role = "bad"   // the naive or broken shape: the problem
	Slide Role = "slide" // the slide's shape, corrected where it was wrong
	Fix   Role = "fix"   // the better one
)

// Unexpected is the number of failed items whose failure was not expected.
func (v Variant) Unexpected() int { return v.Failed - v.Expected }

// Efficiency is BoundMS over the time the variant worked (WallMS less
// ObservedMS): 1 means no schedule could have done better.
func (v Variant) Efficiency() float64 {
	worked := v.WallMS - v.ObservedMS
	if worked <= 0 {
		return 0
	}
	return v.BoundMS / worked
}

// SummaryRow is one row of slide 24, measured in this run.
type SummaryRow struct {
	Operation     string  `json:"operation"`
	BeforeVariant string  `json:"before_variant"`
	AfterVariant  string  `json:"after_variant"`
	BeforeMS      float64 `json:"before_ms"`
	AfterMS       float64 `json:"after_ms"`
	// Speedup is BeforeMS / AfterMS, or 0 for slide 24's "Crash" row,
	// where "before" has no time to compare with, only failures.
	Speedup    float64 `json:"speedup"`
	SlideClaim string  `json:"slide_claim"`
	// BeforeFailed counts the items the "before" variant failed, which is
	// how slide 24's "Crash" shows up in a measurement.
	BeforeFailed int `json:"before_failed,omitempty"`
	AfterFailed  int `json:"after_failed,omitempty"`
	// Scale1BeforeMS and Scale1AfterMS are the measured times divided by
	// the run's scale: what to read next to the slide's figures.
	Scale1BeforeMS float64 `json:"scale1_before_ms"`
	Scale1AfterMS  float64 `json:"scale1_after_ms"`
	// SlideBeforeMS and SlideAfterMS are slide 24's figures (0 for "Crash").
	SlideBeforeMS float64 `json:"slide_before_ms"`
	SlideAfterMS  float64 `json:"slide_after_ms"`
	// MatchesSlide is true when the scale-1 figures are within 10% of the
	// slide's (and a "Crash" failed); Verdict says how they differ if not.
	MatchesSlide bool   `json:"matches_slide"`
	Verdict      string `json:"verdict"`
}

// Claim names one slide-24 row and the two variants of a scenario that
// measure it.
type Claim struct {
	Operation  string // as on slide 24, e.g. "K8s resource fetch (100 items)"
	Before     string // variant name
	After      string // variant name
	SlideClaim string // the slide's words, e.g. "5s -> 1s (5x)"
}

// WriteJSON writes r as one indented JSON document.
func (r Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // notes say "->" and "<nil>"; this is not HTML
	return enc.Encode(r)
}

// ms converts a duration to the report's float milliseconds.
func ms(d time.Duration) float64 {
	return float64(d.Microseconds()) / 1000
}
