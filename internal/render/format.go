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
	"strings"
	"time"
)

// Dur renders a measured time in milliseconds for the back row: 59µs,
// 412ms, 2.01s, 25.1s.
func Dur(ms float64) string {
	switch {
	case ms < 1:
		return fmt.Sprintf("%.0fµs", ms*1000)
	case ms < 1000:
		return fmt.Sprintf("%.0fms", ms)
	case ms < 10_000:
		return fmt.Sprintf("%.2fs", ms/1000)
	}
	return fmt.Sprintf("%.1fs", ms/1000)
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
// every line after the first; a word longer than n stands alone.
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
