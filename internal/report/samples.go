package report

import "time"

// MaxSamples is the most samples a variant keeps. A longer run keeps the
// same number on a coarser grid, each the peak of the samples it merged,
// so a spike shorter than the grid still shows.
const MaxSamples = 240

// Samples is a variant's goroutines and items in flight over time, taken
// every EveryMS milliseconds from the variant's start.
type Samples struct {
	EveryMS    float64 `json:"every_ms"`
	Goroutines []int   `json:"goroutines"`
	Inflight   []int   `json:"inflight"`
}

// series builds Samples on a grid that coarsens as the run grows. Only the
// sampler goroutine touches it while the variant runs.
type series struct {
	every  time.Duration // the grid now
	stride int           // raw ticks per grid step: every / SampleEvery
	ticks  int           // raw ticks into the current step
	g, in  []int
}

func newSeries(every time.Duration) *series {
	return &series{every: every, stride: 1}
}

// add records one raw tick. It starts a new step every stride ticks and
// keeps the peak within a step.
func (s *series) add(g, in int) {
	if s.ticks == 0 {
		s.g, s.in = append(s.g, g), append(s.in, in)
	} else {
		last := len(s.g) - 1
		s.g[last], s.in[last] = max(s.g[last], g), max(s.in[last], in)
	}
	s.ticks++
	if s.ticks == s.stride {
		s.ticks = 0
	}
	if len(s.g) == MaxSamples && s.ticks == 0 {
		s.halve()
	}
}

// halve merges neighbouring steps, doubling the grid.
func (s *series) halve() {
	n := len(s.g) / 2
	for i := range n {
		s.g[i] = max(s.g[2*i], s.g[2*i+1])
		s.in[i] = max(s.in[2*i], s.in[2*i+1])
	}
	s.g, s.in = s.g[:n], s.in[:n]
	s.every *= 2
	s.stride *= 2
}

// samples returns the series spread over the variant's measured wall time:
// a busy machine delays ticks (a Ticker drops the ones it cannot deliver),
// so the nominal grid would draw a run shorter than it was.
func (s *series) samples(wallMS float64) *Samples {
	every := ms(s.every)
	if len(s.g) > 0 && wallMS > 0 {
		every = wallMS / float64(len(s.g))
	}
	return &Samples{EveryMS: every, Goroutines: s.g, Inflight: s.in}
}
