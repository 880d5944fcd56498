package cli

import (
	"os"
	"testing"

	"go.uber.org/goleak"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/pitfallsdemo"
)

// envMain makes the test binary act as the demo itself, so a test can run
// the real main (signals, exit status) in a child process.
const envMain = "GO_CONCURRENCY_EXAMPLES_RUN_MAIN"

func TestMain(m *testing.M) {
	if status, isChild := pitfallsdemo.LeakChild(os.Stdout); isChild {
		os.Exit(status) // a leak shape for the pitfalls' leak profile
	}
	if os.Getenv(envMain) == "1" {
		Main()
		return
	}
	goleak.VerifyTestMain(m)
}
