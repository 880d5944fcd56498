package fanoutdemo

import (
	"flag"
	"fmt"
)

// The values of --fail: which status call of the workflow-status scenario
// fails.
const (
	FailNone = "none"
	FailCI   = "ci"
	FailCD   = "cd"
)

// Options are fanout's own flags.
type Options struct {
	// Fail injects a failure into one call of the workflow-status
	// scenario: FailCI, FailCD, or FailNone (Run also takes "" as
	// FailNone; Validate refuses an empty --fail, which is a typo). With a
	// failure, the WaitGroup fan-out still waits for the other call; the
	// errgroup one returns the error at once.
	Fail string
}

// Bind registers fanout's flags on fs, with their defaults.
func (o *Options) Bind(fs *flag.FlagSet) {
	fs.StringVar(&o.Fail, "fail", FailNone,
		"fanout: make one workflow-status call fail: ci, cd or none")
}

// Validate reports a bad flag value in one line.
func (o Options) Validate() error {
	switch o.Fail {
	case FailNone, FailCI, FailCD:
		return nil
	}
	return fmt.Errorf("--fail %q: want ci, cd or none", o.Fail)
}
