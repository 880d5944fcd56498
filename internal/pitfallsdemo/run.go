// Package pitfallsdemo runs package pitfalls' broken shapes for cmd/demo,
// each as a scenario of one row whose notice says what went wrong.
package pitfallsdemo

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/pitfalls"
)

// pitfall is one broken shape as the demo runs it: a scenario of its own,
// with one row.
type pitfall struct {
	name    string // the row's name
	slide   string
	title   string
	pattern string // the pattern package whose --pitfalls runs it
	items   int    // what Finding.Items will be
	lost    string // what a lost item is, for the failure tally
	run     func(ctx context.Context, env report.Env) pitfalls.Finding
	memory  bool // the notice adds the goroutines and stack memory measured
}

// The sizes the demo runs the pitfalls at.
const (
	spawnN               = 10_000
	triggers, batch      = 100, 5
	failEvery            = 7
	resources, batch19   = 97, 10
	doneWorkers          = 5
	leakTick, leakSettle = 10 * time.Millisecond, 100 * time.Millisecond
	requests             = 10
	fetchWork            = 100 * time.Millisecond
	clientLeaves         = 50 * time.Millisecond
)

// all lists the pitfalls in slide order.
var all = []pitfall{
	{"spawn 10000", "3", "go processItem(item) for 10,000 items: nothing bounds or waits", "workerpool",
		spawnN, "outcome unknown", func(ctx context.Context, env report.Env) pitfalls.Finding {
			return pitfalls.SpawnUnbounded(ctx, spawnN, env.Scaled(500*time.Millisecond))
		}, true},
	{"shared err", "7", "err = handleCiSuccessEvent(...) from every goroutine of a batch", "workerpool",
		triggers, "error lost", func(context.Context, report.Env) pitfalls.Finding {
			return pitfalls.SharedErr(triggers, batch, failEvery)
		}, false},
	{"abandoned send", "14", "result <- fetch() into an unbuffered channel, after the client left", "shutdown",
		requests, "blocked forever", func(ctx context.Context, env report.Env) pitfalls.Finding {
			return pitfalls.AbandonedSend(ctx, requests, env.Scaled(fetchWork), env.Scaled(clientLeaves))
		}, false},
	{"index [i+j]", "19", "replicaNodes[i+j] with 97 resources in batches of 10", "hibernation",
		(resources + batch19 - 1) / batch19 * batch19, "panicked", func(context.Context, report.Env) pitfalls.Finding {
			return pitfalls.IndexPastEnd(resources, batch19)
		}, false},
	{"racy counter", "22", "counter++ from one goroutine per CPU, no synchronisation", "hibernation",
		racers() * perRacer, "update lost", func(context.Context, report.Env) pitfalls.Finding {
			return pitfalls.RacyCounter(racers(), perRacer)
		}, false},
	{"forgot Done", "23", "wg.Add(1) without wg.Done(): Wait never returns", "workerpool",
		doneWorkers, "never called Done", func(ctx context.Context, env report.Env) pitfalls.Finding {
			return pitfalls.ForgottenDone(ctx, doneWorkers, env.Scaled(50*time.Millisecond), env.Scaled(time.Second))
		}, false},
	{"no exit", "23", "go func() { for { doWork() } }(): no exit condition", "shutdown",
		1, "leaked", func(ctx context.Context, env report.Env) pitfalls.Finding {
			return pitfalls.NoExit(ctx, env.Scaled(leakTick), env.Scaled(leakSettle))
		}, false},
}

// racers is one racing goroutine per CPU the program may use, and at
// least two: more would only take turns.
// perRacer is enough updates to lose many, each with a yield in its
// window, and few enough that the race detector's run stays short.
var perRacer = 200_000 / (1 + 24*raceBuild())

// raceBuild is 1 in a -race build, whose instrumented counter is slower.
func raceBuild() int {
	if RaceEnabled {
		return 1
	}
	return 0
}

func racers() int { return max(2, runtime.GOMAXPROCS(0)) }

// For reports whether the pattern has pitfalls to show with --pitfalls.
func For(pattern string) bool {
	return slices.ContainsFunc(all, func(p pitfall) bool { return p.pattern == pattern })
}

// Run runs the pitfalls of the named patterns (all of them when none is
// named), each as a scenario of one row whose notice says what went wrong,
// and returns the context's error if it is cancelled first. In a build
// with GOEXPERIMENT=goroutineleakprofile the notice of each leaking one
// adds what the runtime's leak profile finds in the slide's shape (see
// leaks.go); without it, Run says once how to turn it on.
func Run(ctx context.Context, env report.Env, patterns ...string) error {
	leakShown := false // a leaking shape ran: say how the runtime sees leaks
	for _, p := range all {
		if len(patterns) > 0 && !slices.Contains(patterns, p.pattern) {
			continue
		}
		sc := env.Rec.Scenario("pitfalls", p.slide, p.title, p.items)
		var f pitfalls.Finding
		v := sc.Measure(ctx, report.Spec{Name: p.name, Role: report.Bad, Limit: p.items}, func(ctx context.Context, _ *report.Probe) []error {
			f = p.run(ctx, env)
			return outcomes(f, p.lost)
		})
		if err := ctx.Err(); err != nil {
			return err
		}
		what := f.What
		if p.memory {
			what += fmt.Sprintf("; their stacks took %.1f MiB more memory at the peak", v.PeakStackMiB)
		}
		if hasLeakShape(p.name) {
			leakShown = true
			if leakProfileBuilt {
				r, err := askRuntime(ctx, p.name)
				if ctx.Err() != nil {
					return ctx.Err()
				}
				if err != nil {
					what += "; the runtime's leak profile could not be read: " + err.Error()
				} else {
					what += "; " + leakNotice(r)
				}
			}
		}
		sc.Notice("slide " + p.slide + ": " + what)
	}
	switch {
	case leakShown && leakProfileBuilt:
		env.Rec.Announce(leakExperimentNote)
	case leakShown:
		env.Rec.Announce(leakHowToNote)
	}
	return nil
}

// outcomes turns a finding into one error per item: Lost of them fail.
func outcomes(f pitfalls.Finding, lost string) []error {
	errs := make([]error, f.Items)
	err := errors.New(lost)
	for i := range min(f.Lost, f.Items) {
		errs[i] = err
	}
	return errs
}
