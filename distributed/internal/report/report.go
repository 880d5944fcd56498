// Package report is the distributed demo's report: the same contract as
// the main module's --json (DESIGN.md), with the fields a run across
// processes adds. It is the demo's, not the lesson.
package report

import (
	"encoding/json"
	"io"
	"time"
)

// Report is the whole --json document.
type Report struct {
	Scale    float64   `json:"scale"`
	Seed     int64     `json:"seed"`
	Patterns []Pattern `json:"patterns"`
	// Interrupted is true when Ctrl-C (or SIGTERM) cut the run short:
	// what is here was measured, what is missing was not run.
	Interrupted bool `json:"interrupted,omitempty"`
}

// Pattern is one scenario, run in several variants.
type Pattern struct {
	Pattern  string    `json:"pattern"`
	Slides   string    `json:"slides"`
	Scenario string    `json:"scenario"`
	Items    int       `json:"items"`
	Variants []Variant `json:"variants"`
	// Notice is the line to read under the table, written from the
	// measured figures.
	Notice string `json:"notice,omitempty"`
}

// Variant is one measured variant. The main module's fields keep their
// meaning; the rest are what a run across processes adds.
type Variant struct {
	Name string `json:"name"`
	Role string `json:"role"` // bad, slide or fix
	// WallMS: from the first publish until the server holds nothing
	// un-acked, real milliseconds.
	WallMS float64 `json:"wall_ms"`
	// BoundMS: the fastest any schedule could run the triggers with Limit
	// at once (see sim.Bound), at the run's scale.
	BoundMS float64 `json:"bound_ms"`
	// Limit: the most triggers the variant lets run at once, across all
	// replicas (per-replica: the limit times the replicas).
	Limit int `json:"limit"`
	// The parent process's goroutines (the embedded servers' included):
	// before the variant, and the most while it ran.
	BaselineGoroutines int `json:"baseline_goroutines"`
	PeakGoroutines     int `json:"peak_goroutines"`
	// PeakInflight: the most triggers in hand at once across all replicas,
	// counted from the replicas' begin and end reports.
	PeakInflight int `json:"peak_inflight"`
	// PeakAckPending: the most the server had delivered and not yet seen
	// acked, sampled from the consumer's info (NumAckPending).
	PeakAckPending int `json:"peak_ack_pending"`
	// PeakDBConnections: the most database connections in use at once.
	PeakDBConnections int `json:"peak_db_connections"`
	// OK + Failed == Items: OK triggers took effect (the ledger has them),
	// Failed did not, whatever the reason; Lost are the failed ones that
	// no replica ever reported failing: silently dropped.
	OK     int `json:"ok"`
	Failed int `json:"failed"`
	Lost   int `json:"lost"`
	// Retries: deliveries after a trigger's first (= Redelivered).
	Retries int `json:"retries"`
	// Delivered: deliveries the server made, first or not.
	// Redelivered: those after a trigger's first (AckWait expired, or a
	// Nak). Nakked: handed back at once by a stopping replica.
	Delivered   int `json:"delivered"`
	Redelivered int `json:"redelivered"`
	Nakked      int `json:"nakked"`
	// DuplicateEffectsPrevented: deliveries that found the effect already
	// in the ledger and did nothing. DuplicateEffects: effects that
	// happened twice (0 is the claim; it is counted, not assumed).
	DuplicateEffectsPrevented int `json:"duplicate_effects_prevented"`
	DuplicateEffects          int `json:"duplicate_effects"`
	// HeldPastEffect: of the triggers a SIGKILLed replica held, the ones
	// whose effect it had already done (the ledger says): the ones whose
	// redelivery the ledger must turn into a no-op.
	HeldPastEffect int `json:"held_past_effect,omitempty"`
	// AckWaitMS: the consumer's AckWait. TailMS: how long the run went on
	// after the last first delivery ended: what redeliveries cost.
	AckWaitMS float64 `json:"ack_wait_ms"`
	TailMS    float64 `json:"tail_ms"`
	// Partial: the run was interrupted while this variant ran.
	Partial bool   `json:"partial,omitempty"`
	Notes   string `json:"notes,omitempty"`
	// Samples: triggers in hand and the server's ack-pending over time.
	Samples *Samples `json:"samples,omitempty"`
}

// Samples are taken every IntervalMS while a variant runs.
type Samples struct {
	IntervalMS float64 `json:"interval_ms"`
	Inflight   []int   `json:"inflight"`
	AckPending []int   `json:"ack_pending"`
}

// Efficiency is BoundMS / WallMS: 1 means no schedule could have done
// better.
func (v Variant) Efficiency() float64 {
	if v.WallMS <= 0 {
		return 0
	}
	return v.BoundMS / v.WallMS
}

// WriteJSON writes r as one indented JSON document.
func (r Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // notes say "->"; this is not HTML
	return enc.Encode(r)
}

// MS converts a duration to the report's float milliseconds.
func MS(d time.Duration) float64 {
	return float64(d.Microseconds()) / 1000
}
