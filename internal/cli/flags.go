package cli

import (
	"flag"
	"fmt"
	"io"
	"math"
	"os"
)

// options are the flags every pattern shares; patterns bind their own too.
type options struct {
	scale   float64
	seed    int64
	items   int
	workers int
	json    bool
	noColor bool
	step    bool
	serve   string
	svg     string
	trace   string
	pits    bool
	long    bool
}

// Limits that keep a typo from taking the machine down on stage.
const (
	minScale   = 0.01
	maxScale   = 10
	maxItems   = 100_000
	maxWorkers = 10_000
)

func newFlagSet(o *options) *flag.FlagSet {
	fs := flag.NewFlagSet("go-concurrency-examples", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are reported by run, in one line
	fs.Float64Var(&o.scale, "scale", 0.2, "multiply every simulated latency by `F` (1 = the slides' figures)")
	fs.Int64Var(&o.seed, "seed", 1, "seed of the simulated latencies: same seed, same work")
	fs.IntVar(&o.items, "items", 0, "number of items (pipelines, clusters, manifests, ...); default: the slide's")
	fs.IntVar(&o.workers, "workers", 0, "concurrency bound (batch size, workers, limit); default: the slide's")
	fs.BoolVar(&o.json, "json", false, "print one JSON report on stdout, nothing else")
	fs.BoolVar(&o.noColor, "no-color", false, "no colour (also when NO_COLOR is set or stdout is not a terminal)")
	fs.BoolVar(&o.step, "step", false, "presenter mode: wait for Enter before each variant (stdin a terminal)")
	fs.BoolVar(&o.long, "long", false, "run even when the inputs make the run take over 15 minutes")
	fs.BoolVar(&o.pits, "pitfalls", false, "after each pattern, run its slides' bugs for real (see: pitfalls)")
	fs.StringVar(&o.svg, "svg", "", "write one SVG chart per scenario (goroutines, in flight over time) into `DIR`")
	fs.StringVar(&o.trace, "trace", "", "write an execution trace into `FILE`: one task per variant, one region per item "+
		"(open it with go tool trace FILE, then User-defined tasks)")
	fs.StringVar(&o.serve, "serve", "", "run a pattern's server at `ADDR` (e.g. 127.0.0.1:8080) until Ctrl-C")
	return fs
}

// parseArgs parses flags wherever they stand among the pattern names: the
// flag package stops at the first non-flag, so parse again after each name.
func parseArgs(fs *flag.FlagSet, args []string) (names []string, err error) {
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return names, nil
		}
		names = append(names, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// validate checks the shared flags' values, before any work starts.
func (o options) validate(fs *flag.FlagSet) error {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	switch {
	case math.IsNaN(o.scale) || o.scale < minScale || o.scale > maxScale:
		return fmt.Errorf("--scale must be from %g to %d, not %v (below %g a simulated wait is shorter than the timers that run it)",
			minScale, maxScale, o.scale, minScale)
	case set["items"] && (o.items < 1 || o.items > maxItems):
		return fmt.Errorf("--items must be from 1 to %d, not %d", maxItems, o.items)
	case set["workers"] && (o.workers < 1 || o.workers > maxWorkers):
		return fmt.Errorf("--workers must be from 1 to %d, not %d", maxWorkers, o.workers)
	case set["svg"] && o.svg == "":
		return fmt.Errorf("--svg wants a folder")
	case set["trace"] && o.trace == "":
		return fmt.Errorf("--trace wants a file name, such as run.trace")
	case set["serve"] && o.serve == "":
		return fmt.Errorf("--serve wants HOST:PORT, such as 127.0.0.1:8080")
	}
	return nil
}

// useColor: colour only on a terminal, never with --no-color or a
// non-empty NO_COLOR (no-color.org: an empty one does not count).
func useColor(o options, term bool) bool {
	return term && os.Getenv("NO_COLOR") == "" && !o.noColor
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
