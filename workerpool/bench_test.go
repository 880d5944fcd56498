package workerpool

import (
	"context"
	"testing"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/sim"
)

// The overhead of each bounded shape per item, on a task that does nothing:
// what the bookkeeping costs (go test -bench NoOp ./workerpool).
func BenchmarkNoOp(b *testing.B) {
	items := seq(1000)
	noop := func(context.Context, int) error { return nil }
	for name, run := range bounded {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, err := run(context.Background(), items, 8, noop); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(items)), "ns/item")
		})
	}
}

// The skewed workload in real time, scaled down: 100 items of 50µs with one
// in ten of 500µs, 5 at a time. Batches wait for the slowest of each batch.
func BenchmarkSkewed(b *testing.B) {
	durs := sim.Skewed(sim.NewRand(1), 100, 50*time.Microsecond, 500*time.Microsecond, 0.1)
	work := func(ctx context.Context, i int) error { return sim.Sleep(ctx, durs[i]) }
	for name, run := range bounded {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, err := run(context.Background(), seq(len(durs)), 5, work); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
