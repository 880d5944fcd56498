// Package cli is the demo's command line: the flags, which patterns run,
// the exit statuses and the signals. cmd/demo and the repository's
// go-concurrency-examples.go (slide 30's "go run go-concurrency-examples.go")
// are both one call to Main.
package cli

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/pitfallsdemo"
)

// Main runs the demo with the process's arguments and exits with its
// status: 0, 1 when a pattern failed, 2 for bad input, 130 after Ctrl-C,
// 143 after SIGTERM.
func Main() {
	if status, isChild := pitfallsdemo.LeakChild(os.Stdout); isChild {
		os.Exit(status) // started by pitfalls to ask the runtime about one leak
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	go interrupts(cancel)
	os.Exit(run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// signalled is the cause of a run cancelled by a signal; run's exit status
// names the signal, as a shell would (130 for SIGINT, 143 for SIGTERM).
type signalled struct{ sig os.Signal }

func (s signalled) Error() string {
	if s.sig == os.Interrupt {
		return "interrupted by Ctrl-C"
	}
	return "stopped by " + strings.ToUpper(s.sig.String()[:1]) + s.sig.String()[1:]
}

// exitFor is the exit status for dying of sig: 128 + its number.
func exitFor(sig os.Signal) int {
	if n, ok := sig.(syscall.Signal); ok {
		return 128 + int(n)
	}
	return exitInterrupted
}

// interrupts turns the first SIGINT or SIGTERM into a cancellation of the
// running workload (run then prints what was measured and returns 130) and
// the second into an immediate exit, for a presenter who cannot wait. It is
// owned by main and ends with the process.
//
// A second signal within doubleSignal of the first is the same one twice
// (timeout, or a terminal, signalling both a process and its group), not
// a presenter's second Ctrl-C: it is ignored, so the report still prints.
func interrupts(cancel context.CancelCauseFunc) {
	sig := make(chan os.Signal, 2)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	got := <-sig
	first := time.Now()
	erase := ""
	if isTerminal(os.Stderr) {
		erase = "\r\x1b[K" // over the live progress line
	}
	fmt.Fprintln(os.Stderr, erase+"\ninterrupted: stopping the running workload (again to quit at once)")
	cancel(signalled{got})
	for again := range sig {
		if time.Since(first) > doubleSignal {
			os.Exit(exitFor(again))
		}
	}
}

const doubleSignal = 250 * time.Millisecond
