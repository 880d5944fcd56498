package workerpool

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"
)

// parsePipelineConfig stands for caller code with a bug.
func parsePipelineConfig(m map[string]string) int {
	var stages []string
	return len(stages[len(m["name"])]) // panics: index out of range
}

// A recovered panic keeps its value and the stack at the panic, so a crash
// reporter can still say where it happened: the stack names the function
// that panicked, in every shape. A runtime error stays reachable through
// errors.As.
func TestPanicKeepsStack(t *testing.T) {
	for name, run := range all() {
		rs := run(t.Context(), seq(2), 2, func(_ context.Context, i int) (int, error) {
			if i == 1 {
				return parsePipelineConfig(map[string]string{"name": "canary"}), nil
			}
			return i, nil
		})
		if rs[0].Err != nil {
			t.Errorf("%s: item 0: %v", name, rs[0].Err)
		}
		var pe *PanicError
		if !errors.As(rs[1].Err, &pe) {
			t.Fatalf("%s: item 1: %v, want a *PanicError", name, rs[1].Err)
		}
		if !strings.Contains(string(pe.Stack), "workerpool.parsePipelineConfig(") {
			t.Errorf("%s: the stack does not name the panicking function:\n%s", name, pe.Stack)
		}
		var re runtime.Error
		if !errors.As(rs[1].Err, &re) || !strings.Contains(rs[1].Err.Error(), "index out of range [6] with length 0") {
			t.Errorf("%s: %v: the runtime error is not reachable", name, rs[1].Err)
		}
	}
}
