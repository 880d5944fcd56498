package report

import (
	"context"
	"io"
	"runtime/trace"
	"testing"
)

// trackUntraced is Track as it was before items became trace regions: the
// baseline the cost of tracing is measured against.
func trackUntraced[T, R any](p *Probe, fn func(context.Context, T) (R, error)) func(context.Context, T) (R, error) {
	return func(ctx context.Context, item T) (R, error) {
		p.Begin()
		defer p.End()
		return fn(ctx, item)
	}
}

// BenchmarkTrack is the cost of measuring one item: without regions, with
// regions while no trace is written (every run without --trace), and with
// regions while a trace is written (to io.Discard: the encoding, not the
// disk). The first two should not differ by more than the noise.
func BenchmarkTrack(b *testing.B) {
	work := func(_ context.Context, i int) (int, error) { return i, nil }
	run := func(b *testing.B, track func(*Probe, func(context.Context, int) (int, error)) func(context.Context, int) (int, error)) {
		p := newProbe(b.N)
		ctx, end := traceTask(b.Context(), "bench")
		defer end()
		fn := track(p, work)
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			_, _ = fn(ctx, i)
		}
	}
	b.Run("untraced", func(b *testing.B) { run(b, trackUntraced[int, int]) })
	b.Run("trace-off", func(b *testing.B) { run(b, Track[int, int]) })
	b.Run("trace-on", func(b *testing.B) {
		if err := trace.Start(io.Discard); err != nil {
			b.Skip("a trace is already being written:", err)
		}
		defer trace.Stop()
		run(b, Track[int, int])
	})
}
