package cli

import (
	"fmt"
	"io"
	"os"
	"runtime/trace"
	"strings"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/render"
)

// --trace FILE: the run is written as one execution trace (runtime/trace).
// internal/report makes each variant a trace task and each item a region
// in it, so `go tool trace FILE` lists the variants under "User-defined
// tasks" and opens each one's timeline. The file is created while the
// command line is checked, so a name that cannot be written stops the run
// before any work; tracing starts just before the first pattern runs.

// createTrace creates the --trace file, or says in one line why it cannot.
func createTrace(name string) (*os.File, error) {
	f, err := os.Create(name)
	if err != nil {
		return nil, fmt.Errorf("--trace: %v", err)
	}
	return f, nil
}

// startTrace starts writing the execution trace into f. The returned stop
// ends it, closes f, and tells stderr how to open it; it returns the exit
// status the trace adds (exitFailed if it could not be written whole).
// With f nil there is no trace, and stop does nothing.
func startTrace(f *os.File, stderr io.Writer) (stop func() int, err error) {
	if f == nil {
		return func() int { return exitOK }, nil
	}
	if err := trace.Start(f); err != nil {
		// Only when something else traces this process already
		// (go test -trace): say so rather than write half a file.
		f.Close()
		os.Remove(f.Name())
		return nil, fmt.Errorf("--trace: %v", err)
	}
	return func() int {
		trace.Stop()
		st, statErr := f.Stat()
		if err := f.Close(); err != nil {
			fmt.Fprintf(stderr, "go-concurrency-examples: --trace: %v\n", err)
			return exitFailed
		}
		size := "?"
		if statErr == nil {
			size = sizeOf(st.Size())
		}
		// The command on a line of its own, whole, to copy.
		fmt.Fprintf(stderr, "%s\n    go tool trace %s\n%s\n",
			render.Wrap("wrote an execution trace ("+size+"), one task per variant and one region per item; open it with", render.Width, ""),
			shellQuote(f.Name()),
			render.Wrap(`then "User-defined tasks", a variant, and "(goroutine view)": its items on one timeline`,
				render.Width, ""))
		return exitOK
	}, nil
}

// shellQuote quotes name for a POSIX shell when it needs it.
func shellQuote(name string) string {
	if name != "" && strings.Trim(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./+=:,@%") == "" {
		return name
	}
	return "'" + strings.ReplaceAll(name, "'", `'\''`) + "'"
}

// sizeOf is a file size as a person reads it: 812 B, 17.3 KB, 2.4 MB.
func sizeOf(n int64) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case n < 1000*1000:
		return fmt.Sprintf("%.1f KB", float64(n)/1000)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/(1000*1000))
}
