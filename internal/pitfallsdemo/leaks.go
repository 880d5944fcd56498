package pitfallsdemo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"
)

// The runtime's goroutine leak profile, next to each leaking pitfall: with
// GOEXPERIMENT=goroutineleakprofile, Run starts a child process per leaking
// shape (see leakchild.go) and adds to the row's notice what the runtime
// reported there, next to what goleak found. Without the experiment, it
// says once how to turn it on.

// leakChildTimeout bounds one child: it takes a few milliseconds, and
// goleak's retries under half a second, when nothing is wrong.
const leakChildTimeout = 30 * time.Second

// hasLeakShape reports whether the pitfall has a shape to show the
// runtime's leak profile on.
func hasLeakShape(pitfall string) bool {
	return slices.ContainsFunc(leakShapes, func(s leakShape) bool { return s.pitfall == pitfall })
}

// askRuntime runs the pitfall's shape in a child process and returns what
// the runtime and goleak found there. Cancelling ctx kills the child.
func askRuntime(ctx context.Context, pitfall string) (shapeResult, error) {
	exe, err := os.Executable()
	if err != nil {
		return shapeResult{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, leakChildTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe)
	cmd.Env = append(os.Environ(), leakChildEnv+"="+pitfall)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if ctx.Err() != nil {
			return shapeResult{}, ctx.Err()
		}
		return shapeResult{}, fmt.Errorf("%v: %s", err, strings.TrimSpace(stderr.String()))
	}
	var res shapeResult
	if err := json.Unmarshal(out, &res); err != nil {
		return shapeResult{}, fmt.Errorf("reading the child's answer: %w", err)
	}
	return res, nil
}

// leakNotice says what the runtime and goleak found in the slide's shape
// and in its fix, from what they reported.
func leakNotice(r shapeResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "the runtime's leak profile on the slide's own shape (no net, in a child process): %s",
		counted(r.Bad.Runtime, "leaked", " in "))
	if total(r.Bad.Runtime) == 0 && total(r.Bad.Goleak) > 0 {
		b.WriteString(" (the loop keeps running, it is not blocked: not a leak to the runtime)")
	}
	fmt.Fprintf(&b, "; goleak: %s; the fix: %d leaked, %d alive",
		counted(r.Bad.Goleak, "alive", " waiting in "), total(r.Fix.Runtime), total(r.Fix.Goleak))
	return b.String()
}

// counted is "0 leaked", "1 leaked: pitfallsdemo.f in sync.X" or, from
// several places, "3 leaked: 2 pitfallsdemo.f in sync.X, 1 pitfallsdemo.g".
func counted(cs []stackCount, word, in string) string {
	if total(cs) == 0 {
		return "0 " + word
	}
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = c.Func
		if c.Where != "" {
			parts[i] += in + c.Where
		}
		if len(cs) > 1 {
			parts[i] = fmt.Sprintf("%d %s", c.N, parts[i])
		}
	}
	return fmt.Sprintf("%d %s: %s", total(cs), word, strings.Join(parts, ", "))
}

// Said once per run of the pitfalls that included a leaking shape, each
// on one line of the width.
const (
	leakExperimentNote = "The goroutine leak profile is a Go 1.26 experiment: what it finds, and how it says it, may change."
	leakHowToNote      = "Built with GOEXPERIMENT=goroutineleakprofile (make leaks), this shows what the runtime finds leaked."
)
