package ratelimitdemo

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/apiserver"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/render"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/serving"
)

// ServeLatency is how long a GET takes on --serve's server, at scale 1:
// longer than the scenario's Latency, so that a burst sent by hand (one
// curl, below) is still in flight when the rest of it arrives.
const ServeLatency = time.Second

// The live line's pace: the server's counters are looked at every
// liveTick, and a line is printed when they changed, at most one per
// liveEvery while requests keep coming, and at once when none is left in
// flight, so the last line of a burst says how it ended.
const (
	liveTick  = 250 * time.Millisecond
	liveEvery = time.Second
)

// serve runs the fake API server on env.Serve until ctx is done, so that
// attendees can throttle it themselves (curl, hey, their own client), and
// prints a live line while requests arrive. It returns nil once the
// server has drained and stopped.
func serve(ctx context.Context, env report.Env, opts Options) error {
	latency := env.Scaled(ServeLatency)
	cfg := serverConfig(env, opts, func(string) time.Duration { return latency })
	api := apiserver.New(cfg)
	mux := http.NewServeMux()
	mux.Handle("/", api)
	serving.Debug(mux, env.Serve) // net/http/pprof, if env.Serve is loopback
	var errs serving.ErrorLog
	ln, err := apiserver.Listen(env.Serve, mux, &errs)
	if err != nil {
		return fmt.Errorf("ratelimit: serve: %w", err)
	}
	burst := 2 * opts.MaxInflight
	env.Rec.Announce(fmt.Sprintf("fake Kubernetes API server (slides 11-13) at %s: a GET takes %s; it serves %d at "+
		"once, and answers one more with 429 and Retry-After: %d", ln.URL, render.DurOf(latency), opts.MaxInflight,
		cfg.RetryAfter))
	env.Rec.Announce(fmt.Sprintf("send %d at once and watch the 429s, here and in curl's answer (curl 7.84 or later):", burst))
	for _, line := range burstCommand(ln.URL, burst) {
		env.Rec.Announce(line)
	}
	env.Rec.Announce("(curl 7.88.1 draws its progress meter anyway, a known bug: add --no-progress-meter there)")
	env.Rec.Announce(fmt.Sprintf("one GET: curl -i %s/api/v1/namespaces/default/configmaps/app-001 ; goroutines now: "+
		"curl %s/debug/pprof/goroutine?debug=1 ; Ctrl-C stops it", ln.URL, ln.URL))

	watch(ctx, api, cfg.RetryAfter, env.Rec.Announce)
	err = ln.Close()
	st := api.Stats()
	env.Rec.Announce(fmt.Sprintf("stopped: served %d, answered 429 to %d, at most %d in flight at once",
		st.Served, st.Throttled, st.PeakInflight))
	if sum := errs.Summary(); sum != "" {
		env.Rec.Announce(sum)
	}
	return err
}

// burstCommand is a shell command that sends n GETs at once to the server
// at base and prints each answer's status and Retry-After: one line, so it
// can be pasted, if it fits the terminal's width, else two. curl's -Z
// sends up to 50 at once by default; --parallel-max raises it.
func burstCommand(base string, n int) []string {
	host := strings.TrimPrefix(base, "http://") // curl takes http:// as given
	parallel := ""
	if n > 50 {
		parallel = fmt.Sprintf(" --parallel-max %d", n)
	}
	urls := fmt.Sprintf("'%s/api/v1/nodes/n[1-%d]'", host, n)
	out := `curl -sZ` + parallel + `o /dev/null -w '%{http_code} %header{retry-after}\n' `
	if len(out)+len(urls) <= render.Width {
		return []string{out + urls}
	}
	return []string{"U=" + urls, out + `"$U"`}
}

// watch prints the server's live line while requests arrive, until ctx
// ends: see liveTick and liveEvery.
func watch(ctx context.Context, api *apiserver.Server, retryAfter int, announce func(string)) {
	tick := time.NewTicker(liveTick)
	defer tick.Stop()
	var shown apiserver.Stats
	var shownAt time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-tick.C:
			st := api.Stats()
			st.PeakInflight = shown.PeakInflight // the peak alone is no news
			if st == shown || (st.Inflight > 0 && now.Sub(shownAt) < liveEvery) {
				continue
			}
			announce(render.RateLimitLive(now, st, retryAfter))
			shown, shownAt = st, now
		}
	}
}
