// Command go-concurrency-examples runs the patterns of the talk "Go
// Concurrency at Scale: Lessons from a Kubernetes Platform" against a
// simulated Kubernetes platform, and prints what each variant measured.
//
// Usage:
//
//	go-concurrency-examples [flags] [pattern ...]
//
// With no pattern it runs them all, in slide order, and ends with the
// slide-24 table. "list" names the patterns. Flags may come before or after
// the pattern names; -h lists them.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go interrupts(cancel)
	os.Exit(run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// interrupts turns the first SIGINT or SIGTERM into a cancellation of the
// running workload (run then prints what was measured and returns 130) and
// the second into an immediate exit, for a presenter who cannot wait. It is
// owned by main and ends with the process.
//
// A second signal within doubleSignal of the first is the same one twice
// (timeout, or a terminal, signalling both a process and its group), not
// a presenter's second Ctrl-C: it is ignored, so the report still prints.
func interrupts(cancel context.CancelFunc) {
	sig := make(chan os.Signal, 2)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
	first := time.Now()
	erase := ""
	if isTerminal(os.Stderr) {
		erase = "\r\x1b[K" // over the live progress line
	}
	fmt.Fprintln(os.Stderr, erase+"\ninterrupted: stopping the running workload (again to quit at once)")
	cancel()
	for range sig {
		if time.Since(first) > doubleSignal {
			os.Exit(exitInterrupted)
		}
	}
}

const doubleSignal = 250 * time.Millisecond
