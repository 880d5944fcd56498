// Package render writes every word and picture of the demo: the tables
// and their rows as variants end, the line to notice under each table
// (from the facts a scenario measured), sparklines, the slide-24 table and
// the SVG charts. Scenarios measure and never format; cmd/demo parses flags
// and hands the run to a [Text] or to the JSON report.
//
// One duration format ([Dur]) and one plural ([Plural]) serve every line.
package render

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// Dur renders a time in milliseconds for the back row: 59µs, 412ms,
// 2.01s, 25.1s, 3m05s, 1h02m; a round figure stays round (3s, 1.5s).
func Dur(ms float64) string {
	switch {
	case ms < 1:
		return fmt.Sprintf("%.0fµs", ms*1000)
	case ms < 999.5:
		return fmt.Sprintf("%.0fms", ms)
	case ms < 9995:
		return trimZeros(fmt.Sprintf("%.2f", ms/1000)) + "s"
	case ms < 59950:
		return trimZeros(fmt.Sprintf("%.1f", ms/1000)) + "s"
	}
	s := int64(math.Round(ms / 1000))
	if s < 3600 {
		return fmt.Sprintf("%dm%02ds", s/60, s%60)
	}
	return fmt.Sprintf("%dh%02dm", s/3600, s%3600/60)
}

// trimZeros drops the zeros after a decimal point, and the point if none
// is left: "3.00" is "3", "1.50" is "1.5".
func trimZeros(s string) string {
	if !strings.Contains(s, ".") {
		return s
	}
	return strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
}

// DurOf is Dur of a time.Duration.
func DurOf(d time.Duration) string { return Dur(float64(d) / float64(time.Millisecond)) }

// Plural is "1 cluster" or "5 clusters"; words whose plural is not an -s
// give it: Plural(2, "batch", "batches").
func Plural(n int, word string, plural ...string) string {
	if n == 1 {
		return "1 " + word
	}
	if len(plural) > 0 {
		return fmt.Sprintf("%d %s", n, plural[0])
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// Wrap breaks s at spaces into lines of at most n characters, indenting
// every line after the first (the indent counts in n); a word longer than
// the line stands alone.
func Wrap(s string, n int, indent string) string {
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
