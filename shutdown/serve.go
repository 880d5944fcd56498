package shutdown

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/sim"
)

// ServeDrainTimeout is how long the interactive server gives the requests
// in flight after Ctrl-C. A real server's setting, not a simulated latency,
// so --scale does not change it. The timeouts nest (see [Detached]): a
// detached deployment's own timeout is shorter, so the drain waits for it,
// and Kubernetes sends SIGKILL 30 s after SIGTERM by default
// (terminationGracePeriodSeconds), well after the drain gave up.
const ServeDrainTimeout = 10 * time.Second

// maxSlow caps /slow?for=, so a typo does not hold the drain for an hour.
const maxSlow = time.Minute

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
	// when the drain gives up, not at Ctrl-C, which only starts the drain.
	life, kill := context.WithCancel(context.WithoutCancel(ctx))
	defer kill()
	return serveOn(ctx, env, ln, routes(life, env), ServeDrainTimeout, kill)
}

// serveOn is serveInteractive on a listener, with any handler and drain
// timeout: what the tests drive. It tells the presenter what happens
// through env.Rec.Announce: a server is not a measurement. kill, if not
// nil, is called when the drain gives up, just before Close, to end the
// work that outlives its request (a detached job).
func serveOn(ctx context.Context, env report.Env, ln net.Listener, h http.Handler, timeout time.Duration, kill func()) error {
	t := newTracker()
	// No BaseContext: requests run on their own contexts, so Ctrl-C (ctx)
	// starts the drain without cancelling the requests it waits for.
	srv := &http.Server{Handler: t.wrap(h), ReadHeaderTimeout: readHeaderTimeout}
	url := "http://" + ln.Addr().String()
	before := numGoroutine()
	env.Rec.Announce("shutdown demo server (slides 14-15) at " + url)
	env.Rec.Announce(fmt.Sprintf("try: curl %s/clusters (Ctrl-C curl half-way: the work stops), %s/deploy, %s/resources, "+
		"%s/slow?for=5s; then Ctrl-C here to drain (at most %v; a second Ctrl-C exits at once)", url, url, url, url, timeout))

	// serve drains when its context ends. Ending it from here, after ctx,
	// lets this goroutine note what was in flight at the signal first.
	signal, send := context.WithCancel(context.WithoutCancel(ctx))
	defer send()
	var atClose trackState // the requests as Close found them; written before served
	closing := func() {
		atClose = t.state()
		if kill != nil {
			kill()
		}
	}
	served := make(chan error, 1)
	go func() { served <- serve(signal, context.Background(), srv, ln, timeout, closing) }()
	select {
	case err := <-served: // accepting failed before any signal
		return err
	case <-ctx.Done():
	}
	at, signalAt := t.state(), time.Now()
	env.Rec.Announce(fmt.Sprintf("draining: %s in flight; new connections are refused", plural(at.active, "request")))
	send()
	err := <-served
	drain := time.Since(signalAt)
	// A handler cut off by Close sees its context cancelled and returns, a
	// detached one its life: wait for them, so no handler outlives Run.
	_ = t.wait(context.Background(), func(st trackState) bool { return st.active == 0 })
	final := t.state()
	after := settle(context.Background(), before, time.Second)
	// Shutdown never cancels a request: one whose context ended before
	// Close was left by its client. Whatever still ran when the drain
	// gave up, Close cut off.
	left, cut := final.cancelled-at.cancelled, 0
	if err != nil {
		left, cut = atClose.cancelled-at.cancelled, atClose.active
	}
	finished := max(at.active-left-cut, 0) // answered in full
	env.Rec.Announce(fmt.Sprintf("stopped after %v: served %s, %d of them left by their client before Ctrl-C; "+
		"of the %d in flight at Ctrl-C, %d finished, %d left by their client during the drain, %d cut off by Close; "+
		"goroutines %d before, %d after",
		round(drain), plural(final.started, "request"), at.cancelled, at.active, finished, left, cut, before, after))
	return err
}

// routes are the interactive server's handlers: the demo's, at the run's
// scale, and /slow for a request of any length.
//
// The detached deployment's timeout is kept below the drain's, as the rule
// in [Detached] wants, whatever the scale.
func routes(life context.Context, env report.Env) http.Handler {
	step := env.Scaled(APICallLatency)
	call := func(ctx context.Context, _ int) error { return sim.Sleep(ctx, step) }
	steps := func(n int, d time.Duration) Job {
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
	mux.Handle("/clusters", CancelOnDisconnect(ClusterCreation(ClusterCalls, call)))
	// At a --scale so large that the deployment would outlast its own
	// timeout, its steps shrink to fit in half of it: what /deploy shows
	// is that a detached job finishes.
	n := len(deploySteps)
	detach := min(env.Scaled(DeployTimeout), ServeDrainTimeout/2)
	deployStep := min(env.Scaled(DeployStep), detach/time.Duration(2*n))
	mux.Handle("/deploy", Detached(life, detach, steps(n, deployStep)))
	mux.Handle("/resources", CancelOnDisconnect(steps(len(deploySteps), env.Scaled(DeployStep))))
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		d, err := time.ParseDuration(r.URL.Query().Get("for"))
		if err != nil || d < 0 || d > maxSlow {
			http.Error(w, "want /slow?for=DURATION, at most "+maxSlow.String(), http.StatusBadRequest)
			return
		}
		CancelOnDisconnect(func(ctx context.Context) error { return sim.Sleep(ctx, d) }).ServeHTTP(w, r)
	})
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, strings.TrimLeft(index, "\n"))
	})
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
