package report

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"testing"
	"testing/synctest"
	"time"
)

func TestBound(t *testing.T) {
	ms := time.Millisecond
	ten := func(n int, d time.Duration) []time.Duration {
		out := make([]time.Duration, n)
		for i := range out {
			out[i] = d
		}
		return out
	}
	tests := []struct {
		name  string
		tasks []time.Duration
		limit int
		want  time.Duration
	}{
		{"none", nil, 5, 0},
		{"100 x 100ms by 5", ten(100, 100*ms), 5, 2 * time.Second},
		{"7 x 100ms by 5: two rounds", ten(7, 100*ms), 5, 200 * ms},
		{"unbounded: the longest", []time.Duration{10 * ms, 300 * ms, 20 * ms}, 3, 300 * ms},
		{"sum over limit", []time.Duration{100 * ms, 100 * ms, 200 * ms, 200 * ms}, 2, 300 * ms},
		{"limit 0 is 1", ten(3, 10*ms), 0, 30 * ms},
	}
	for _, tt := range tests {
		if got := Bound(tt.tasks, tt.limit); got != tt.want {
			t.Errorf("%s: Bound = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestTally(t *testing.T) {
	exhausted := errors.New("pool exhausted")
	errs := []error{nil, fmt.Errorf("pipeline 2: %w", exhausted), fmt.Errorf("pipeline 3: %w", exhausted), errors.New("boom")}
	if got, want := Tally(errs, 5), "2 x pool exhausted; 1 x boom; 1 x not reported"; got != want {
		t.Errorf("Tally = %q, want %q", got, want)
	}
	if got := Tally([]error{nil}, 1); got != "" {
		t.Errorf("Tally of no failures = %q, want empty", got)
	}
}

// Measure in virtual time: exact wall time, in-flight peak, counts, and an
// item the run forgot counted as failed.
func TestMeasure(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		env := NewEnv(1, 1, nil)
		sc := env.Rec.Scenario("demo", "1", "three items", 3)
		v := sc.Measure(t.Context(), Spec{Name: "two at once", Limit: 2, Bound: 200 * time.Millisecond},
			func(ctx context.Context, p *Probe) []error {
				work := Track(p, func(ctx context.Context, d time.Duration) (struct{}, error) {
					time.Sleep(d)
					return struct{}{}, nil
				})
				p.Note("one item forgotten")
				done := make(chan error, 2)
				go func() { _, err := work(ctx, 100*time.Millisecond); done <- err }()
				go func() { _, err := work(ctx, 300*time.Millisecond); done <- err }()
				return []error{<-done, <-done} // the third item is left out
			})
		if v.WallMS != 300 || v.BoundMS != 200 || v.PeakInflight != 2 || v.OK != 2 || v.Failed != 1 || v.Partial {
			t.Errorf("got %+v", v)
		}
		if v.PeakGoroutines < v.BaselineGoroutines+2 {
			t.Errorf("peak goroutines %d, baseline %d: the two workers were not seen", v.PeakGoroutines, v.BaselineGoroutines)
		}
		if v.Notes != "one item forgotten; 1 x not reported" {
			t.Errorf("notes %q", v.Notes)
		}
	})
}

func TestMeasurePartial(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Millisecond)
		defer cancel()
		sc := NewEnv(1, 1, nil).Rec.Scenario("demo", "1", "cancelled", 2)
		v := sc.Measure(ctx, Spec{Name: "cut", Limit: 1}, func(ctx context.Context, _ *Probe) []error {
			<-ctx.Done() // the first item runs into the deadline; the second never starts
			return []error{ctx.Err(), ctx.Err()}
		})
		if !v.Partial || v.Failed != 2 || v.WallMS != 10 {
			t.Errorf("got %+v, want partial after 10ms with 2 failed", v)
		}
		ran := false
		v = sc.Measure(ctx, Spec{Name: "never"}, func(context.Context, *Probe) []error { ran = true; return nil })
		if ran || !v.Partial || len(sc.Variants()) != 1 {
			t.Errorf("a variant after the cancel: ran %v, got %+v, %d recorded; want not run, not recorded", ran, v, len(sc.Variants()))
		}
	})
}

// The summary appears only when more than one pattern ran, one row per
// claim whose variants were measured whole, in slide-24 order, each checked
// against the slide at scale 1; a failed "before" has no speedup.
func TestSummary(t *testing.T) {
	rec := NewRecorder(0.5, 7, nil)
	add := func(pattern, op string, items int, before, after Variant) {
		sc := rec.Scenario(pattern, "1", "s", items)
		sc.Claim(Claim{Operation: op, Before: before.Name, After: after.Name, SlideClaim: "theirs"})
		rec.report.Patterns[sc.idx].Variants = []Variant{before, after}
	}
	add("hibernation", "Hibernation check (100 resources)", 100, Variant{Name: "seq", WallMS: 2500}, Variant{Name: "batches", WallMS: 300})
	if got := rec.Report().Summary; got != nil {
		t.Fatalf("one pattern: summary %v, want none", got)
	}
	add("workerpool", "CI Auto-trigger (100 pipelines)", 100, Variant{Name: "unbounded", WallMS: 10, Failed: 80}, Variant{Name: "batches", WallMS: 1040})
	add("other", "Workflow status fetch", 3, Variant{Name: "a", WallMS: 1}, Variant{Name: "b", WallMS: 1})
	add("cut", "K8s resource fetch (100 items)", 100, Variant{Name: "a", WallMS: 1}, Variant{Name: "b", WallMS: 1, Partial: true})
	rec.Scenario("c", "1", "claims nothing measured", 1).Claim(Claim{Operation: "never", Before: "x", After: "y"})
	want := []SummaryRow{
		{Operation: "CI Auto-trigger (100 pipelines)", BeforeVariant: "unbounded", AfterVariant: "batches",
			BeforeMS: 10, AfterMS: 1040, SlideClaim: "Crash -> 2s", BeforeFailed: 80,
			Scale1BeforeMS: 20, Scale1AfterMS: 2080, SlideAfterMS: 2000, MatchesSlide: true, Verdict: "as on the slide"},
		{Operation: "Workflow status fetch", BeforeVariant: "a", AfterVariant: "b", BeforeMS: 1, AfterMS: 1, Speedup: 1,
			SlideClaim: "500ms -> 300ms (40%)", Scale1BeforeMS: 2, Scale1AfterMS: 2, SlideBeforeMS: 500, SlideAfterMS: 300,
			Verdict: "measured with 3 items, the slide with 2"},
		{Operation: "Hibernation check (100 resources)", BeforeVariant: "seq", AfterVariant: "batches",
			BeforeMS: 2500, AfterMS: 300, Speedup: 2500.0 / 300, SlideClaim: "5s -> 500ms (10x)",
			Scale1BeforeMS: 5000, Scale1AfterMS: 600, SlideBeforeMS: 5000, SlideAfterMS: 500, Verdict: "differs: after +20%"},
	}
	if got := rec.Report().Summary; !slices.Equal(got, want) {
		t.Errorf("summary\n got %+v\nwant %+v", got, want)
	}
}

// The --json field names are a contract (DESIGN.md): they keep their meaning.
func TestJSONContract(t *testing.T) {
	rec := NewRecorder(0.2, 1, nil)
	sc := rec.Scenario("ratelimit", "11-13", "fetch", 1)
	sc.Measure(t.Context(), Spec{Name: "sequential", Limit: 1}, func(context.Context, *Probe) []error { return []error{nil} })
	var buf bytes.Buffer
	if err := rec.Report().WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Scale    *float64 `json:"scale"`
		Seed     *int64   `json:"seed"`
		Patterns []struct {
			Pattern, Slides, Scenario *string
			Items                     *int
			Variants                  []map[string]any
		} `json:"patterns"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Scale == nil || *doc.Scale != 0.2 || doc.Seed == nil || len(doc.Patterns) != 1 || doc.Patterns[0].Items == nil {
		t.Fatalf("document %s", buf.String())
	}
	for _, key := range []string{"name", "wall_ms", "bound_ms", "limit", "peak_goroutines", "peak_inflight", "ok", "failed", "retries"} {
		if _, ok := doc.Patterns[0].Variants[0][key]; !ok {
			t.Errorf("variant has no %q: %s", key, buf.String())
		}
	}
}

// A long run keeps at most MaxSamples on a coarser grid, and a one-tick
// spike survives the merging.
func TestSeries(t *testing.T) {
	s := newSeries(time.Millisecond)
	for i := range 1000 {
		g := 10
		if i == 777 {
			g = 500
		}
		s.add(g, i%3)
	}
	got := s.samples(0)
	if len(got.Goroutines) > MaxSamples || len(got.Goroutines) != len(got.Inflight) {
		t.Fatalf("%d goroutine and %d in-flight samples, want equal and at most %d", len(got.Goroutines), len(got.Inflight), MaxSamples)
	}
	if span := got.EveryMS * float64(len(got.Goroutines)); span < 1000 || span > 1000+got.EveryMS {
		t.Errorf("%d samples every %vms span %vms, want 1000ms", len(got.Goroutines), got.EveryMS, span)
	}
	if slices.Max(got.Goroutines) != 500 || slices.Min(got.Goroutines) != 10 || slices.Max(got.Inflight) != 2 {
		t.Errorf("peaks lost: %v", got)
	}
}

// Failures both variants share (unreachable clusters) are the workload's:
// the row still has a speedup and matches; more failures after do not.
func TestVerdictSharedFailures(t *testing.T) {
	c := Claim{Operation: "Cluster connection test (50 clusters)", Before: "seq", After: "par"}
	row := compare(c, 50, Variant{WallMS: 5000, Failed: 5}, Variant{WallMS: 600, Failed: 5}, 0.2)
	if row.Speedup == 0 || !row.MatchesSlide || row.Verdict != "as on the slide" {
		t.Errorf("shared failures: %+v", row)
	}
	row = compare(c, 50, Variant{WallMS: 5000, Failed: 5}, Variant{WallMS: 600, Failed: 7}, 0.2)
	if row.MatchesSlide || row.Verdict != "differs: after failed 7" {
		t.Errorf("more failures after: %+v", row)
	}
}
