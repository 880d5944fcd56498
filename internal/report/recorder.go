package report

import (
	"context"
	"runtime"
	"sync"
	"time"
)

// Observer is told about measurements as they happen, so cmd/demo can show
// a heading, live progress and each row the moment it is measured. Its
// methods but Announce are called on the scenario's goroutine, one at a
// time; Announce may be called from any goroutine, at any time (a server's
// handlers say what each request did), and must be safe for that.
type Observer interface {
	// ScenarioStart is called once a scenario knows its name and size.
	ScenarioStart(p Pattern)
	// VariantStart is called as a variant starts; the returned func is
	// called when it ends. probe is live: it may be polled until then.
	VariantStart(p Pattern, name string, probe *Probe) (end func())
	// VariantEnd is called with each variant's measurement.
	VariantEnd(p Pattern, v Variant)
	// Notice is called with the scenario's "what to notice" line.
	Notice(p Pattern, line string)
	// Announce is called with a line for the person at the terminal that
	// belongs to no scenario: where a --serve server listens, say.
	Announce(line string)
}

// Recorder collects the measurements of one run. Pattern packages get one
// through Env and open a Scenario on it for each workload they measure.
type Recorder struct {
	obs Observer // may be nil

	mu     sync.Mutex // guards report
	report Report
}

// NewRecorder returns a Recorder for a run at the given scale and seed that
// tells obs (which may be nil) about every measurement.
func NewRecorder(scale float64, seed int64, obs Observer) *Recorder {
	return &Recorder{obs: obs, report: Report{Scale: scale, Seed: seed, Patterns: []Pattern{}}}
}

// Scenario opens one scenario: a workload of items run in several variants.
// pattern is the package's name ("workerpool"), slides as on the slides
// ("5-7"), title says what the workload is.
func (r *Recorder) Scenario(pattern, slides, title string, items int) *Scenario {
	r.mu.Lock()
	r.report.Patterns = append(r.report.Patterns, Pattern{
		Pattern: pattern, Slides: slides, Scenario: title, Items: items, Variants: []Variant{},
	})
	s := &Scenario{r: r, idx: len(r.report.Patterns) - 1}
	p := r.report.Patterns[s.idx]
	r.mu.Unlock()
	if r.obs != nil {
		r.obs.ScenarioStart(p)
	}
	return s
}

// Report returns a copy of everything measured so far, with the slide-24
// summary when more than one pattern ran.
func (r *Recorder) Report() Report {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.report
	out.Patterns = append([]Pattern(nil), r.report.Patterns...)
	out.Summary = summarize(out.Patterns, out.Scale)
	return out
}

// Announce tells the person at the terminal something that is not a
// measurement, such as where a --serve server listens and how to try it.
// It is not part of the report. It is safe to call from any goroutine.
func (r *Recorder) Announce(line string) {
	if r.obs != nil {
		r.obs.Announce(line)
	}
}

// SetInterrupted marks the run as cancelled before its end.
func (r *Recorder) SetInterrupted() {
	r.mu.Lock()
	r.report.Interrupted = true
	r.mu.Unlock()
}

// Scenario is one workload being measured; see Recorder.Scenario.
// Use it from one goroutine: variants run one after another.
type Scenario struct {
	r   *Recorder
	idx int
}

// Spec describes a variant before it runs.
type Spec struct {
	Name  string
	Role  Role
	Limit int           // most items at once; the item count if unbounded
	Bound time.Duration // see Bound; at the run's scale
	Notes string        // shown beside the row, before any failure tally
}

// Measure runs one variant and records its measurement. run must return one
// error per item of the scenario, in item order (nil for success); an item
// it leaves out counts as failed. run is cancelled through ctx, and a
// variant that ctx stopped is marked Partial. A variant whose ctx is done
// before it starts (Ctrl-C between two variants, or at a --step pause) is
// not run and not recorded: Measure returns it marked Partial, empty.
//
// The variant is one task of the execution trace, when one is written: see
// TaskName; run's ctx carries it.
func (s *Scenario) Measure(ctx context.Context, spec Spec, run func(ctx context.Context, p *Probe) []error) Variant {
	pat := s.pattern()
	probe := newProbe(pat.Items)
	end := func() {}
	if s.r.obs != nil {
		end = s.r.obs.VariantStart(pat, spec.Name, probe)
	}
	if ctx.Err() != nil {
		end()
		return Variant{Name: spec.Name, Role: spec.Role, Limit: spec.Limit, Partial: true}
	}
	v := measure(ctx, TaskName(pat.Pattern, pat.Scenario, spec.Name), spec, probe, run)
	end()

	s.r.mu.Lock()
	p := &s.r.report.Patterns[s.idx]
	p.Variants = append(p.Variants, v)
	pat = *p
	s.r.mu.Unlock()
	if s.r.obs != nil {
		s.r.obs.VariantEnd(pat, v)
	}
	return v
}

// Notice sets the scenario's one line of what to notice in its table.
// Write it from the measured variants, never from what a slide claims.
func (s *Scenario) Notice(line string) {
	s.r.mu.Lock()
	s.r.report.Patterns[s.idx].Notice = line
	pat := s.r.report.Patterns[s.idx]
	s.r.mu.Unlock()
	if s.r.obs != nil {
		s.r.obs.Notice(pat, line)
	}
}

// Claim says that this scenario measures a row of slide 24, by comparing
// two of its variants. The row appears in the summary once both are measured.
func (s *Scenario) Claim(c Claim) {
	s.r.mu.Lock()
	p := &s.r.report.Patterns[s.idx]
	p.claims = append(p.claims, c)
	s.r.mu.Unlock()
}

// Variants returns the variants measured so far.
func (s *Scenario) Variants() []Variant {
	return append([]Variant(nil), s.pattern().Variants...)
}

func (s *Scenario) pattern() Pattern {
	s.r.mu.Lock()
	defer s.r.mu.Unlock()
	return s.r.report.Patterns[s.idx]
}

// measure is Measure without the bookkeeping: time, sample, count, and
// the trace task named task around run.
func measure(ctx context.Context, task string, spec Spec, probe *Probe, run func(context.Context, *Probe) []error) Variant {
	v := Variant{Name: spec.Name, Role: spec.Role, Limit: spec.Limit, BoundMS: ms(spec.Bound)}
	// Collect the garbage of earlier variants first: the stacks of their
	// ended goroutines are freed only by a GC, and would count here.
	runtime.GC()
	v.BaselineGoroutines = goroutines()
	stackBefore := stackBytes()
	stop := probe.sample(SampleEvery)
	start := time.Now()
	probe.start = start
	tctx, endTask := traceTask(ctx, task)
	errs := run(tctx, probe)
	endTask()
	v.WallMS = ms(time.Since(start))
	stop()

	v.Samples = probe.series.samples(v.WallMS)
	v.PeakGoroutines = int(probe.peakG.Load())
	v.PeakInflight = int(probe.peakInflight.Load())
	v.PeakStackMiB = float64(max(probe.peakStack.Load(), stackBefore)-stackBefore) / (1 << 20)
	v.Retries = int(probe.retries.Load())
	v.OK, v.Failed, v.Expected = count(errs, probe.items)
	v.ObservedMS = ms(probe.observed())
	v.Marks = probe.marksCopy()
	v.Partial = ctx.Err() != nil
	v.Notes = joinNotes(joinNotes(spec.Notes, probe.notesText()), Tally(errs, probe.items))
	return v
}

// count splits n items into ok and failed, and counts the expected among
// the failed; an item errs does not cover counts as failed, so ok+failed
// is always n.
func count(errs []error, n int) (ok, failed, expected int) {
	for i := range n {
		switch {
		case i >= len(errs):
		case errs[i] == nil:
			ok++
		case IsExpected(errs[i]):
			expected++
		}
	}
	return ok, n - ok, expected
}
