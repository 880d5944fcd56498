package shutdown

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
)

// A deployment, at scale 1: eight steps of 100 ms, the last of which
// records the release. The user closes the browser after 350 ms, half-way
// through step 4. A detached deployment has 3 s of its own: less than the
// drain timeouts (DrainTimeout, ServeDrainTimeout), which are less than the
// pod's grace period (see Detached).
const (
	DeployStep    = 100 * time.Millisecond
	DeployTimeout = 3 * time.Second
	UserLeaves    = 350 * time.Millisecond
)

// deploySteps are a Helm-style deployment's steps, as the demo counts them.
var deploySteps = []string{
	"render manifests", "apply ConfigMap", "apply Secret", "apply Deployment",
	"apply Service", "wait for rollout", "update Ingress", "record release",
}

// detachDemo measures scenario 3: a mutation and a read whose client
// leaves. Items are the operation's steps: ok counts the steps done.
func detachDemo(ctx context.Context, env report.Env, nw network) error {
	n := len(deploySteps)
	step, leaves, timeout := env.Scaled(DeployStep), env.Scaled(UserLeaves), env.Scaled(DeployTimeout)
	sc := env.Rec.Scenario(pattern, "14-15",
		fmt.Sprintf("user closes the browser %v into an %d-step deployment, and into a read", leaves, n), n)

	// The bound is the work each variant is meant to do: all the steps
	// when detached, until the client leaves when it follows r.Context().
	all, untilLeft := time.Duration(n)*step, min(time.Duration(n)*step, leaves)
	variants := []struct {
		name, notes string
		serve       func(Job) http.Handler
		deploy      bool
		bound       time.Duration
	}{
		{"deploy r.ctx", "Bad: the mutation inherits the disconnect", CancelOnDisconnect, true, untilLeft},
		{"deploy detach", fmt.Sprintf("WithoutCancel + its own %v timeout", timeout),
			func(j Job) http.Handler { return Detached(ctx, timeout, j) }, true, all},
		{"read r.ctx", "right: a read stops with its client", CancelOnDisconnect, false, untilLeft},
	}
	var runs []stepRun
	for _, v := range variants {
		var sr stepRun
		sc.Measure(ctx, report.Spec{Name: v.name, Limit: 1, Bound: v.bound, Notes: v.notes},
			func(ctx context.Context, p *report.Probe) []error {
				sr = leaveOperation(ctx, nw, v.serve, v.deploy, n, step, leaves, p)
				return sr.errs
			})
		if err := ctx.Err(); err != nil {
			return err
		}
		runs = append(runs, sr)
	}
	sc.Notice(detachNotice(runs, n))
	return nil
}

// stepRun is what one variant of scenario 3 saw.
type stepRun struct {
	errs     []error       // one per step: nil if done
	done     int           // steps done
	recorded bool          // the release was recorded
	left     time.Duration // when the client left, from its request
	finished time.Duration // when the handler ended, after the client left
	failure  error         // the variant could not run
}

// leaveOperation serves an operation of n steps (a deployment that records
// its release at the end, or a read) through serve, and sends one request
// that leaves after leaves.
func leaveOperation(ctx context.Context, nw network, serve func(Job) http.Handler, deploy bool, n int, step, leaves time.Duration, p *report.Probe) stepRun {
	var (
		mu       sync.Mutex // guards errs and recorded
		errs     = fill(n, errNotDone)
		recorded bool // the release store, as the database would hold it
	)
	job := func(ctx context.Context) error {
		start := time.Now()
		for i := range n {
			p.Begin()
			err := onSchedule(ctx, start, i, step)
			p.End()
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
		return stepRun{errs: fill(n, err), failure: err}
	}

	start := time.Now()
	cctx, cancel := context.WithTimeout(ctx, leaves) // the user closes the browser
	_ = s.call(cctx, s.client, http.MethodPost, "/deploy")
	cancel()
	leftAt := time.Now()
	s.track.waitHandled(ctx)
	// After Ctrl-C the handler may still be running: stop waits for it
	// (ctx ends even the detached job), so the steps read below are final.
	stop(0)

	sr := stepRun{left: leftAt.Sub(start)}
	if end := s.track.state().lastEnd; end.After(leftAt) {
		sr.finished = end.Sub(leftAt)
	}
	mu.Lock()
	defer mu.Unlock()
	for i, err := range errs {
		if err == nil {
			sr.done++
		} else if ctx.Err() != nil && errors.Is(err, errNotDone) {
			errs[i] = context.Cause(ctx) // not started: Ctrl-C came first
		}
	}
	sr.errs, sr.recorded = append([]error(nil), errs...), recorded
	return sr
}

// detachNotice says which variant is which, and why.
func detachNotice(runs []stepRun, n int) string {
	if len(runs) != 3 {
		return ""
	}
	for _, r := range runs {
		if r.failure != nil {
			return "could not run: " + r.failure.Error()
		}
	}
	bad, good, read := runs[0], runs[1], runs[2]
	return fmt.Sprintf("client left at %v: on r.Context() the deployment did %d of %d steps, %s; "+
		"detached (WithoutCancel + timeout) it did %d of %d, %s, %v later; "+
		"the read rightly stopped at %d of %d: nobody is left to read it",
		round(bad.left), bad.done, n, recordedText(bad.recorded, "half-deployed"),
		good.done, n, recordedText(good.recorded, "not finished"), round(good.finished), read.done, n)
}

// recordedText says whether the release was recorded, or else what that
// leaves.
func recordedText(ok bool, otherwise string) string {
	if ok {
		return "release recorded"
	}
	return "no release recorded: " + otherwise
}
