package cli

import (
	"os"
	"testing"

	"go.uber.org/goleak"
)

// envMain makes the test binary act as the demo itself, so a test can run
// the real main (signals, exit status) in a child process.
const envMain = "GO_CONCURRENCY_EXAMPLES_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(envMain) == "1" {
		Main()
		return
	}
	goleak.VerifyTestMain(m)
}
