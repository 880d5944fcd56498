package shutdowndemo

import "time"

// The simulated world of the shutdown demo, at scale 1 (every latency is
// multiplied by --scale). It is built to the slides' figures, so that the
// slides' arithmetic comes out: slide 15's cluster creation is 50 API calls
// of 100 ms, its "~5 seconds". What a run measures is the overhead, the
// jitter and the schedule of real servers and clients around these
// figures, not the figures themselves.

// Slide 15's cluster creation: 50 Kubernetes API calls of 100 ms, about
// 5 s, and a client that gives up after about 1 s. It leaves half-way
// through call 11, so that a timer firing a little late or early never
// changes which call the disconnect interrupts.
const (
	ClusterCalls   = 50
	APICallLatency = 100 * time.Millisecond
	ClientPatience = 1050 * time.Millisecond
)

// Graceful shutdown: 20 requests in flight when the signal comes, most of
// them 1 s of work and one in ten a 2.5 s report export, and 5 new
// requests after it. The drain timeout is long enough for all of them, or
// short enough to cut the exports off.
const (
	DrainRequests = 20
	NewRequests   = 5
	RequestWork   = time.Second
	ExportWork    = 2500 * time.Millisecond
	ExportShare   = 0.1
	DrainTimeout  = 5 * time.Second
	ShortDrain    = 1500 * time.Millisecond
)

// A deployment: eight steps of 100 ms, the last of which records the
// release. The user closes the browser after 350 ms, half-way through
// step 4. A detached deployment has 3 s of its own: less than the drain
// timeouts (DrainTimeout, ServeDrainTimeout), which are less than the
// pod's grace period, as shutdown.Detached wants.
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

// Slide 23's leak: 20 requests, each a 250 ms job whose lease a background
// loop renews every 100 ms (not a multiple: no renewal falls at the very
// moment a job ends). After the requests end, the demo watches for three
// more ticks.
const (
	LeaseRequests = 20
	LeaseJob      = 250 * time.Millisecond
	LeaseEvery    = 100 * time.Millisecond
	leakWatch     = 3 // ticks
)

// ServeDrainTimeout is how long the --serve server gives the requests in
// flight after Ctrl-C. A real server's setting, not a simulated latency,
// so --scale does not change it. Kubernetes sends SIGKILL 30 s after
// SIGTERM by default (terminationGracePeriodSeconds), well after the drain
// gave up.
const ServeDrainTimeout = 10 * time.Second

// maxSlow caps /slow?for=, so a typo does not hold the drain for an hour.
const maxSlow = time.Minute
