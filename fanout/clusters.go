package fanout

import (
	"context"
	"fmt"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
)

// tester is a connection test: a cluster's version, or why it failed.
type tester = func(context.Context, Cluster) (string, error)

// clusterVariant is one way of running the connection test over the fleet.
type clusterVariant struct {
	name  string
	limit int
	notes string
	run   func(ctx context.Context, cs []Cluster, limit int, test tester) []Result[string]
}

func clusterVariants(n, limit int) []clusterVariant {
	return []clusterVariant{
		{"sequential", 1, "one cluster after the other", sequential},
		{"sync-map", n, "slide 10: a goroutine per cluster, errors in a sync.Map", unlimited(testSyncMap)},
		{"by-index", n, "a goroutine per cluster, results[i] by index (slide 12)", unlimited(All[Cluster, string])},
		{"bounded", min(limit, n), fmt.Sprintf("errgroup.SetLimit(%d): a sliding window", min(limit, n)), bounded},
	}
}

// sequential tests the clusters one at a time: the "before" of slide 24.
func sequential(ctx context.Context, cs []Cluster, _ int, test tester) []Result[string] {
	rs := make([]Result[string], len(cs))
	for i, c := range cs {
		if ctx.Err() != nil {
			notStarted(ctx, rs[i:])
			break
		}
		rs[i] = call(ctx, test, c)
	}
	return rs
}

// unlimited adapts a fan-out without a limit to the variants' signature.
func unlimited(f func(context.Context, []Cluster, tester) []Result[string]) func(context.Context, []Cluster, int, tester) []Result[string] {
	return func(ctx context.Context, cs []Cluster, _ int, test tester) []Result[string] {
		return f(ctx, cs, test)
	}
}

// bounded is the fan-out for thousands of clusters: [Limit].
func bounded(ctx context.Context, cs []Cluster, limit int, test tester) []Result[string] {
	rs, err := Limit(ctx, cs, limit, test)
	if err != nil { // a bad limit: every cluster fails with it
		rs = make([]Result[string], len(cs))
		for i := range rs {
			rs[i].Err = err
		}
	}
	return rs
}

// runClusters measures the cluster connection test: items are clusters,
// and every cluster's outcome (its version, or its error) is its item's.
func runClusters(ctx context.Context, env report.Env) error {
	n := env.ItemsOr(Clusters)
	limit := clusterLimit(env, n)
	f := newFleet(env, n)
	sc := env.Rec.Scenario("fanout", "10",
		fmt.Sprintf("test the connection to %d %s, %v connect timeout each", n, plural(n, "cluster"), f.timeout), n)
	sc.Claim(report.Claim{Operation: "Cluster connection test (50 clusters)",
		Before: "sequential", After: "sync-map", SlideClaim: "25s -> 3s (8.3x)"})
	tasks := f.durations()
	got := map[string][]error{} // each measured variant's errors, for the notice
	for _, v := range clusterVariants(n, limit) {
		if v.name == "sequential" && f.sequentialTooLong() {
			continue // said in the notice
		}
		spec := report.Spec{Name: v.name, Limit: v.limit, Bound: report.Bound(tasks, v.limit), Notes: v.notes}
		sc.Measure(ctx, spec, func(ctx context.Context, p *report.Probe) []error {
			errs := Errors(v.run(ctx, f.clusters, v.limit, tracked(p, f.test)))
			got[v.name] = errs
			if late := timedOutAnyway(f, errs); len(late) > 0 {
				p.Note(fmt.Sprintf("%d reachable timed out: %s", len(late), names(late, 3)))
			}
			return errs
		})
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	sc.Notice(clusterNotice(sc.Variants(), f, got))
	return nil
}

// tracked counts every call of fn on p: the scenario's view of the pattern.
func tracked[T, R any](p *report.Probe, fn func(context.Context, T) (R, error)) func(context.Context, T) (R, error) {
	return func(ctx context.Context, item T) (R, error) {
		p.Begin()
		defer p.End()
		return fn(ctx, item)
	}
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
