package render

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"text/template"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
)

// WriteSVGs writes one chart per scenario into dir: goroutines and items in
// flight over time, one line per variant, for pasting onto a slide.
func WriteSVGs(dir string, r report.Report) ([]string, error) {
	var files []string
	seen := map[string]int{}
	for _, p := range r.Patterns {
		seen[p.Pattern]++
		name := filepath.Join(dir, fmt.Sprintf("%s-%d.svg", p.Pattern, seen[p.Pattern]))
		f, err := os.Create(name)
		if err != nil {
			return files, err
		}
		err = writeSVG(f, p)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return files, fmt.Errorf("%s: %w", name, err)
		}
		files = append(files, name)
	}
	return files, nil
}

// Chart geometry, in SVG user units: two panels one above the other.
const (
	svgW, svgH     = 960, 600
	left, right    = 80, 200 // room for the y labels and the legend
	panelH, top    = 200, 80
	panelGap       = 70
	svgPlotW       = svgW - left - right
	legendX        = svgW - right + 20
	svgLineColours = "#1f77b4 #d62728 #2ca02c #ff7f0e #9467bd #8c564b"
)

type svgPanel struct {
	Title  string
	Y      int // top of the panel
	Bottom int // baseline of the x-axis labels
	Max    int
	Ticks  []svgTick
	Series []svgSeries
}

type svgTick struct {
	Y     float64
	Label string
}

type svgSeries struct {
	Name, Colour, Points string
	LegendY              int
}

type svgChart struct {
	W, H, Left, PlotW, PanelH, LegendX int
	Title, Subtitle, XLabel            string
	XTicks                             []svgXTick
	Panels                             []svgPanel
	Legend                             []svgSeries
}

type svgXTick struct {
	X     float64
	Label string
}

func writeSVG(w io.Writer, p report.Pattern) error {
	colours := strings.Fields(svgLineColours)
	longest := 0.0
	for _, v := range p.Variants {
		if v.Samples != nil {
			longest = max(longest, v.Samples.EveryMS*float64(len(v.Samples.Goroutines)))
		}
	}
	c := svgChart{W: svgW, H: svgH, Left: left, PlotW: svgPlotW, PanelH: panelH, LegendX: legendX,
		Title:    template.HTMLEscapeString(fmt.Sprintf("%s (slides %s)", p.Pattern, p.Slides)),
		Subtitle: template.HTMLEscapeString(p.Scenario),
		XLabel:   "time since the variant started (ms)"}
	xs := niceAxis(longest)
	longest = xs[len(xs)-1]
	for _, x := range xs {
		c.XTicks = append(c.XTicks, svgXTick{X: left + x/longest*svgPlotW, Label: fmt.Sprintf("%g", x)})
	}
	get := []func(*report.Samples) []int{
		func(s *report.Samples) []int { return s.Goroutines },
		func(s *report.Samples) []int { return s.Inflight },
	}
	for i, title := range []string{"goroutines", "items in flight"} {
		y := top + i*(panelH+panelGap)
		panel := svgPanel{Title: title, Y: y, Bottom: y + panelH + 18}
		for _, v := range p.Variants {
			if v.Samples != nil {
				panel.Max = max(panel.Max, maxOf(get[i](v.Samples)))
			}
		}
		ys := niceAxis(float64(panel.Max))
		panel.Max = int(ys[len(ys)-1])
		for _, y := range ys {
			panel.Ticks = append(panel.Ticks, svgTick{Y: float64(panel.Y) + (1-y/float64(panel.Max))*panelH, Label: fmt.Sprintf("%g", y)})
		}
		for j, v := range p.Variants {
			if v.Samples == nil {
				continue
			}
			s := svgSeries{Name: template.HTMLEscapeString(v.Name), Colour: colours[j%len(colours)],
				Points: points(get[i](v.Samples), v.Samples.EveryMS, longest, panel.Max, panel.Y)}
			panel.Series = append(panel.Series, s)
			if i == 0 {
				s.LegendY = top + 20 + 26*len(c.Legend)
				c.Legend = append(c.Legend, s)
			}
		}
		c.Panels = append(c.Panels, panel)
	}
	return svgTemplate.Execute(w, c)
}

// niceAxis picks a round step (1, 2, 2.5 or 5 times a power of ten, at
// least 1) that covers v in about five ticks, and returns the tick values.
func niceAxis(v float64) []float64 {
	v = max(v, 1) // an empty panel still gets an axis, not a division by 0
	raw := max(v/5, 1)
	pow := math.Pow(10, math.Floor(math.Log10(raw)))
	step := pow * 10
	for _, m := range []float64{1, 2, 2.5, 5} {
		if m*pow >= raw {
			step = m * pow
			break
		}
	}
	ticks := []float64{0}
	for t := step; ticks[len(ticks)-1] < v; t += step {
		ticks = append(ticks, t)
	}
	return ticks
}

// points is a step line through the samples, scaled into a panel.
func points(vals []int, everyMS, longestMS float64, top, y0 int) string {
	var b strings.Builder
	xOf := func(i int) float64 { return left + float64(i)*everyMS/longestMS*svgPlotW }
	yOf := func(v int) float64 { return float64(y0) + (1-float64(v)/float64(top))*panelH }
	for i, v := range vals {
		fmt.Fprintf(&b, "%.1f,%.1f %.1f,%.1f ", xOf(i), yOf(v), xOf(i+1), yOf(v))
	}
	return strings.TrimSpace(b.String())
}

var svgTemplate = template.Must(template.New("svg").Parse(`<svg xmlns="http://www.w3.org/2000/svg" width="{{.W}}" height="{{.H}}" viewBox="0 0 {{.W}} {{.H}}" font-family="Helvetica, Arial, sans-serif">
<rect width="100%" height="100%" fill="white"/>
<text x="{{.Left}}" y="24" font-size="20" font-weight="bold">{{.Title}}</text>
<text x="{{.Left}}" y="44" font-size="14">{{.Subtitle}}</text>
{{range .Panels}}{{$p := .}}<g>
<text x="{{$.Left}}" y="{{.Y}}" dy="-8" font-size="16">{{.Title}}</text>
<rect x="{{$.Left}}" y="{{.Y}}" width="{{$.PlotW}}" height="{{$.PanelH}}" fill="none" stroke="#999"/>
{{range .Ticks}}<text x="{{$.Left}}" y="{{.Y}}" dx="-8" dy="5" font-size="13" text-anchor="end">{{.Label}}</text>
{{end}}{{range $.XTicks}}<text x="{{.X}}" y="{{$p.Bottom}}" font-size="13" text-anchor="middle">{{.Label}}</text>
{{end}}{{range .Series}}<polyline fill="none" stroke="{{.Colour}}" stroke-width="2.5" points="{{.Points}}"/>
{{end}}</g>
{{end}}<text x="{{.Left}}" y="{{.H}}" dy="-12" font-size="14">{{.XLabel}}</text>
{{range .Legend}}<text x="{{$.LegendX}}" y="{{.LegendY}}" font-size="16" fill="{{.Colour}}">&#9632; {{.Name}}</text>
{{end}}</svg>
`))
