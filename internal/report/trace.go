package report

import (
	"context"
	"runtime/trace"
)

// What a run looks like in an execution trace (runtime/trace, written by
// cmd/demo --trace): every measured variant is one trace task, named
// TaskName, and every item it runs through Track or Probe.Item is one
// region of type ItemRegion inside that task. `go tool trace FILE`, then
// "User-defined tasks", opens each variant's own timeline; its regions
// show when each item ran, on which goroutine.
//
// When no trace is being written, a task costs one small allocation per
// variant and a region one atomic load per item (runtime/trace checks
// whether tracing is on and does nothing else):
// `go test -bench Track ./internal/report` measures it.

// ItemRegion is the trace region type of one item.
const ItemRegion = "item"

// TaskName is the trace task of one variant: "pattern / scenario /
// variant", so each is found by the words the table shows.
func TaskName(pattern, scenario, variant string) string {
	return pattern + " / " + scenario + " / " + variant
}

// Item records that one item started, as Begin does, and opens its region
// in the execution trace, in the variant's task that ctx carries (Measure
// puts it there; the pattern functions pass ctx on to each item). End the
// returned span once, on the goroutine that started it:
//
//	defer p.Item(ctx).End()
//
// Track does this for every call of the function it wraps; Item is for a
// scenario whose items are not one function's calls.
func (p *Probe) Item(ctx context.Context) ItemSpan {
	p.Begin()
	return ItemSpan{p: p, r: trace.StartRegion(ctx, ItemRegion)}
}

// ItemSpan is one item running: see Probe.Item.
type ItemSpan struct {
	p *Probe
	r *trace.Region
}

// End closes the item's region and records that it finished, as Probe.End
// does.
func (s ItemSpan) End() {
	s.r.End()
	s.p.End()
}

// traceTask starts the variant's trace task, carried by the returned ctx;
// the returned end ends it.
func traceTask(ctx context.Context, name string) (context.Context, func()) {
	ctx, task := trace.NewTask(ctx, name)
	return ctx, task.End
}
