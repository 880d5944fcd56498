// Package workerpooldemo measures package workerpool for cmd/demo: the CI
// auto-trigger of slide 6 against a simulated database connection pool,
// then a skewed workload where batches wait for their slowest member.
package workerpooldemo

import (
	"context"
	"fmt"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/render"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/sim"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/workerpool"
)

// The slide-6 world, at scale 1, built so the slides' figures come out: a
// trigger holds one connection of a pool of 10 for about 100 ms; a caller
// that waits longer than AcquireTimeout for a connection fails, as with a
// real pool. The timeout is longer than one trigger (so a bounded caller
// never fails) and shorter than two (so exactly two waves of 10 succeed
// when 100 goroutines ask at once).
const (
	Pipelines      = 100                    // CD pipelines one CI build triggers
	BatchSize      = 5                      // slide 5's batchSize; --workers changes it
	PoolSize       = 10                     // database connections
	TriggerTime    = 100 * time.Millisecond // one trigger's hold on a connection
	Jitter         = 0.05                   // ±5% per trigger, seeded
	AcquireTimeout = 150 * time.Millisecond

	// The skewed workload: most triggers are quick, one in ten is slow.
	FastTrigger = 50 * time.Millisecond
	SlowTrigger = 500 * time.Millisecond
	SlowShare   = 0.1
)

// Run measures the worker-pool scenarios: the CI auto-trigger of slide 6
// in four shapes, then a skewed workload where batches wait for their
// slowest member. It returns the context's error if ctx is done first.
func Run(ctx context.Context, env report.Env) error {
	n, workers := env.ItemsOr(Pipelines), env.WorkersOr(BatchSize)
	holds := sim.Scale(sim.Jittered(sim.NewRand(env.Seed), n, TriggerTime, Jitter), env.Scale)
	sc := env.Rec.Scenario("workerpool", "3, 5-7",
		fmt.Sprintf("CI build succeeded: trigger %d CD pipelines, DB pool of %d", n, PoolSize), n)
	sc.Claim(report.Claim{Operation: "CI Auto-trigger (100 pipelines)",
		Before: "unbounded", After: "batches", SlideClaim: "Crash -> 2s"})
	all := append([]shape{unbounded(n)}, bounded(workers)...)
	if err := measureShapes(ctx, env, sc, all, holds); err != nil {
		return err
	}
	sc.Notice(render.AutoTrigger(sc.Variants(), PoolSize))

	durs := sim.Scale(sim.Skewed(sim.NewRand(env.Seed), n, FastTrigger, SlowTrigger, SlowShare), env.Scale)
	if err := ctx.Err(); err != nil {
		return err
	}
	sc = env.Rec.Scenario("workerpool", "5-7", fmt.Sprintf("skewed: %d triggers, 1 in %.0f slow (%s vs %s)",
		n, 1/SlowShare, render.DurOf(env.Scaled(SlowTrigger)), render.DurOf(env.Scaled(FastTrigger))), n)
	if err := measureShapes(ctx, env, sc, bounded(workers), durs); err != nil {
		return err
	}
	sc.Notice(render.Skewed(sc.Variants(), PoolSize))
	return nil
}

// shape is one way of running the triggers, with its role and limit.
type shape struct {
	name  string
	role  report.Role
	limit int
	run   func(context.Context, []pipeline, int, func(context.Context, pipeline) (int, error)) []workerpool.Result[int]
}

func unbounded(n int) shape {
	return shape{"unbounded", report.Bad, n,
		func(ctx context.Context, ps []pipeline, _ int, fn func(context.Context, pipeline) (int, error)) []workerpool.Result[int] {
			return workerpool.Each(ctx, ps, fn)
		}}
}

func bounded(workers int) []shape {
	return []shape{
		{"batches", report.Slide, workers, workerpool.Batches[pipeline, int]},
		{"pool", report.Fix, workers, workerpool.Pool[pipeline, int]},
		{"window", report.Fix, workers, workerpool.Window[pipeline, int]},
	}
}

// pipeline is one CD pipeline to trigger; hold is how long its trigger
// keeps a database connection (already scaled).
type pipeline struct {
	id   int
	hold time.Duration
}

// trigger is one CD trigger: a database write on a connection from db,
// which returns the id of the workflow runner it created.
func trigger(db *sim.Pool) func(context.Context, pipeline) (int, error) {
	return func(ctx context.Context, p pipeline) (int, error) {
		if err := db.Hold(ctx, p.hold); err != nil {
			return 0, fmt.Errorf("trigger CD pipeline %d: %w", p.id, err)
		}
		return 1000 + p.id, nil
	}
}

// measureShapes runs every shape over the pipelines whose holds are given,
// each with a fresh database pool, and stops early if ctx is done.
func measureShapes(ctx context.Context, env report.Env, sc *report.Scenario, shapes []shape, holds []time.Duration) error {
	ps := make([]pipeline, len(holds))
	for i, d := range holds {
		ps[i] = pipeline{id: i + 1, hold: d}
	}
	for _, s := range shapes {
		db := sim.NewPool(PoolSize, env.Scaled(AcquireTimeout))
		spec := report.Spec{Name: s.name, Role: s.role, Limit: s.limit, Bound: report.Bound(holds, s.limit)}
		sc.Measure(ctx, spec, func(ctx context.Context, p *report.Probe) []error {
			return report.Errors(s.run(ctx, ps, s.limit, report.Track(p, trigger(db))))
		})
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return nil
}
