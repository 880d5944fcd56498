package render

import "runtime"

// ANSI colours, used only when Text.color is set.
const (
	bold   = "1"
	dim    = "2"
	red    = "31"
	green  = "32"
	yellow = "33"
	cyan   = "36"
)

// paint wraps s in a colour when colour is on. Whole lines are painted, so
// the escape codes never upset the column widths.
func (t *Text) paint(code, s string) string {
	if !t.color || code == "" {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

func goroutinesNow() int { return runtime.NumGoroutine() }
