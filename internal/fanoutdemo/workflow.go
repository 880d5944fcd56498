package fanoutdemo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/fanout"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/render"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/sim"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/workerpool"
)

// The slide-9 world, at scale 1, built to the slide's figures: the trigger
// view needs the CI status and the CD status of an application, two
// independent API calls of 200 and 300 ms (500 ms in turn, 300 ms at once).
// A failing call (--fail) fails fast, as a 500 or a refused connection does.
const (
	CIStatusTime = 200 * time.Millisecond
	CDStatusTime = 300 * time.Millisecond
	FailTime     = 100 * time.Millisecond
)

// ErrInjected is the failure --fail injects into one status call.
var ErrInjected = errors.New("injected failure (--fail)")

// errNotRun is a status call's outcome until the call itself reports one:
// a call whose turn comes after the context is done never runs (task.Do
// does not start it), and it must count as failed, not as ok.
var errNotRun = fmt.Errorf("%w: the call never ran", workerpool.ErrNotStarted)

// statusAPI is the simulated CI and CD status endpoints; durations scaled.
type statusAPI struct {
	ci, cd time.Duration
	fail   string // "ci", "cd" or "" (none)
	failAt time.Duration
}

func newStatusAPI(env report.Env, fail string) statusAPI {
	if fail == FailNone {
		fail = ""
	}
	return statusAPI{ci: env.Scaled(CIStatusTime), cd: env.Scaled(CDStatusTime),
		fail: fail, failAt: env.Scaled(FailTime)}
}

// fetch is one status call: it answers after d, or fails after failAt.
// The injected failure is the scenario's point, and so is the call that
// errgroup rightly cancels because of it: both are marked expected.
func (api statusAPI) fetch(ctx context.Context, which string, d time.Duration) (string, error) {
	failing := api.fail == which
	if failing {
		d = api.failAt
	}
	if sim.Sleep(ctx, d) != nil {
		if errors.Is(context.Cause(ctx), ErrInjected) {
			// errgroup cancelled it: the other call failed. The error
			// does not wrap that failure, so it is counted once.
			return "", report.Expected(fmt.Errorf("%s status: cancelled: the other call failed", which))
		}
		return "", fmt.Errorf("%s status: %w", which, context.Cause(ctx)) // Ctrl-C
	}
	if failing {
		return "", report.Expected(fmt.Errorf("%s status: %w", which, ErrInjected))
	}
	return which + ": Succeeded", nil
}

// durations is how long each call takes if nothing cancels it.
func (api statusAPI) durations() []time.Duration {
	ds := []time.Duration{api.ci, api.cd}
	for i, which := range []string{"ci", "cd"} {
		if api.fail == which {
			ds[i] = api.failAt
		}
	}
	return ds
}

// statusVariant is one way of fetching the two statuses.
type statusVariant struct {
	name  string
	role  report.Role
	limit int
	notes string
	fetch func(ctx context.Context, ci, cd func(context.Context) (string, error)) (string, string, error)
}

var statusVariants = []statusVariant{
	{"sequential", report.Bad, 1, "CI, then CD", sequentialPair},
	{"waitgroup", report.Slide, 2, "slide 9: fanout.Both, a WaitGroup of 2; waits for both, even after a failure",
		fanout.Both[string, string]},
	{"errgroup", report.Fix, 2, "fanout.BothFailFast, errgroup.WithContext: the first failure cancels the other call",
		fanout.BothFailFast[string, string]},
}

// sequentialPair is the "before": one call after the other, both errors kept.
func sequentialPair(ctx context.Context, ci, cd func(context.Context) (string, error)) (string, string, error) {
	a, errA := ci(ctx)
	b, errB := cd(ctx)
	return a, b, errors.Join(errA, errB)
}

// runWorkflow measures the workflow-status scenario: items are the two
// calls (CI, CD), and each call's own error is its item's outcome.
func runWorkflow(ctx context.Context, env report.Env, fail string) error {
	api := newStatusAPI(env, fail)
	title := fmt.Sprintf("trigger view: fetch CI status (%s) and CD status (%s)", render.DurOf(api.ci), render.DurOf(api.cd))
	if api.fail != "" {
		title += ", --fail " + api.fail
	}
	sc := env.Rec.Scenario("fanout", "8-9", title, 2)
	sc.Claim(report.Claim{Operation: "Workflow status fetch",
		Before: "sequential", After: "waitgroup", SlideClaim: "500ms -> 300ms (40%)"})
	for _, v := range statusVariants {
		spec := report.Spec{Name: v.name, Role: v.role, Limit: v.limit, Bound: statusBound(api, v), Notes: v.notes}
		sc.Measure(ctx, spec, func(ctx context.Context, p *report.Probe) []error {
			// errs[0] CI, errs[1] CD; each overwritten by its own call
			// if it runs. One that never runs stays errNotRun: failed.
			errs := []error{errNotRun, errNotRun}
			track := func(i int, which string, d time.Duration) func(context.Context) (string, error) {
				return func(ctx context.Context) (string, error) {
					defer p.Item(ctx).End()
					s, err := api.fetch(ctx, which, d)
					errs[i] = err
					return s, err
				}
			}
			_, _, _ = v.fetch(ctx, track(0, "ci", api.ci), track(1, "cd", api.cd))
			return errs
		})
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	sc.Notice(render.WorkflowStatus(sc.Variants(), api.fail))
	return nil
}

// statusBound is the fastest a variant could return: the sum in sequence,
// the longer call in parallel, and for the fail-fast variant the failure's
// own time (nothing can report it sooner).
func statusBound(api statusAPI, v statusVariant) time.Duration {
	ds := api.durations()
	if v.name == "errgroup" && api.fail != "" {
		return api.failAt
	}
	return report.Bound(ds, v.limit)
}
