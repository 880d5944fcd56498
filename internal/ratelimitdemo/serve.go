package ratelimitdemo

import (
	"context"
	"fmt"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/apiserver"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
)

// serve runs the fake API server on env.Serve until ctx is done, so that
// attendees can throttle it themselves (curl, hey, their own client). It
// returns nil once the server has drained and stopped.
func serve(ctx context.Context, env report.Env, opts Options) error {
	latency := env.Scaled(Latency)
	cfg := serverConfig(env, opts, func(string) time.Duration { return latency })
	ln, err := apiserver.Listen(env.Serve, apiserver.New(cfg))
	if err != nil {
		return fmt.Errorf("ratelimit: serve: %w", err)
	}
	env.Rec.Announce("fake Kubernetes API server (slides 11-13) at " + ln.URL)
	env.Rec.Announce(fmt.Sprintf("try: curl -i %s/api/v1/namespaces/default/configmaps/app-001 ; it serves %d at once, more get 429; Ctrl-C stops it",
		ln.URL, opts.MaxInflight))
	<-ctx.Done()
	return ln.Close()
}
