package shutdowndemo

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/render"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/shutdown"
)

// detachDemo measures scenario 3: a mutation and a read whose client
// leaves. Items are the operation's steps: ok counts the steps done; the
// read's steps not done are expected (nobody is left to read them), the
// deployment's are the bug.
func detachDemo(ctx context.Context, env report.Env, nw network) error {
	n := len(deploySteps)
	step, leaves, timeout := env.Scaled(DeployStep), env.Scaled(UserLeaves), env.Scaled(DeployTimeout)
	sc := env.Rec.Scenario(pattern, "14-15",
		fmt.Sprintf("user closes the browser %s into an %d-step deployment, and into a read", render.DurOf(leaves), n), n)

	// The bound is the work each variant is meant to do: all the steps
	// when detached, until the client leaves when it follows r.Context().
	all, untilLeft := time.Duration(n)*step, min(time.Duration(n)*step, leaves)
	variants := []struct {
		name, notes string
		role        report.Role
		serve       func(shutdown.Job) http.Handler
		deploy      bool
		bound       time.Duration
	}{
		{"deploy r.ctx", "Bad: the mutation inherits the disconnect", report.Bad, shutdown.CancelOnDisconnect, true, untilLeft},
		{"deploy detach", fmt.Sprintf("WithoutCancel + its own %s timeout", render.DurOf(timeout)), report.Fix,
			func(j shutdown.Job) http.Handler { return shutdown.Detached(ctx, timeout, j) }, true, all},
		{"read r.ctx", "right: a read stops with its client", report.Fix, shutdown.CancelOnDisconnect, false, untilLeft},
	}
	var runs []render.ShutdownStepsRun
	for _, v := range variants {
		var sr stepRun
		spec := report.Spec{Name: v.name, Role: v.role, Limit: 1, Bound: v.bound, Notes: v.notes}
		m := sc.Measure(ctx, spec, func(ctx context.Context, p *report.Probe) []error {
			sr = leaveOperation(ctx, nw, v.serve, v.deploy, n, step, leaves, p)
			return sr.errs
		})
		if err := ctx.Err(); err != nil {
			return err
		}
		sr.Unexpected = m.Unexpected()
		runs = append(runs, sr.ShutdownStepsRun)
	}
	sc.Notice(render.ShutdownDetach(render.ShutdownDetachFacts{Steps: n, OnRequest: runs[0], Detached: runs[1], Read: runs[2]}))
	return nil
}

// stepRun is what one variant of scenario 3 saw: the facts for the notice,
// and one error per step (nil if done).
type stepRun struct {
	render.ShutdownStepsRun
	errs []error
}

// leaveOperation serves an operation of n steps (a deployment that records
// its release at the end, or a read) through serve, and sends one request
// that leaves after leaves. A read's steps that its client's leaving
// stopped are expected failures; a deployment's are not.
func leaveOperation(ctx context.Context, nw network, serve func(shutdown.Job) http.Handler, deploy bool, n int, step, leaves time.Duration, p *report.Probe) stepRun {
	var (
		mu       sync.Mutex // guards errs and recorded
		errs     = fill(n, errNotDone)
		recorded bool // the release store, as the database would hold it
	)
	job := func(ctx context.Context) error {
		start := time.Now()
		for i := range n {
			item := p.Item(ctx)
			err := onSchedule(ctx, start, i, step)
			item.End()
			mu.Lock()
			if err != nil {
				errs[i] = fmt.Errorf("%w (%v)", errInterrupted, err)
			} else {
				errs[i] = nil
				recorded = recorded || (deploy && i == n-1)
			}
			mu.Unlock()
			if err != nil {
				return err
			}
		}
		return nil
	}
	s, stop, err := startServer(ctx, nw, serve(job))
	if err != nil {
		return stepRun{ShutdownStepsRun: render.ShutdownStepsRun{Failure: err}, errs: fill(n, err)}
	}

	start := time.Now()
	cctx, cancel := context.WithTimeout(ctx, leaves) // the user closes the browser
	_ = s.call(cctx, s.client, http.MethodPost, "/deploy")
	cancel()
	leftAt := time.Now()
	p.Mark("user left")
	s.track.waitHandled(ctx)
	// After Ctrl-C the handler may still be running: stop waits for it
	// (ctx ends even the detached job), so the steps read below are final.
	stop(0)

	sr := stepRun{ShutdownStepsRun: render.ShutdownStepsRun{Left: leftAt.Sub(start)}}
	if end := s.track.state().lastEnd; end.After(leftAt) {
		sr.Finished = end.Sub(leftAt)
	}
	mu.Lock()
	defer mu.Unlock()
	for i, err := range errs {
		switch {
		case err == nil:
			sr.Done++
		case ctx.Err() != nil:
			if errors.Is(err, errNotDone) {
				errs[i] = context.Cause(ctx) // not started: Ctrl-C came first
			}
		case !deploy:
			errs[i] = report.Expected(err) // a read nobody is left to read
		}
	}
	sr.errs, sr.Recorded = append([]error(nil), errs...), recorded
	return sr
}
