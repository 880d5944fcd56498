// Package hibernationdemo measures package hibernation for cmd/demo: 100
// resources checked one after the other, in slide 19's batches and in a
// sliding window, with the counters checked against the truth.
package hibernationdemo

import (
	"context"
	"fmt"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/hibernation"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/render"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/workerpool"
)

// Run measures the hibernation check: --items resources (default 100, any
// count: 97 works), checked one after the other, in batches of --workers
// (default 10) and in a sliding window of --workers. It returns the
// context's error if ctx is done first; the counts so far are then in the
// notice, marked partial.
func Run(ctx context.Context, env report.Env) error {
	n, size := env.ItemsOr(Resources), env.WorkersOr(BatchSize)
	return measure(ctx, env, newResources(env.Seed, n, env.Scale, CheckTime, Jitter), size, env.Scaled(CheckTime))
}

// checkFunc is one resource's check, as the shapes call it.
type checkFunc = func(context.Context, Resource) (hibernation.Verdict, error)

// variant is one way of running the checks.
type variant struct {
	name  string
	role  report.Role
	limit int
	notes string
	run   func(ctx context.Context, rs []Resource, size int, fn checkFunc) []workerpool.Result[hibernation.Verdict]
}

func variants(size int) []variant {
	return []variant{
		{"sequential", report.Bad, 1, "one check after the other", sequential},
		{"batches", report.Slide, size, fmt.Sprintf("slide 19: batches of %d, a WaitGroup each; the last batch short", size),
			workerpool.Batches[Resource, hibernation.Verdict]},
		{"window", report.Fix, size, fmt.Sprintf("a sliding window of %d (errgroup.SetLimit)", size),
			workerpool.Window[Resource, hibernation.Verdict]},
	}
}

// sequential checks one resource at a time, the "before" of slide 20: a
// window of one.
func sequential(ctx context.Context, rs []Resource, _ int, fn checkFunc) []workerpool.Result[hibernation.Verdict] {
	return workerpool.Window(ctx, rs, 1, fn)
}

// measure runs every variant over rs with fresh counters and compares the
// counts with the truth. check is a call's time before jitter, scaled.
func measure(ctx context.Context, env report.Env, rs []Resource, size int, check time.Duration) error {
	n := len(rs)
	sc := env.Rec.Scenario("hibernation", "18-20",
		fmt.Sprintf("hibernation check: %s, one ~%s API call each", render.Plural(n, "resource"), render.DurOf(check)), n)
	sc.Claim(report.Claim{Operation: "Hibernation check (100 resources)",
		Before: "sequential", After: "batches", SlideClaim: "5s -> 500ms (10x)"})
	lat := latencies(rs)
	facts := render.HibernationFacts{Size: size, Truth: truth(rs)}
	for _, v := range variants(size) {
		var c hibernation.Counter
		spec := report.Spec{Name: v.name, Role: v.role, Limit: min(v.limit, max(n, 1)), Bound: report.Bound(lat, v.limit), Notes: v.notes}
		sc.Measure(ctx, spec, func(ctx context.Context, p *report.Probe) []error {
			check := report.Track(p, func(ctx context.Context, r Resource) (hibernation.Verdict, error) {
				verdict, err := checkNode(ctx, r)
				if err == nil {
					c.Record(verdict)
				}
				return verdict, err
			})
			errs := report.Errors(v.run(ctx, rs, v.limit, check))
			// Counts that are not the truth say so on their row.
			switch cs := c.Counts(); {
			case ctx.Err() != nil:
				p.Note("partial: " + render.HibernationCounts(cs))
			case cs != facts.Truth:
				p.Note("MISMATCH: " + render.HibernationCounts(cs))
			}
			return errs
		})
		facts.Counted = append(facts.Counted, render.Counted{Name: v.name, Counts: c.Counts(), Partial: ctx.Err() != nil})
		if err := ctx.Err(); err != nil {
			break
		}
	}
	facts.Variants = sc.Variants()
	sc.Notice(render.Hibernation(facts))
	return ctx.Err()
}
