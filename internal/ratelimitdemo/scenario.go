// Package ratelimitdemo measures package ratelimit for cmd/demo: 100
// manifests fetched from a throttling fake Kubernetes API server
// (internal/apiserver) over real HTTP on loopback, in six variants.
package ratelimitdemo

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"golang.org/x/time/rate"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/apiserver"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/render"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/serving"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/sim"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/ratelimit"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/workerpool"
)

// The slides' world, at scale 1, built to the slide's figures. A GET takes
// about 50 ms, so 100 one at a time take 5 s (slide 13). The server serves MaxInflight at once: more
// than a batch, far fewer than 100. The token bucket has client-go's
// defaults; its retries too (10 for a response with Retry-After).
const (
	Manifests   = 100                    // manifests to fetch; --items changes it
	Workers     = 5                      // slide 12's batchSize; --workers changes it
	Latency     = 50 * time.Millisecond  // one GET, served
	Jitter      = 0.2                    // ±20% per GET, seeded: batches wait for stragglers
	MaxInflight = 25                     // the server's seats; --max-inflight
	ClientQPS   = 5                      // client-go's default QPS; --client-qps
	ClientBurst = 10                     // client-go's default Burst; --client-burst
	MaxRetries  = 10                     // retries of a 429 before giving up
	Backoff     = 100 * time.Millisecond // least wait before a retry, doubled per retry
	RetryAfter  = 1                      // seconds, what the server's 429 asks (the real server's value)
)

// Run measures the rate-limiting scenario: 100 manifests
// fetched from a throttling fake API server over real HTTP on loopback, in
// six variants. With env.Serve set it serves the fake API server there
// instead, until ctx is done, and returns nil once it has stopped.
// Otherwise it returns the context's error if ctx is done first.
func Run(ctx context.Context, env report.Env, opts Options) error {
	opts = opts.withDefaults()
	if err := opts.Validate(); err != nil {
		return err
	}
	if env.Serve != "" {
		return serve(ctx, env, opts)
	}
	var errs serving.ErrorLog // net/http's complaints, told in one line at the end
	err := run(ctx, env, opts, overLoopback(&errs))
	if sum := errs.Summary(); sum != "" {
		env.Rec.Announce("ratelimit: " + sum)
	}
	return err
}

// fetchFunc is one way of fetching the manifests, with its limit bound.
type fetchFunc func(context.Context, []ratelimit.ResourceRequest, ratelimit.GetFunc) []error

// variant is one way of fetching the manifests.
type variant struct {
	name, notes string
	role        report.Role
	limit       int
	retries     int     // Client.MaxRetries
	qps         float64 // Client.Limiter's rate at the run's scale; 0 none
	burst       int
	fetch       fetchFunc
}

// window is workerpool.Window of limit, each outcome an error.
func window(limit int) fetchFunc {
	return func(ctx context.Context, rs []ratelimit.ResourceRequest, get ratelimit.GetFunc) []error {
		return report.Errors(workerpool.Window(ctx, rs, limit, get))
	}
}

func variants(n, workers int, env report.Env, o Options) []variant {
	each := func(ctx context.Context, rs []ratelimit.ResourceRequest, get ratelimit.GetFunc) []error {
		return report.Errors(workerpool.Each(ctx, rs, get))
	}
	batches := func(ctx context.Context, rs []ratelimit.ResourceRequest, get ratelimit.GetFunc) []error {
		resp := ratelimit.GetManifestsByBatch(ctx, rs, workers, get)
		errs := make([]error, len(resp))
		for i, r := range resp {
			errs[i] = r.Error
		}
		return errs
	}
	return []variant{
		{name: "sequential", role: report.Bad, notes: "one GET at a time", limit: 1,
			retries: MaxRetries, fetch: window(1)},
		{name: "unlimited", role: report.Bad, notes: "all at once, fail fast on 429", limit: n,
			fetch: each},
		{name: "unlimited+retry", role: report.Bad, notes: fmt.Sprintf("all at once, retry 429 after Retry-After (<= %d)", MaxRetries),
			limit: n, retries: MaxRetries, fetch: each},
		{name: "batches", role: report.Slide, notes: fmt.Sprintf("GetManifestsByBatch, batches of %d (slide 12)", workers), limit: workers,
			retries: MaxRetries, fetch: batches},
		{name: "window", role: report.Fix, notes: fmt.Sprintf("workerpool.Window of %d", workers), limit: workers,
			retries: MaxRetries, fetch: window(workers)},
		{name: "token-bucket", role: report.Fix, notes: fmt.Sprintf("%s, burst %d, window of %d", render.PerSecond(o.ClientQPS, env.Scale), o.ClientBurst, workers),
			limit: workers, retries: MaxRetries, qps: o.ClientQPS / env.Scale, burst: o.ClientBurst, fetch: window(workers)},
	}
}

// run measures every variant against a fresh server (its counts and its
// token bucket start from zero), connected by connect.
func run(ctx context.Context, env report.Env, opts Options, connect connectFunc) error {
	n, workers := env.ItemsOr(Manifests), env.WorkersOr(Workers)
	lat := sim.Scale(sim.Jittered(sim.NewRand(env.Seed), n, Latency, Jitter), env.Scale)
	reqs := requests(n)
	cfg := serverConfig(env, opts, latencyByName(reqs, lat))

	sc := env.Rec.Scenario("ratelimit", "11-13",
		fmt.Sprintf("fetch %d Kubernetes manifests; the API server serves %d at once", n, opts.MaxInflight), n)
	sc.Claim(report.Claim{Operation: "K8s resource fetch (100 items)",
		Before: "sequential", After: "batches", SlideClaim: "5s -> 1s (5x)"})
	stats := map[string]apiserver.Stats{}
	vs := variants(n, workers, env, opts)
	for _, v := range vs {
		s, err := measure(ctx, sc, env, v, reqs, lat, cfg, connect)
		if err != nil {
			return err
		}
		stats[v.name] = s
	}
	tb := vs[slices.IndexFunc(vs, func(v variant) bool { return v.qps > 0 })] // the token bucket
	sc.Notice(render.RateLimit(render.RateLimitFacts{
		Variants: sc.Variants(), Server: stats,
		Workers: workers, Scale: env.Scale, MaxInflight: opts.MaxInflight, ServerQPS: opts.ServerQPS,
		ClientQPS: opts.ClientQPS, ClientBurst: opts.ClientBurst,
		RateBound:   rateBound(lat, tb.qps, tb.burst),
		WindowBound: report.Bound(lat, tb.limit),
	}))
	return nil
}

// measure runs one variant against a new server and returns what the
// server counted.
func measure(ctx context.Context, sc *report.Scenario, env report.Env, v variant,
	reqs []ratelimit.ResourceRequest, lat []time.Duration, cfg apiserver.Config, connect connectFunc) (apiserver.Stats, error) {
	api := apiserver.New(cfg)
	hc, base, closeConn, err := connect(api, len(reqs))
	if err != nil {
		return apiserver.Stats{}, fmt.Errorf("ratelimit: start the API server: %w", err)
	}
	bound := report.Bound(lat, v.limit)
	if v.qps > 0 {
		bound = max(bound, rateBound(lat, v.qps, v.burst))
	}
	spec := report.Spec{Name: v.name, Role: v.role, Limit: v.limit, Bound: bound, Notes: v.notes}
	sc.Measure(ctx, spec, func(ctx context.Context, p *report.Probe) []error {
		// The server asks Retry-After in whole seconds, as the real one
		// does; MaxWait makes a scaled run wait a scaled second.
		c := &ratelimit.Client{HTTP: hc, BaseURL: base, MaxRetries: v.retries,
			Backoff: env.Scaled(Backoff), MaxWait: env.Scaled(RetryAfter * time.Second), OnRetry: p.Retry}
		if v.qps > 0 {
			c.Limiter = rate.NewLimiter(rate.Limit(v.qps), v.burst)
		}
		errs := v.fetch(ctx, reqs, report.Track(p, c.Get))
		// The server's side of the row: what it served and refused,
		// retries included, which the client's ok/failed do not show.
		p.Note(render.ServerNote(api.Stats(), v.retries > 0))
		return errs
	})
	closeErr := closeConn(ctx)
	if err := ctx.Err(); err != nil {
		return api.Stats(), err
	}
	return api.Stats(), closeErr
}

// serverConfig is the fake server of the run: opts' limits, rates at the
// run's scale. Its token bucket holds a tenth of a second's requests.
func serverConfig(env report.Env, o Options, latency func(string) time.Duration) apiserver.Config {
	// Above scale 1 the server asks a scaled Retry-After, in whole seconds.
	cfg := apiserver.Config{Latency: latency, MaxInflight: o.MaxInflight,
		RetryAfter: max(RetryAfter, int(math.Ceil(RetryAfter*env.Scale)))}
	if o.ServerQPS > 0 {
		cfg.QPS = o.ServerQPS / env.Scale
		cfg.Burst = int(math.Ceil(o.ServerQPS / 10))
	}
	return cfg
}

// requests names n objects to fetch.
func requests(n int) []ratelimit.ResourceRequest {
	resources := []string{"configmaps", "secrets", "services"}
	rs := make([]ratelimit.ResourceRequest, n)
	for i := range rs {
		rs[i] = ratelimit.ResourceRequest{Namespace: "default", Resource: resources[i%len(resources)],
			Name: fmt.Sprintf("app-%03d", i+1)}
	}
	return rs
}

// latencyByName tells the server how long each request's GET takes.
func latencyByName(reqs []ratelimit.ResourceRequest, lat []time.Duration) func(string) time.Duration {
	m := make(map[string]time.Duration, len(reqs))
	for i, r := range reqs {
		m[r.Name] = lat[i]
	}
	return func(name string) time.Duration { return m[name] }
}

// rateBound is the earliest the last request can finish under a token
// bucket of qps (per second, at the run's scale) and burst: the tokens
// beyond the burst come one per 1/qps, then the request still takes its
// time.
func rateBound(lat []time.Duration, qps float64, burst int) time.Duration {
	if len(lat) <= burst {
		return 0
	}
	return time.Duration(float64(len(lat)-burst)/qps*float64(time.Second)) + slices.Min(lat)
}
