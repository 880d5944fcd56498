package hibernation

import (
	"context"
	"fmt"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/task"
)

// Run measures the hibernation check for cmd/demo: --items resources
// (default 100, any count: 97 works), checked one after the other, in
// batches of --workers (default 10) and in a sliding window of --workers.
// It returns the context's error if ctx is done first; the counts so far
// are then in the notice, marked partial.
func Run(ctx context.Context, env report.Env) error {
	n, size := env.ItemsOr(Resources), env.WorkersOr(BatchSize)
	return measure(ctx, env, newResources(env.Seed, n, env.Scale, CheckTime, Jitter), size, env.Scaled(CheckTime))
}

// variant is one way of running the checks.
type variant struct {
	name  string
	limit int
	notes string
	run   func(ctx context.Context, rs []Resource, size int, fn func(context.Context, Resource) error) ([]error, error)
}

func variants(size int) []variant {
	return []variant{
		{"sequential", 1, "one check after the other", sequential},
		{"batches", size, fmt.Sprintf("slide 19: batches of %d, a WaitGroup each; the last batch short", size), Batches[Resource]},
		{"window", size, fmt.Sprintf("a sliding window of %d (semaphore.Weighted)", size), Window[Resource]},
	}
}

// sequential checks one resource at a time: the "before" of slide 20.
func sequential(ctx context.Context, rs []Resource, _ int, fn func(context.Context, Resource) error) ([]error, error) {
	errs := make([]error, len(rs))
	for i, r := range rs {
		if ctx.Err() != nil {
			task.MarkNotStarted(ctx, errs[i:])
			break
		}
		errs[i] = task.Do(ctx, fn, r)
	}
	return errs, nil
}

// counted is one variant's counts, for the notice.
type counted struct {
	name    string
	counts  Counts
	partial bool
}

// measure runs every variant over rs with fresh counters and compares the
// counts with the truth. check is a call's time before jitter, scaled.
func measure(ctx context.Context, env report.Env, rs []Resource, size int, check time.Duration) error {
	n := len(rs)
	sc := env.Rec.Scenario("hibernation", "18-20",
		fmt.Sprintf("hibernation check: %d %s, one ~%v API call each", n, plural(n, "resource"), check), n)
	sc.Claim(report.Claim{Operation: "Hibernation check (100 resources)",
		Before: "sequential", After: "batches", SlideClaim: "5s -> 500ms (10x)"})
	lat := latencies(rs)
	want := truth(rs)
	var got []counted
	for _, v := range variants(size) {
		var c Counter
		spec := report.Spec{Name: v.name, Limit: min(v.limit, max(n, 1)), Bound: report.Bound(lat, v.limit), Notes: v.notes}
		sc.Measure(ctx, spec, func(ctx context.Context, p *report.Probe) []error {
			check := func(ctx context.Context, r Resource) error {
				p.Begin()
				defer p.End()
				verdict, err := checkNode(ctx, r)
				if err != nil {
					return err
				}
				c.Record(verdict)
				return nil
			}
			errs, err := v.run(ctx, rs, v.limit, check)
			if err != nil { // a bad size: every check fails with it
				errs = make([]error, n)
				for i := range errs {
					errs[i] = err
				}
			}
			// Counts that are not the truth say so on their row.
			switch cs := c.Counts(); {
			case ctx.Err() != nil:
				p.Note("partial: " + counts(cs))
			case cs != want:
				p.Note("MISMATCH: " + counts(cs))
			}
			return errs
		})
		got = append(got, counted{v.name, c.Counts(), ctx.Err() != nil})
		if err := ctx.Err(); err != nil {
			sc.Notice(notice(sc.Variants(), got, want, size))
			return err
		}
	}
	sc.Notice(notice(sc.Variants(), got, want, size))
	return nil
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
