package fanoutdemo

import (
	"context"
	"fmt"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/render"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/workerpool"
)

// tester is a connection test: a cluster's version, or why it failed.
type tester = func(context.Context, Cluster) (string, error)

// clusterVariant is one way of running the connection test over the fleet.
type clusterVariant struct {
	name  string
	role  report.Role
	limit int
	notes string
	run   func(ctx context.Context, cs []Cluster, limit int, test tester) []workerpool.Result[string]
}

func clusterVariants(n, limit int) []clusterVariant {
	return []clusterVariant{
		{"sequential", report.Bad, 1, "one cluster after the other", window},
		{"sync-map", report.Slide, n, "slide 10: a goroutine per cluster, errors in a sync.Map", unlimited(testSyncMap)},
		{"by-index", report.Fix, n, "workerpool.Each: a goroutine per cluster, results[i] by index (slide 12)",
			unlimited(workerpool.Each[Cluster, string])},
		{"bounded", report.Fix, min(limit, n), fmt.Sprintf("workerpool.Window(%d): a sliding window", min(limit, n)), window},
	}
}

// unlimited adapts a fan-out without a limit to the variants' signature.
func unlimited(f func(context.Context, []Cluster, tester) []workerpool.Result[string]) func(context.Context, []Cluster, int, tester) []workerpool.Result[string] {
	return func(ctx context.Context, cs []Cluster, _ int, test tester) []workerpool.Result[string] {
		return f(ctx, cs, test)
	}
}

// window is the sequential sweep (a window of 1) and the bounded one.
func window(ctx context.Context, cs []Cluster, limit int, test tester) []workerpool.Result[string] {
	return workerpool.Window(ctx, cs, limit, test)
}

// runClusters measures the cluster connection test: items are clusters,
// and every cluster's outcome (its version, or its error) is its item's.
// A cluster that is down failing with its connect timeout is the point of
// the scenario, marked expected.
func runClusters(ctx context.Context, env report.Env) error {
	n := env.ItemsOr(Clusters)
	limit := clusterLimit(env, n)
	f := newFleet(env, n)
	sc := env.Rec.Scenario("fanout", "10",
		fmt.Sprintf("test the connection to %s, %s connect timeout each", render.Plural(n, "cluster"), render.DurOf(f.timeout)), n)
	sc.Claim(report.Claim{Operation: "Cluster connection test (50 clusters)",
		Before: "sequential", After: "sync-map", SlideClaim: "25s -> 3s (8.3x)"})
	tasks := f.durations()
	facts := render.ClusterFacts{Timeout: f.timeout, Down: f.down(), SequentialBudget: SequentialBudget,
		Misfiled: map[string]string{}, Late: map[string][]string{}}
	for _, v := range clusterVariants(n, limit) {
		if v.name == "sequential" && f.sequentialTooLong() {
			facts.SequentialSkipped = true
			continue // said in the notice
		}
		spec := report.Spec{Name: v.name, Role: v.role, Limit: v.limit, Bound: report.Bound(tasks, v.limit), Notes: v.notes}
		sc.Measure(ctx, spec, func(ctx context.Context, p *report.Probe) []error {
			errs := report.Errors(v.run(ctx, f.clusters, v.limit, report.Track(p, f.test)))
			if bad := misfiled(f, errs); bad != "" {
				facts.Misfiled[v.name] = bad
			}
			if late := timedOutAnyway(f, errs); len(late) > 0 {
				facts.Late[v.name] = late
				p.Note(fmt.Sprintf("%d reachable timed out: %s", len(late), render.Names(late, 3)))
			}
			for i, c := range f.clusters {
				if c.down {
					errs[i] = report.Expected(errs[i])
				}
			}
			return errs
		})
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	facts.Variants = sc.Variants()
	sc.Notice(render.ClusterTest(facts))
	return nil
}
