package pitfallsdemo

import (
	"os"
	"strings"
	"testing"
	"testing/synctest"

	"go.uber.org/goleak"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
)

func TestMain(m *testing.M) {
	if status, isChild := LeakChild(os.Stdout); isChild {
		os.Exit(status) // started by askRuntime: one leak shape, then out
	}
	goleak.VerifyTestMain(m)
}

// --pitfalls for one pattern runs just that pattern's pitfalls, each as a
// scenario whose items are all accounted for and whose notice says what
// went wrong.
func TestRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		env := report.NewEnv(1, 1, nil)
		if err := Run(t.Context(), env, "shutdown"); err != nil {
			t.Fatal(err)
		}
		ps := env.Rec.Report().Patterns
		if len(ps) != 2 || ps[0].Variants[0].Name != "abandoned send" || ps[0].Variants[0].Failed != requests ||
			!strings.HasPrefix(ps[0].Notice, "slide 14: 10 of 10 handlers returned") ||
			ps[1].Variants[0].Name != "no exit" || ps[1].Variants[0].Failed != 1 ||
			!strings.HasPrefix(ps[1].Notice, "slide 23: for { doWork() }") {
			t.Errorf("got %+v", ps)
		}
		if !For("workerpool") || !For("hibernation") || For("fanout") {
			t.Error("For names the wrong patterns")
		}
	})
}
