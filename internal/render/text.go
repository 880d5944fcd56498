package render

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
)

// Text renders a run for people: a heading per scenario, a row per
// variant the moment it is measured, then the scenario's sparklines on one
// time axis and the line to notice, and the slide-24 table at the end. It
// is the report.Observer of a run without --json.
//
// Rows use fixed column widths instead of text/tabwriter so each one can be
// printed as soon as its variant ends: on stage the table grows live.
type Text struct {
	w     io.Writer
	term  bool // live progress only on a terminal
	color bool

	mu sync.Mutex // guards w: the progress goroutine writes too

	// Step, set in --step mode, pauses before every variant but the
	// first, until the presenter presses Enter.
	Step    func(next string)
	started bool // a variant has run: the next one pauses

	// The scenario's variants so far, for its sparklines. Touched on the
	// scenario's goroutine only.
	pending []report.Variant
}

// NewText returns a Text that writes to w: with live progress when term is
// set (w is a terminal), in colour when color is.
func NewText(w io.Writer, term, color bool) *Text {
	return &Text{w: w, term: term, color: color}
}

// Width is the projector's: every line the demo prints fits in it.
const Width = 100

var columns = []struct {
	title string
	width int
	right bool
}{
	{"variant", 15, false}, {"role", 5, false}, {"wall", 7, true}, {"bound", 7, true}, {"best%", 5, true},
	{"goroutines", 10, true}, {"in-flight", 9, true}, {"ok", 6, true}, {"failed", 6, true},
}

func (t *Text) printf(format string, args ...any) {
	t.mu.Lock()
	defer t.mu.Unlock()
	fmt.Fprintf(t.w, format, args...)
}

// Start prints the run's title line.
func (t *Text) Start(scale float64, seed int64) {
	t.printf("%s scale %g (slide latencies x %g), seed %d\n",
		t.paint(bold, "Go Concurrency at Scale: live measurements"), scale, scale, seed)
	t.printf("%s\n", Wrap("The simulated platform is built to the slides' figures; what each run measures is "+
		"the schedule, the overhead and the jitter on top of them.", Width, ""))
}

// ScenarioStart prints the heading and the column titles.
func (t *Text) ScenarioStart(p report.Pattern) {
	t.flush()
	slides := "slides"
	if !strings.ContainsAny(p.Slides, "-,") {
		slides = "slide"
	}
	head := Wrap(fmt.Sprintf("== %s (%s %s): %s", p.Pattern, slides, p.Slides, p.Scenario), Width, "   ")
	t.printf("\n%s\n%s\n", t.paint(cyan, head), t.paint(bold, t.row(titles(), "notes")))
}

// VariantStart pauses for Enter in --step mode, then shows live progress on
// a terminal once a variant has run for about a second; the returned end
// stops it and clears its line.
func (t *Text) VariantStart(p report.Pattern, name string, probe *report.Probe) (end func()) {
	if t.Step != nil && t.started {
		t.Step(name)
	}
	t.started = true
	if !t.term {
		return func() {}
	}
	quit := make(chan struct{}) // closed by end: the progress goroutine's exit
	exited := make(chan struct{})
	go func() {
		defer close(exited)
		t.progress(name, probe, quit)
	}()
	return func() {
		close(quit)
		<-exited
	}
}

func (t *Text) progress(name string, probe *report.Probe, quit <-chan struct{}) {
	wait := time.NewTimer(time.Second)
	defer wait.Stop()
	select {
	case <-wait.C:
	case <-quit:
		return
	}
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		line := fmt.Sprintf("  %-15s running: %d/%d done, %d in flight, %d goroutines now",
			name, probe.Done(), probe.Items(), probe.Inflight(), goroutinesNow())
		t.printf("\r%s\x1b[K", clip(line, Width-1))
		select {
		case <-tick.C:
		case <-quit:
			t.printf("\r\x1b[K")
			return
		}
	}
}

// VariantEnd prints the variant's row, in its role's colour. Its notes
// follow on the same line when they fit, else wrapped under it.
func (t *Text) VariantEnd(p report.Pattern, v report.Variant) {
	bound, best := Dur(v.BoundMS), fmt.Sprintf("%.0f%%", 100*v.Efficiency())
	if v.BoundMS == 0 {
		bound, best = "-", "-" // no work with a duration to bound
	}
	notes := v.Notes
	if v.Partial {
		// The bound is for all the items; a cut-short run has none.
		bound, best, notes = "-", "-", joinNotes("INTERRUPTED", notes)
	}
	if v.Unexpected() > 0 && v.Role != report.Bad && v.Expected > 0 {
		notes = joinNotes(notes, fmt.Sprintf("%d of the failures not expected", v.Unexpected()))
	}
	failed := fmt.Sprint(v.Failed)
	if v.Expected > 0 {
		failed = fmt.Sprintf("%d*", v.Failed) // * expected: the notes say which
	}
	cells := []string{v.Name, string(v.Role), Dur(v.WallMS), bound, best,
		fmt.Sprint(v.PeakGoroutines), fmt.Sprint(v.PeakInflight), fmt.Sprint(v.OK), failed}
	line := t.row(cells, "")
	switch {
	case notes == "":
	case len(line)+2+len(notes) <= Width:
		line += "  " + notes
	default:
		line += "\n      " + Wrap(notes, Width-6, "      ")
	}
	t.printf("%s\n", t.paint(roleColour(v), line))
	if !v.Partial {
		t.pending = append(t.pending, v)
	}
}

// roleColour is a row's colour: bad red, slide plain, fix green; a slide
// or fix that failed items it was not expected to fail is yellow, never
// the green of a fix that worked.
func roleColour(v report.Variant) string {
	switch {
	case v.Role == report.Bad:
		return red
	case v.Unexpected() > 0:
		return yellow
	case v.Role == report.Fix:
		return green
	}
	return ""
}

func joinNotes(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}

// Notice prints the scenario's sparklines, then the line to notice under
// the table, wrapped to the projector's width.
func (t *Text) Notice(p report.Pattern, line string) {
	t.flush()
	if line != "" {
		t.printf("%s %s\n", t.paint(yellow, "->"), Wrap(line, Width-3, "   "))
	}
}

// flush prints the sparklines of the variants measured since the last
// flush, on one time axis, and forgets them.
func (t *Text) flush() {
	if len(t.pending) > 0 {
		t.printf("%s", sparkBlock(t.pending))
	}
	t.pending = nil
}

// Announce prints a line that belongs to no table, wrapped to the width.
func (t *Text) Announce(line string) {
	t.printf("%s\n", t.paint(yellow, Wrap(line, Width, "    ")))
}

// Finish prints the end of the run: the last sparklines, and the slide-24
// table if the run measured any of its rows.
func (t *Text) Finish(r report.Report) {
	t.flush()
	if r.Interrupted {
		t.printf("\n%s\n", t.paint(red, "Interrupted: the figures above are what was measured before the signal."))
	}
	if len(r.Summary) > 0 {
		t.printf("\n%s\n%s\n", t.paint(cyan, "== Slide 24, measured in this run"),
			"  "+Wrap("The simulated platform is built to the slide's figures: what the run measures is the "+
				"schedule, the overhead and the jitter on top of them.", Width-2, "  "))
		t.mu.Lock()
		writeSummary(t.w, r)
		t.mu.Unlock()
	}
}

func titles() []string {
	out := make([]string, len(columns))
	for i, c := range columns {
		out[i] = c.title
	}
	return out
}

// row lays cells out in the fixed columns, then the free-width last cell.
func (t *Text) row(cells []string, last string) string {
	var b strings.Builder
	b.WriteString("  ")
	for i, c := range columns {
		if c.right {
			fmt.Fprintf(&b, "%*s ", c.width, cells[i])
		} else {
			fmt.Fprintf(&b, "%-*s ", c.width, cells[i])
		}
	}
	b.WriteString(" ")
	b.WriteString(last)
	return strings.TrimRight(b.String(), " ")
}

// clip cuts a live progress line to n columns: it is redrawn ten times a
// second and must never wrap, or \r would no longer return over it.
func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}
