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
// variant the moment it is measured, the line to notice, and the slide-24
// table at the end. It is the report.Observer of a run without --json.
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

	// The scenario's highest goroutine and in-flight peaks so far: the
	// common scale of its sparklines. Touched on the scenario's goroutine only.
	topG, topIn int
}

// NewText returns a Text that writes to w: with live progress when term is
// set (w is a terminal), in colour when color is.
func NewText(w io.Writer, term, color bool) *Text {
	return &Text{w: w, term: term, color: color}
}

// width is the projector's: every line but a long note fits in it.
const width = 100

var columns = []struct {
	title string
	width int
	right bool
}{
	{"variant", 14, false}, {"wall", 7, true}, {"bound", 7, true}, {"best%", 6, true},
	{"goroutines", 11, true}, {"in-flight", 10, true}, {"ok", 8, true}, {"failed", 8, true},
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
}

// ScenarioStart prints the heading and the column titles.
func (t *Text) ScenarioStart(p report.Pattern) {
	t.topG, t.topIn = 0, 0
	slides := "slides"
	if !strings.ContainsAny(p.Slides, "-,") {
		slides = "slide"
	}
	head := Wrap(fmt.Sprintf("== %s (%s %s): %s", p.Pattern, slides, p.Slides, p.Scenario), width, "   ")
	t.printf("\n%s\n%s\n", t.paint(cyan, head), t.paint(dim, t.row(titles(), "notes")))
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
	select {
	case <-time.After(time.Second):
	case <-quit:
		return
	}
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	shown := false
	for {
		t.printf("\r  %-14s running: %d/%d done, %d in flight, %d goroutines now\x1b[K",
			name, probe.Done(), probe.Items(), probe.Inflight(), goroutinesNow())
		shown = true
		select {
		case <-tick.C:
		case <-quit:
			if shown {
				t.printf("\r\x1b[K")
			}
			return
		}
	}
}

// VariantEnd prints the variant's row. Its notes follow on the same line
// when they fit the projector's width, else on the next line.
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
	cells := []string{v.Name, Dur(v.WallMS), bound, best,
		fmt.Sprint(v.PeakGoroutines), fmt.Sprint(v.PeakInflight), fmt.Sprint(v.OK), fmt.Sprint(v.Failed)}
	line := t.row(cells, "")
	switch {
	case notes == "":
	case !t.term || len(line)+2+len(notes) <= width:
		line += "  " + notes
	default:
		line += "\n      " + Wrap(notes, width-6, "      ")
	}
	color := green
	if v.Failed > 0 {
		color = red
	}
	t.printf("%s\n", t.paint(color, line))
	if v.Samples != nil {
		t.topG = max(t.topG, maxOf(v.Samples.Goroutines))
		t.topIn = max(t.topIn, maxOf(v.Samples.Inflight))
		t.printf("%s\n", t.paint(dim, sparklines(v, t.topG, t.topIn)))
	}
}

func joinNotes(a, b string) string {
	if b == "" {
		return a
	}
	return a + "; " + b
}

// Notice prints the line to notice under the table, wrapped to the
// projector's width.
func (t *Text) Notice(p report.Pattern, line string) {
	t.printf("%s %s\n", t.paint(yellow, "->"), Wrap(line, width-3, "   "))
}

// Announce prints a line that belongs to no table.
func (t *Text) Announce(line string) {
	t.printf("%s\n", t.paint(yellow, line))
}

// Finish prints the end of the run: the slide-24 table, if the run
// measured any of its rows.
func (t *Text) Finish(r report.Report) {
	if r.Interrupted {
		t.printf("\n%s\n", t.paint(red, "Interrupted: the figures above are what was measured before Ctrl-C."))
	}
	if len(r.Summary) > 0 {
		t.printf("\n%s\n", t.paint(cyan, "== Slide 24, measured in this run"))
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
