// Package fanoutdemo measures package fanout for cmd/demo: the workflow
// status fetch of slide 9 and the cluster connection test of slide 10.
package fanoutdemo

import (
	"context"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
)

// Run measures fanout's two scenarios, in slide order: the workflow-status
// fetch of slide 9 (two calls; opts.Fail injects a failure) and the cluster
// connection test of slide 10 (--items clusters, --workers the bounded
// fan-out's limit). It returns the context's error, promptly, if ctx is
// done first, and a bad option before anything runs.
func Run(ctx context.Context, env report.Env, opts Options) error {
	if opts.Fail == "" {
		opts.Fail = FailNone // the zero Options
	}
	if err := opts.Validate(); err != nil {
		return err
	}
	if err := runWorkflow(ctx, env, opts.Fail); err != nil {
		return err
	}
	return runClusters(ctx, env)
}
