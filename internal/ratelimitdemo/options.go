package ratelimitdemo

import (
	"flag"
	"fmt"
)

// Options are the scenario's own flags: the server's limits and the
// client's token bucket, so attendees can move them and find the knee.
// Rates are at scale 1 and scaled with the latencies. The zero Options is
// the default setup.
type Options struct {
	MaxInflight int     // --max-inflight: requests the server serves at once
	ServerQPS   float64 // --server-qps: requests per second the server admits; 0 no limit
	ClientQPS   float64 // --client-qps: the token-bucket variant's rate
	ClientBurst int     // --client-burst: the token-bucket variant's burst
}

// DefaultOptions is the setup of the slides' world: a server that serves
// MaxInflight at once and has no rate limit, and client-go's default
// QPS and Burst for the token bucket.
func DefaultOptions() Options {
	return Options{MaxInflight: MaxInflight, ClientQPS: ClientQPS, ClientBurst: ClientBurst}
}

// Bind registers the options as flags on fs, with the defaults.
func (o *Options) Bind(fs *flag.FlagSet) {
	d := DefaultOptions()
	fs.IntVar(&o.MaxInflight, "max-inflight", d.MaxInflight,
		"ratelimit: requests the fake API server serves at once; more get 429")
	fs.Float64Var(&o.ServerQPS, "server-qps", d.ServerQPS,
		"ratelimit: requests per second the fake API server admits, at scale 1; 0 for no rate limit")
	fs.Float64Var(&o.ClientQPS, "client-qps", d.ClientQPS,
		"ratelimit: the token-bucket client's requests per second, at scale 1 (client-go's default)")
	fs.IntVar(&o.ClientBurst, "client-burst", d.ClientBurst,
		"ratelimit: the token-bucket client's burst (client-go's default)")
}

// Limits that keep a typo from stalling the demo on stage.
const (
	maxInflightLimit = 100_000
	minQPS, maxQPS   = 0.1, 100_000
	maxBurst         = 100_000
)

// Validate reports the first bad option, in one line that names the flag.
func (o Options) Validate() error {
	switch {
	case o.MaxInflight < 1 || o.MaxInflight > maxInflightLimit:
		return fmt.Errorf("--max-inflight must be from 1 to %d, not %d", maxInflightLimit, o.MaxInflight)
	case o.ServerQPS != 0 && !(o.ServerQPS >= minQPS && o.ServerQPS <= maxQPS): // !(...) catches NaN
		return fmt.Errorf("--server-qps must be 0 (no limit) or from %g to %g, not %v", minQPS, float64(maxQPS), o.ServerQPS)
	case !(o.ClientQPS >= minQPS && o.ClientQPS <= maxQPS):
		return fmt.Errorf("--client-qps must be from %g to %g, not %v", minQPS, float64(maxQPS), o.ClientQPS)
	case o.ClientBurst < 1 || o.ClientBurst > maxBurst:
		return fmt.Errorf("--client-burst must be from 1 to %d, not %d", maxBurst, o.ClientBurst)
	}
	return nil
}

// withDefaults fills the zero fields, so Options{} is the default setup.
func (o Options) withDefaults() Options {
	d := DefaultOptions()
	if o.MaxInflight == 0 {
		o.MaxInflight = d.MaxInflight
	}
	if o.ClientQPS == 0 {
		o.ClientQPS = d.ClientQPS
	}
	if o.ClientBurst == 0 {
		o.ClientBurst = d.ClientBurst
	}
	return o
}
