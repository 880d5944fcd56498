package ratelimit

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"golang.org/x/time/rate"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/apiserver"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/sim"
)

// The slides' world, at scale 1. A GET takes about 50 ms, so 100 one at a
// time take 5 s (slide 13). The server serves MaxInflight at once: more
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

// Run measures the rate-limiting scenario for cmd/demo: 100 manifests
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
	return run(ctx, env, opts, overLoopback)
}

// fetchFunc is a GetManifests function with its limit bound.
type fetchFunc func(context.Context, []ResourceRequest, GetFunc) []ResourceResponse

// variant is one way of fetching the manifests.
type variant struct {
	name, notes string
	limit       int
	retries     int     // Client.MaxRetries
	qps         float64 // Client.Limiter's rate at the run's scale; 0 none
	burst       int
	fetch       fetchFunc
}

func variants(n, workers int, env report.Env, o Options) []variant {
	batches := func(ctx context.Context, rs []ResourceRequest, get GetFunc) []ResourceResponse {
		return GetManifestsByBatch(ctx, rs, workers, get)
	}
	window := func(ctx context.Context, rs []ResourceRequest, get GetFunc) []ResourceResponse {
		return GetManifestsWindow(ctx, rs, workers, get)
	}
	return []variant{
		{name: "sequential", notes: "one GET at a time", limit: 1,
			retries: MaxRetries, fetch: GetManifestsSequential},
		{name: "unlimited", notes: "all at once, fail fast on 429", limit: n,
			fetch: GetManifestsUnlimited},
		{name: "unlimited+retry", notes: fmt.Sprintf("all at once, retry 429 after Retry-After (<= %d)", MaxRetries),
			limit: n, retries: MaxRetries, fetch: GetManifestsUnlimited},
		{name: "batches", notes: fmt.Sprintf("batches of %d (slide 12)", workers), limit: workers,
			retries: MaxRetries, fetch: batches},
		{name: "semaphore", notes: fmt.Sprintf("sliding window of %d", workers), limit: workers,
			retries: MaxRetries, fetch: window},
		{name: "token-bucket", notes: fmt.Sprintf("%s, burst %d, window of %d", perSecond(o.ClientQPS, env.Scale), o.ClientBurst, workers),
			limit: workers, retries: MaxRetries, qps: o.ClientQPS / env.Scale, burst: o.ClientBurst, fetch: window},
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
	sc.Notice(notice(sc.Variants(), stats, bucketFacts{
		workers: workers, scale: env.Scale, opts: opts,
		rateBound:   rateBound(lat, tb.qps, tb.burst),
		windowBound: report.Bound(lat, tb.limit),
	}))
	return nil
}

// measure runs one variant against a new server and returns what the
// server counted.
func measure(ctx context.Context, sc *report.Scenario, env report.Env, v variant,
	reqs []ResourceRequest, lat []time.Duration, cfg apiserver.Config, connect connectFunc) (apiserver.Stats, error) {
	api := apiserver.New(cfg)
	hc, base, closeConn, err := connect(api, len(reqs))
	if err != nil {
		return apiserver.Stats{}, fmt.Errorf("ratelimit: start the API server: %w", err)
	}
	bound := report.Bound(lat, v.limit)
	if v.qps > 0 {
		bound = max(bound, rateBound(lat, v.qps, v.burst))
	}
	spec := report.Spec{Name: v.name, Limit: v.limit, Bound: bound, Notes: v.notes}
	sc.Measure(ctx, spec, func(ctx context.Context, p *report.Probe) []error {
		c := &Client{HTTP: hc, BaseURL: base, MaxRetries: v.retries,
			Backoff: env.Scaled(Backoff), TimeScale: env.Scale, OnRetry: p.Retry}
		if v.qps > 0 {
			c.Limiter = rate.NewLimiter(rate.Limit(v.qps), v.burst)
		}
		get := func(ctx context.Context, r ResourceRequest) ([]byte, error) {
			p.Begin()
			defer p.End()
			return c.Get(ctx, r)
		}
		errs := errorsOf(v.fetch(ctx, reqs, get))
		// The server's side of the row: what it served and refused,
		// retries included, which the client's ok/failed do not show.
		p.Note(serverNote(api.Stats(), v.retries > 0))
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
	cfg := apiserver.Config{Latency: latency, MaxInflight: o.MaxInflight, RetryAfter: RetryAfter}
	if o.ServerQPS > 0 {
		cfg.QPS = o.ServerQPS / env.Scale
		cfg.Burst = int(math.Ceil(o.ServerQPS / 10))
	}
	return cfg
}

// requests names n objects to fetch.
func requests(n int) []ResourceRequest {
	resources := []string{"configmaps", "secrets", "services"}
	rs := make([]ResourceRequest, n)
	for i := range rs {
		rs[i] = ResourceRequest{Namespace: "default", Resource: resources[i%len(resources)],
			Name: fmt.Sprintf("app-%03d", i+1)}
	}
	return rs
}

// latencyByName tells the server how long each request's GET takes.
func latencyByName(reqs []ResourceRequest, lat []time.Duration) func(string) time.Duration {
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

func errorsOf(rs []ResourceResponse) []error {
	errs := make([]error, len(rs))
	for i, r := range rs {
		errs[i] = r.Error
	}
	return errs
}
