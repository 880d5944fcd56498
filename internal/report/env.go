package report

import "time"

// Env is what cmd/demo hands every pattern's Run: the run's settings from the
// command line and the Recorder that collects the measurements.
type Env struct {
	Scale   float64 // multiplies every simulated latency; > 0
	Seed    int64   // seeds every simulated latency
	Items   int     // --items; 0 means the scenario's own size
	Workers int     // --workers; 0 means the scenario's own bound
	Serve   string  // --serve ADDR: run a pattern's server interactively; "" for the self-running demo
	Rec     *Recorder
}

// NewEnv returns an Env at scale and seed whose Recorder tells obs (which
// may be nil) about every measurement; tests use it with obs nil.
func NewEnv(scale float64, seed int64, obs Observer) Env {
	return Env{Scale: scale, Seed: seed, Rec: NewRecorder(scale, seed, obs)}
}

// Scaled returns d at the run's scale: the slides' figures are at scale 1.
func (e Env) Scaled(d time.Duration) time.Duration {
	return time.Duration(float64(d) * e.Scale)
}

// ItemsOr returns --items if it was given, else the scenario's default.
func (e Env) ItemsOr(def int) int {
	if e.Items > 0 {
		return e.Items
	}
	return def
}

// WorkersOr returns --workers if it was given, else the scenario's default.
func (e Env) WorkersOr(def int) int {
	if e.Workers > 0 {
		return e.Workers
	}
	return def
}
