package main

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/distributed/internal/report"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/distributed/internal/scenario"
)

// textView renders a run for people, as the main module's does: a
// heading, a row per variant the moment it is measured (notes and a
// sparkline under it), the line to notice. It is the scenario.Observer of
// a run without --json.
//
// Rows use fixed column widths rather than text/tabwriter so each one can
// be printed as soon as its variant ends: on stage the table grows live.
type textView struct {
	w     io.Writer
	term  bool // live progress only on a terminal
	color bool

	mu sync.Mutex // guards w: the progress goroutine writes too

	topIn, topAck int // the scenario's peaks so far: the sparklines' common scale
}

func newTextView(w io.Writer, term, color bool) *textView {
	return &textView{w: w, term: term, color: color}
}

// width is the projector's: every line fits in it.
const width = 100

var columns = []struct {
	title string
	width int
	right bool
}{
	{"variant", 13, false}, {"wall", 6, true}, {"bound", 6, true}, {"best%", 5, true},
	{"in-flight", 9, true}, {"ok", 4, true}, {"failed", 6, true}, {"delivered", 9, true},
	{"redelivered", 11, true}, {"dup-prevented", 13, true}, {"lost", 4, true},
}

func (t *textView) printf(format string, args ...any) {
	t.mu.Lock()
	defer t.mu.Unlock()
	fmt.Fprintf(t.w, format, args...)
}

func (t *textView) start(o options, where string) {
	t.printf("%s scale %g (a trigger holds its connection %v), seed %d\n%s\n",
		t.paint(bold, "Go Concurrency at Scale: distributed,"), o.scale,
		time.Duration(float64(scenario.Hold)*o.scale), o.seed, wrap("NATS: "+where, width, "   "))
}

// ScenarioStart prints the heading and the column titles.
func (t *textView) ScenarioStart(p report.Pattern) {
	t.topIn, t.topAck = 0, 0
	// "6 (at scale)" reads "(slide 6, at scale)" in a heading.
	slides := strings.NewReplacer(" (", ", ", ")", "").Replace(p.Slides)
	head := wrap(fmt.Sprintf("== %s (slide %s): %s", p.Pattern, slides, p.Scenario), width, "   ")
	titles := make([]string, len(columns))
	for i, c := range columns {
		titles[i] = c.title
	}
	t.printf("\n%s\n%s\n", t.paint(cyan, head), t.paint(dim, row(titles)))
}

// VariantStart shows live progress on a terminal once a variant has run
// for a second; the returned end stops it and clears its line.
func (t *textView) VariantStart(name string, progress func() (done, inflight int)) (end func()) {
	if !t.term {
		return func() {}
	}
	quit := make(chan struct{}) // closed by end: the progress goroutine's exit
	exited := make(chan struct{})
	go func() {
		defer close(exited)
		t.progress(name, progress, quit)
	}()
	return func() {
		close(quit)
		<-exited
	}
}

func (t *textView) progress(name string, progress func() (int, int), quit <-chan struct{}) {
	select {
	case <-time.After(time.Second):
	case <-quit:
		return
	}
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		done, inflight := progress()
		t.printf("\r  %-13s running: %d done, %d in flight\x1b[K", name, done, inflight)
		select {
		case <-tick.C:
		case <-quit:
			t.printf("\r\x1b[K")
			return
		}
	}
}

// VariantEnd prints the variant's row, its notes wrapped under it, and
// its sparklines.
func (t *textView) VariantEnd(p report.Pattern, v report.Variant) {
	bound, best := dur(v.BoundMS), fmt.Sprintf("%.0f%%", 100*v.Efficiency())
	notes := v.Notes
	if v.Partial {
		bound, best, notes = "-", "-", joinNotes("INTERRUPTED", notes)
	}
	line := row([]string{v.Name, dur(v.WallMS), bound, best, fmt.Sprint(v.PeakInflight),
		fmt.Sprint(v.OK), fmt.Sprint(v.Failed), fmt.Sprint(v.Delivered), fmt.Sprint(v.Redelivered),
		fmt.Sprint(v.DuplicateEffectsPrevented), fmt.Sprint(v.Lost)})
	color := green
	if v.Failed > 0 || v.Lost > 0 || v.DuplicateEffects > 0 {
		color = red
	}
	t.printf("%s\n", t.paint(color, line))
	if notes != "" {
		t.printf("%s\n", t.paint(dim, "      "+wrap(notes, width-6, "      ")))
	}
	if s := v.Samples; s != nil && len(s.Inflight) > 0 {
		t.topIn = max(t.topIn, maxOf(s.Inflight))
		t.topAck = max(t.topAck, maxOf(s.AckPending))
		top := max(t.topIn, t.topAck) // one scale for both: the server's line sits above the handlers'
		t.printf("%s\n", t.paint(dim, fmt.Sprintf("      in-flight %s peak %-4d ack-pending %s peak %d",
			sparkline(s.Inflight, sparkWidth, top), v.PeakInflight, sparkline(s.AckPending, sparkWidth, top), v.PeakAckPending)))
	}
}

// Notice prints the line to notice, wrapped to the projector's width.
func (t *textView) Notice(p report.Pattern, line string) {
	t.printf("%s %s\n", t.paint(yellow, "->"), wrap(line, width-3, "   "))
}

// Announce prints a line that belongs to no table.
func (t *textView) Announce(line string) {
	t.printf("%s\n", t.paint(yellow, wrap(line, width, "    ")))
}

// finish says so when the run was cut short.
func (t *textView) finish(r report.Report) {
	if r.Interrupted {
		t.printf("\n%s\n", t.paint(red, "Interrupted: the figures above are what was measured before the signal."))
	}
}

// row lays cells out in the fixed columns.
func row(cells []string) string {
	var b strings.Builder
	b.WriteString("  ")
	for i, c := range columns {
		if c.right {
			fmt.Fprintf(&b, "%*s ", c.width, cells[i])
		} else {
			fmt.Fprintf(&b, "%-*s ", c.width, cells[i])
		}
	}
	return strings.TrimRight(b.String(), " ")
}

func joinNotes(a, b string) string {
	if b == "" {
		return a
	}
	return a + "; " + b
}

// wrap breaks s at spaces into lines of at most n characters, indenting
// every line after the first; a word longer than n stands alone.
func wrap(s string, n int, indent string) string {
	var b strings.Builder
	col := 0
	for i, w := range strings.Fields(s) {
		switch {
		case i == 0:
		case col+1+len([]rune(w)) > n:
			b.WriteString("\n" + indent)
			col = len([]rune(indent))
		default:
			b.WriteByte(' ')
			col++
		}
		b.WriteString(w)
		col += len([]rune(w))
	}
	return b.String()
}

// dur renders milliseconds for the back row: 412ms, 2.01s, 25.1s.
func dur(ms float64) string {
	switch {
	case ms < 999.5:
		return fmt.Sprintf("%.0fms", ms)
	case ms < 10_000:
		return fmt.Sprintf("%.2fs", ms/1000)
	}
	return fmt.Sprintf("%.1fs", ms/1000)
}
