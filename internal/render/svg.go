package render

import (
	"fmt"
	"html"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
)

// WriteSVGs writes one chart per scenario into dir, and slide24.svg when
// the run measured rows of slide 24: pictures for a slide, made from what
// this run measured. It returns the files written.
func WriteSVGs(dir string, r report.Report) ([]string, error) {
	var files []string
	write := func(name string, draw func(io.Writer) error) error {
		path := filepath.Join(dir, name)
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		err = draw(f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		files = append(files, path)
		return nil
	}
	seen := map[string]int{}
	for _, p := range r.Patterns {
		seen[p.Pattern]++
		if err := write(fmt.Sprintf("%s-%d.svg", p.Pattern, seen[p.Pattern]), func(w io.Writer) error { return writeSVG(w, p) }); err != nil {
			return files, err
		}
	}
	if len(r.Summary) > 0 {
		if err := write("slide24.svg", func(w io.Writer) error { return writeSlide24(w, r) }); err != nil {
			return files, err
		}
	}
	return files, nil
}

// The charts' geometry, in SVG user units. A chart is meant to fill a
// slide: its smallest text is 1/50 of its width, readable from the back of
// a room.
const (
	chartW    = 1200
	minText   = 24 // chartW / 50
	laneH     = 110
	laneGap   = 26
	plotX0    = 270 // left of the plot: the lanes' names
	plotX1    = 850 // right of the plot: the outcomes
	outcomeX  = 870
	headerH   = 150
	axisH     = 80
	plotWidth = plotX1 - plotX0
)

// Colours: the Okabe-Ito palette, which stays apart for the common kinds
// of colour blindness; each role also has its own dash, so print and
// grey-scale keep them apart too.
var roleStyle = map[report.Role]struct{ fill, stroke, dash, text string }{
	report.Bad:   {"#E69F00", "#A34A00", "10 6", "#A34A00"},
	report.Slide: {"#56B4E9", "#0060A0", "3 5", "#0060A0"},
	report.Fix:   {"#009E73", "#006B4E", "", "#006B4E"},
	"":           {"#BBBBBB", "#555555", "", "#444444"},
}

const failText = "#B00020" // a failure's words: 7:1 on white

func esc(s string) string { return html.EscapeString(s) }

// slidesOf is "slide 10" or "slides 8-10".
func slidesOf(s string) string {
	if strings.ContainsAny(s, "-,") {
		return "slides " + s
	}
	return "slide " + s
}

// writeSVG draws one scenario: a lane per variant, all on one time axis
// trimmed to the longest variant, each filled with its items in flight to
// the height of its own limit, ending in its outcome. A variant that
// failed items it should not have is hatched and says so; the moments
// that matter are marked where they happened.
func writeSVG(w io.Writer, p report.Pattern) error {
	longest := 0.0
	for _, v := range p.Variants {
		longest = max(longest, v.WallMS)
	}
	axis := niceEnd(longest)
	h := headerH + len(p.Variants)*(laneH+laneGap) + axisH
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="Helvetica, Arial, sans-serif">`+"\n",
		chartW, h, chartW, h)
	b.WriteString(`<defs><pattern id="hatch" width="12" height="12" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">` +
		`<rect width="12" height="12" fill="#F4C7A1"/><line x1="0" y1="0" x2="0" y2="12" stroke="#B00020" stroke-width="5"/></pattern></defs>` + "\n")
	b.WriteString(`<rect width="100%" height="100%" fill="white"/>` + "\n")
	fmt.Fprintf(&b, `<text x="20" y="46" font-size="34" font-weight="bold">%s (%s)</text>`+"\n", esc(p.Pattern), esc(slidesOf(p.Slides)))
	for i, line := range strings.Split(Wrap(p.Scenario, 86, ""), "\n") {
		if i < 2 {
			fmt.Fprintf(&b, `<text x="20" y="%d" font-size="%d">%s</text>`+"\n", 84+i*30, minText, esc(line))
		}
	}
	fmt.Fprintf(&b, `<text x="20" y="%d" font-size="%d" fill="#444">items in flight, each lane to its own limit, one time axis; `+
		`hatched: failed</text>`+"\n", headerH-12, minText)

	for i, v := range p.Variants {
		lane(&b, v, headerH+i*(laneH+laneGap), axis)
	}

	// The time axis, under the last lane.
	y := headerH + len(p.Variants)*(laneH+laneGap)
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#333" stroke-width="2"/>`+"\n", plotX0, y-laneGap+6, plotX1, y-laneGap+6)
	for _, t := range ticks(axis) {
		x := plotX0 + t/axis*plotWidth
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#333" stroke-width="2"/>`+"\n", x, y-laneGap+6, x, y-laneGap+14)
		label := Dur(t)
		if t == 0 {
			label = "0"
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" font-size="%d" text-anchor="middle">%s</text>`+"\n", x, y+18, minText, esc(label))
	}
	fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="%d" fill="#444">time since the variant started</text>`+"\n", plotX0, y+52, minText)
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// lane draws one variant at y: its name and role, its items in flight over
// time up to its end, its marks, and its outcome.
func lane(b *strings.Builder, v report.Variant, y int, axis float64) {
	st := roleStyle[v.Role]
	failed := v.Unexpected() > 0
	fmt.Fprintf(b, `<g class="lane" data-variant="%s" data-role="%s">`+"\n", esc(v.Name), esc(string(v.Role)))
	nameSize := 28
	if len(v.Name) > 12 { // "unlimited+retry": it must end before the plot
		nameSize = minText
	}
	fmt.Fprintf(b, `<text x="20" y="%d" font-size="%d" font-weight="bold">%s</text>`+"\n", y+40, nameSize, esc(v.Name))
	role := string(v.Role)
	if role == "" {
		role = "-"
	}
	fmt.Fprintf(b, `<text x="20" y="%d" font-size="%d" font-weight="bold" fill="%s">%s</text>`+"\n", y+74, minText, st.text, esc(role))
	fmt.Fprintf(b, `<rect x="%d" y="%d" width="%d" height="%d" fill="#F6F6F6"/>`+"\n", plotX0, y, plotWidth, laneH)

	end := plotX0 + v.WallMS/axis*plotWidth
	if s := v.Samples; s != nil && len(s.Inflight) > 0 && axis > 0 {
		top := float64(max(v.Limit, v.PeakInflight, 1))
		fill := st.fill
		if failed {
			fill = "url(#hatch)"
		}
		fmt.Fprintf(b, `<polygon class="inflight" fill="%s" stroke="%s" stroke-width="3" stroke-dasharray="%s" points="%s"/>`+"\n",
			fill, st.stroke, st.dash, area(s.Inflight, s.EveryMS, plotX0, plotWidth, axis, top, y))
		// A run far shorter than the axis is a sliver: its shape (a
		// spike, a saw-tooth) is drawn again, zoomed, in the lane's
		// empty part, under its own small axis.
		if zx := int(end) + 40; v.WallMS > 0 && v.WallMS < 0.3*axis && plotX1-10-zx >= 260 {
			zw := plotX1 - 10 - zx
			fmt.Fprintf(b, `<rect class="zoom" x="%d" y="%d" width="%d" height="%d" fill="white" stroke="#999" stroke-dasharray="4 4"/>`+"\n",
				zx, y+34, zw, laneH-34)
			// At the box's right: a mark's label stands at the left.
			fmt.Fprintf(b, `<text x="%d" y="%d" font-size="%d" fill="#444" text-anchor="end">zoom: 0 to %s</text>`+"\n",
				zx+zw-6, y+26, minText, esc(Dur(v.WallMS)))
			fmt.Fprintf(b, `<polygon fill="%s" stroke="%s" stroke-width="2" stroke-dasharray="%s" points="%s"/>`+"\n",
				fill, st.stroke, st.dash, zoomArea(s.Inflight, s.EveryMS, zx, zw, v.WallMS, top, y))
		}
	}
	// The end of the run: a variant that ended early is short, not hidden.
	fmt.Fprintf(b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="%s" stroke-width="4"/>`+"\n", end, y-4, end, y+laneH+4, st.stroke)
	for k, m := range v.Marks {
		x := plotX0 + m.AtMS/axis*plotWidth
		fmt.Fprintf(b, `<line class="mark" x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="black" stroke-width="2" stroke-dasharray="6 4"/>`+"\n",
			x, y-8, x, y+laneH)
		anchor := "start"
		if x > plotX1-200 {
			anchor = "end"
		}
		// Each mark's label a line lower than the last, so two never overlap.
		fmt.Fprintf(b, `<text x="%.1f" y="%d" font-size="%d" text-anchor="%s" paint-order="stroke" stroke="white" stroke-width="6">%s</text>`+"\n",
			x+4, y+26+28*(k%3), minText, anchor, esc(m.What))
	}

	// The outcome, in words, where every lane ends the same way.
	first, colour := fmt.Sprintf("%d ok", v.OK), "black"
	n := v.OK + v.Failed
	switch {
	case v.Partial:
		first, colour = "interrupted", failText
	case failed:
		first, colour = fmt.Sprintf("%d/%d failed", v.Unexpected(), n), failText
	case v.Expected > 0:
		first = fmt.Sprintf("%d ok, %d expected", v.OK, v.Expected)
	}
	fmt.Fprintf(b, `<text class="outcome" x="%d" y="%d" font-size="28" font-weight="bold" fill="%s">%s</text>`+"\n", outcomeX, y+40, colour, esc(first))
	fmt.Fprintf(b, `<text x="%d" y="%d" font-size="%d">in %s, %d at once</text>`+"\n", outcomeX, y+74, minText, esc(Dur(v.WallMS)), v.PeakInflight)
	b.WriteString("</g>\n")
}

// area is a closed step shape through the samples, scaled into a lane at y
// whose height stands for top, on x from x0 (0 ms) to x0+w (axis ms).
func area(vals []int, everyMS float64, x0, w int, axis, top float64, y int) string {
	return shape(vals, everyMS, x0, w, axis, top, float64(y+laneH), laneH-8)
}

// zoomArea is area in the zoom box of a lane at y: 0 to wall ms over w.
func zoomArea(vals []int, everyMS float64, x0, w int, wall, top float64, y int) string {
	return shape(vals, everyMS, x0, w, wall, top, float64(y+laneH), laneH-40)
}

func shape(vals []int, everyMS float64, x0, w int, axis, top, base, height float64) string {
	xOf := func(i int) float64 { return float64(x0) + min(float64(i)*everyMS/axis, 1)*float64(w) }
	yOf := func(v int) float64 { return base - float64(v)/top*height }
	var b strings.Builder
	fmt.Fprintf(&b, "%.1f,%.1f", xOf(0), base)
	for i, v := range vals {
		fmt.Fprintf(&b, " %.1f,%.1f %.1f,%.1f", xOf(i), yOf(v), xOf(i+1), yOf(v))
	}
	fmt.Fprintf(&b, " %.1f,%.1f", xOf(len(vals)), base)
	return b.String()
}

// niceEnd is the end of an axis that covers v, trimmed to the data: v
// itself rounded up to two significant figures (1.06 s, not 2 s).
func niceEnd(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v))-1)
	return math.Ceil(v/p) * p
}

// ticks are round values from 0 up to end: about five, at 1, 2, 2.5 or 5
// times a power of ten.
func ticks(end float64) []float64 {
	raw := end / 5
	pow := math.Pow(10, math.Floor(math.Log10(raw)))
	step := pow * 10
	for _, m := range []float64{1, 2, 2.5, 5} {
		if m*pow >= raw {
			step = m * pow
			break
		}
	}
	var out []float64
	for t := 0.0; t <= end*1.0001; t += step {
		out = append(out, t)
	}
	return out
}
