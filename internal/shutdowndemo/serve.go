package shutdowndemo

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/render"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/serving"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/sim"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/shutdown"
)

// serveInteractive is Run with --serve: it serves the demo's handlers on
// env.Serve until ctx is done, then drains. It returns nil after a
// graceful drain, and an error when the drain timed out. cmd/demo names the
// pattern in front of its errors: they do not repeat it.
func serveInteractive(ctx context.Context, env report.Env) error {
	ln, err := net.Listen("tcp", env.Serve)
	if err != nil {
		return fmt.Errorf("--serve: %w", err)
	}
	// life is the process, as the detached deployments see it: it ends
	// when the drain is over, not at Ctrl-C, which only starts the drain.
	life, kill := context.WithCancel(context.WithoutCancel(ctx))
	defer kill()
	commentary, stop := newLive(env)
	defer stop()
	return serveOn(ctx, env, ln, routes(life, env), ServeDrainTimeout, kill, commentary)
}

// serveOn is serveInteractive on a listener, with any handler and drain
// timeout: what the tests drive. It serves with the lesson's own
// shutdown.Serve, and tells the presenter what happens through
// env.Rec.Announce: a server is not a measurement. kill, if not nil, is
// called once the drain is over, to end the work that outlives its request
// (a detached job): after a graceful drain there is none, after one that
// gave up it is what Close could not stop.
func serveOn(ctx context.Context, env report.Env, ln net.Listener, h http.Handler, timeout time.Duration, kill func(), commentary *live) error {
	t := newTracker()
	if commentary != nil {
		h = commentary.wrap(t, h)
	}
	// No BaseContext: requests run on their own contexts, so Ctrl-C (ctx)
	// starts the drain without cancelling the requests it waits for.
	var errs serving.ErrorLog
	srv := serving.NewServer(t.wrap(h), &errs)
	srv.ConnContext = t.connContext
	ln = t.listen(ln)
	url := "http://" + ln.Addr().String()
	before := numGoroutine()
	for _, line := range render.ShutdownServing(url, timeout, ServeBudget) {
		env.Rec.Announce(line)
	}

	// Serve drains when signal ends. Ending it from here, after ctx,
	// lets this goroutine note what was in flight at the signal first.
	signal, send := context.WithCancel(context.WithoutCancel(ctx))
	defer send()
	served := make(chan error, 1) // buffered: the serving goroutine never waits for us
	go func() { served <- shutdown.Serve(signal, srv, ln, timeout) }()
	select {
	case err := <-served: // accepting failed before any signal
		return err
	case <-ctx.Done():
	}
	at, signalAt := t.state(), time.Now()
	env.Rec.Announce(render.ShutdownDraining(at.active))
	send()
	err := <-served
	drain := time.Since(signalAt)
	if kill != nil {
		kill()
	}
	// A handler cut off by Close sees its context cancelled and returns, a
	// detached one its life: wait for them, so no handler outlives Run.
	_ = t.wait(context.Background(), func(st trackState) bool { return st.active == 0 })
	final := t.state()
	// Shutdown never cancels a request: one whose context ended while its
	// connection was open was left by its client; one whose connection
	// the server closed under it, Close cut off (see tracker).
	left, cut := final.left-at.left, final.cut-at.cut
	env.Rec.Announce(render.ShutdownStopped(render.ShutdownServeFacts{
		Drain: drain, Served: final.started, LeftBefore: at.left, InFlight: at.active,
		Finished: max(at.active-left-cut, 0), LeftDuring: left, CutOff: cut,
		Before: before, After: settle(context.Background(), before, time.Second),
	}))
	if line := errs.Summary(); line != "" {
		env.Rec.Announce(line)
	}
	return err
}

// routes are the interactive server's handlers: the lesson's, at the run's
// scale, and /slow for a request of any length.
//
// The detached deployment's timeout is kept below the drain's, as
// shutdown.Detached wants, whatever the scale.
func routes(life context.Context, env report.Env) http.Handler {
	step := env.Scaled(APICallLatency)
	call := func(ctx context.Context, _ int) error { return sim.Sleep(ctx, step) }
	steps := func(n int, d time.Duration) shutdown.Job {
		return func(ctx context.Context) error {
			for range n {
				if err := sim.Sleep(ctx, d); err != nil {
					return err
				}
			}
			return nil
		}
	}
	mux := http.NewServeMux()
	mux.Handle("/clusters", shutdown.CancelOnDisconnect(shutdown.ClusterCreation(ClusterCalls, call)))
	// At a --scale so large that the deployment would outlast its own
	// timeout, its steps shrink to fit in half of it: what /deploy shows
	// is that a detached job finishes.
	n := len(deploySteps)
	detach := min(env.Scaled(DeployTimeout), ServeDrainTimeout/2)
	deployStep := min(env.Scaled(DeployStep), detach/time.Duration(2*n))
	mux.Handle("/deploy", shutdown.Detached(life, detach, steps(n, deployStep)))
	mux.Handle("/resources", shutdown.CancelOnDisconnect(steps(len(deploySteps), env.Scaled(DeployStep))))
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		d, err := time.ParseDuration(r.URL.Query().Get("for"))
		if err != nil || d < 0 || d > maxSlow {
			http.Error(w, "want /slow?for=DURATION, at most "+maxSlow.String(), http.StatusBadRequest)
			return
		}
		shutdown.CancelOnDisconnect(func(ctx context.Context) error { return sim.Sleep(ctx, d) }).ServeHTTP(w, r)
	})
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, strings.TrimLeft(index, "\n"))
	})
	serving.Debug(mux, env.Serve) // net/http/pprof, if env.Serve is loopback
	return mux
}

const index = `
shutdown demo (slides 14-15): every route answers "ok" when its work is done.
  /clusters        create a cluster: 50 API calls on r.Context(); leave early (Ctrl-C curl) and it stops
  /deploy          a deployment, detached with context.WithoutCancel: it finishes even if you leave
  /resources       a read on r.Context(): it stops when you leave
  /slow?for=5s     a request of that length, to watch the drain
Ctrl-C the server while a request runs: it stops accepting, finishes the request, and exits.
`
