package report

import (
	"context"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/workerpool"
)

// SampleEvery is how often a running variant's goroutines are sampled.
// Probe.Begin samples too, so a spike shorter than this is not missed.
const SampleEvery = time.Millisecond

// Probe watches one variant while it runs: items in flight, items done,
// retries, and the process's goroutines. Its methods are safe to call from
// any goroutine.
type Probe struct {
	items        int
	inflight     atomic.Int64
	peakInflight atomic.Int64
	done         atomic.Int64
	retries      atomic.Int64
	peakG        atomic.Int64
	peakStack    atomic.Uint64

	series *series // written by the sampler only; read after it stopped

	start time.Time // set by measure before run starts; read-only after

	mu       sync.Mutex // guards notes, watching and marks
	notes    []string
	watching time.Duration
	marks    []Mark
}

func newProbe(items int) *Probe { return &Probe{items: items} }

// Begin records that one item started. Pair every Begin with a deferred End.
// Item does both and also marks the item in the execution trace: prefer it.
func (p *Probe) Begin() {
	storeMax(&p.peakInflight, p.inflight.Add(1))
	storeMax(&p.peakG, int64(runtime.NumGoroutine()))
}

// End records that one item finished, whatever its outcome.
func (p *Probe) End() {
	p.inflight.Add(-1)
	p.done.Add(1)
}

// Retry records one retried attempt (after a 429, say).
func (p *Probe) Retry() { p.retries.Add(1) }

// Note adds a line to the variant's notes: what the figures alone do not
// say (which clusters were unreachable, what a race lost).
func (p *Probe) Note(line string) {
	p.mu.Lock()
	p.notes = append(p.notes, line)
	p.mu.Unlock()
}

func (p *Probe) notesText() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.Join(p.notes, "; ")
}

// Mark records that a moment that matters happened now: the client left,
// the signal came, the slow client was evicted. Charts draw it on the time
// axis; the report keeps it in the variant's marks.
func (p *Probe) Mark(what string) {
	at := ms(time.Since(p.start))
	p.mu.Lock()
	p.marks = append(p.marks, Mark{AtMS: at, What: what})
	p.mu.Unlock()
}

func (p *Probe) marksCopy() []Mark {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Mark(nil), p.marks...)
}

// Observing marks the time until the returned func is called as spent
// watching, not working: the demo waiting to see whether a leaked loop
// runs on, or shutting its own servers down. It is left out of best%.
func (p *Probe) Observing() (end func()) {
	start := time.Now()
	return func() {
		d := time.Since(start)
		p.mu.Lock()
		p.watching += d
		p.mu.Unlock()
	}
}

func (p *Probe) observed() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.watching
}

// Items is the number of items the variant has to do.
func (p *Probe) Items() int { return p.items }

// Done is the number of items finished so far.
func (p *Probe) Done() int { return int(p.done.Load()) }

// Inflight is the number of items running now.
func (p *Probe) Inflight() int { return int(p.inflight.Load()) }

// Track wraps fn so that every call is counted by p and is one region of
// the variant's task in the execution trace (see Item): the scenario's way
// of measuring a pattern function without the pattern knowing about it.
func Track[T, R any](p *Probe, fn func(context.Context, T) (R, error)) func(context.Context, T) (R, error) {
	return func(ctx context.Context, item T) (R, error) {
		defer p.Item(ctx).End()
		return fn(ctx, item)
	}
}

// Errors returns the errors of rs, one per item, in item order: what
// Scenario.Measure wants from a run.
func Errors[R any](rs []workerpool.Result[R]) []error {
	errs := make([]error, len(rs))
	for i, r := range rs {
		errs[i] = r.Err
	}
	return errs
}

// sample starts the sampler goroutine. The returned stop ends it and waits
// until it has ended, so no sampler outlives its variant.
func (p *Probe) sample(every time.Duration) (stop func()) {
	quit := make(chan struct{}) // closed by stop: the sampler's only exit
	exited := make(chan struct{})
	p.series = newSeries(every)
	go func() {
		defer close(exited)
		t := time.NewTicker(every)
		defer t.Stop()
		stack := []metrics.Sample{{Name: "/memory/classes/heap/stacks:bytes"}}
		for {
			p.observe(stack)
			select {
			case <-quit:
				return
			case <-t.C:
			}
		}
	}()
	return func() {
		close(quit)
		<-exited
	}
}

// observe takes one sample of the goroutine count and stack memory; stack
// is the sampler's own metrics buffer.
func (p *Probe) observe(stack []metrics.Sample) {
	g := runtime.NumGoroutine()
	storeMax(&p.peakG, int64(g))
	p.series.add(g, p.Inflight())
	metrics.Read(stack)
	if v := stack[0].Value; v.Kind() == metrics.KindUint64 {
		for {
			old := p.peakStack.Load()
			if v.Uint64() <= old || p.peakStack.CompareAndSwap(old, v.Uint64()) {
				break
			}
		}
	}
}

// storeMax raises a to v if v is larger, without a lock.
func storeMax(a *atomic.Int64, v int64) {
	for {
		old := a.Load()
		if v <= old || a.CompareAndSwap(old, v) {
			return
		}
	}
}

// stackBytes is the memory goroutine stacks hold now.
func stackBytes() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/stacks:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}
