package ratelimitdemo

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/apiserver"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/sim"
)

func variantNamed(t *testing.T, vs []report.Variant, name string) report.Variant {
	t.Helper()
	i := slices.IndexFunc(vs, func(v report.Variant) bool { return v.Name == name })
	if i < 0 {
		t.Fatalf("no variant %q", name)
	}
	return vs[i]
}

// msOf is d in milliseconds as the report has them, to the microsecond.
func msOf(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// The whole scenario at scale 1 in a bubble: the figures are the slides',
// exactly, computed from the same seeded latencies.
func TestScenario(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		env := report.NewEnv(1, 7, nil)
		var logs []*serverLog // one per variant, in order
		connect := func(api http.Handler, conns int) (*http.Client, string, func(context.Context) error, error) {
			l := &serverLog{start: time.Now(), next: api}
			logs = append(logs, l)
			return inMemoryConnect(l, conns)
		}
		if err := run(t.Context(), env, DefaultOptions(), connect); err != nil {
			t.Fatal(err)
		}
		// A second pattern, so that the report has its slide-24 summary.
		env.Rec.Scenario("other", "1", "other", 0)
		rep := env.Rec.Report()
		p := rep.Patterns[0]
		var names []string
		for _, v := range p.Variants {
			names = append(names, v.Name)
			if v.OK+v.Failed != Manifests || v.Partial {
				t.Errorf("%s: %d ok + %d failed, want all %d accounted for", v.Name, v.OK, v.Failed, Manifests)
			}
		}
		if want := []string{"sequential", "unlimited", "unlimited+retry", "batches", "window", "token-bucket"}; !slices.Equal(names, want) {
			t.Fatalf("variants %v, want %v", names, want)
		}

		lat := sim.Jittered(sim.NewRand(7), Manifests, Latency, Jitter)
		var sum, batches time.Duration
		for i := 0; i < len(lat); i += Workers {
			batches += slices.Max(lat[i:min(i+Workers, len(lat))])
		}
		for _, d := range lat {
			sum += d
		}
		vs := p.Variants
		seq, un, retry := variantNamed(t, vs, "sequential"), variantNamed(t, vs, "unlimited"), variantNamed(t, vs, "unlimited+retry")
		bat, sem, tb := variantNamed(t, vs, "batches"), variantNamed(t, vs, "window"), variantNamed(t, vs, "token-bucket")
		if seq.WallMS != msOf(sum) || seq.WallMS != seq.BoundMS || seq.PeakInflight != 1 {
			t.Errorf("sequential took %vms (bound %v), want the sum of the latencies, %vms", seq.WallMS, seq.BoundMS, msOf(sum))
		}
		if un.OK != MaxInflight || un.Retries != 0 || !strings.Contains(un.Notes, "75 x 429 Too Many Requests (Retry-After 1s)") {
			t.Errorf("unlimited: %d ok, %d retries, notes %q; want %d ok, the 429s tallied", un.OK, un.Retries, un.Notes, MaxInflight)
		}
		// The herd: 25 get through at 0, 1 s, 2 s and 3 s; which 25 each
		// time is the scheduler's choice, so the end is the slowest GET
		// of the last wave, whichever 25 they were.
		waves := map[time.Duration]int{}
		var herdEnd time.Duration
		for _, r := range logs[2].served() {
			waves[r.at]++
			herdEnd = max(herdEnd, r.at+lat[r.index])
		}
		if want := map[time.Duration]int{0: 25, time.Second: 25, 2 * time.Second: 25, 3 * time.Second: 25}; !maps.Equal(waves, want) {
			t.Errorf("unlimited+retry served %v (start: count), want %v", waves, want)
		}
		if retry.OK != Manifests || retry.Retries != 75+50+25 || retry.WallMS != msOf(herdEnd) {
			t.Errorf("unlimited+retry: %d ok, %d retries in %vms; want all, 150 retries, in %vms", retry.OK, retry.Retries, retry.WallMS, msOf(herdEnd))
		}
		if want := "server: 100 served, 150 x 429"; !strings.Contains(retry.Notes, want) {
			t.Errorf("unlimited+retry notes %q, want %q", retry.Notes, want)
		}
		if bat.WallMS != msOf(batches) || bat.Retries != 0 || bat.PeakInflight != Workers {
			t.Errorf("batches took %vms, %d retries, %d at once; want the sum of each batch's slowest, %vms, no retries, %d",
				bat.WallMS, bat.Retries, bat.PeakInflight, msOf(batches), Workers)
		}
		if want := msOf(sim.Windowed(lat, Workers)); sem.WallMS != want || sem.WallMS >= bat.WallMS || sem.PeakInflight != Workers {
			t.Errorf("window took %vms with %d at once, batches %vms: want %vms, each GET on the first free slot, %d at once",
				sem.WallMS, sem.PeakInflight, bat.WallMS, want, Workers)
		}
		// The 100th token comes at (100-10)/5 = 18 s; that GET takes lat[99].
		if want := msOf(18*time.Second + lat[Manifests-1]); tb.WallMS != want || tb.BoundMS != msOf(18*time.Second+slices.Min(lat)) {
			t.Errorf("token-bucket took %vms (bound %v), want %vms", tb.WallMS, tb.BoundMS, want)
		}
		win := sim.Windowed(lat, Workers)
		if want := fmt.Sprintf("unlimited: 75/100 got 429 (server serves 25 at once); retrying: %.2fs, 150 retries; "+
			"5 at once: %.1fx sequential, no 429, window %.0f%% faster than batches; "+
			"token bucket: 18s for 90 past its burst of 10 (5/s), whatever the 5 workers: it limits rate, not concurrency",
			herdEnd.Seconds(), float64(sum)/float64(batches), 100*float64(batches-win)/float64(batches)); p.Notice != want {
			t.Errorf("notice\n%s\nwant\n%s", p.Notice, want)
		}

		if len(rep.Summary) != 1 {
			t.Fatalf("summary %+v, want the K8s resource fetch row", rep.Summary)
		}
		row := rep.Summary[0]
		if row.Operation != "K8s resource fetch (100 items)" || row.BeforeVariant != "sequential" || row.AfterVariant != "batches" ||
			row.SlideClaim != "5s -> 1s (5x)" || row.Speedup != seq.WallMS/bat.WallMS {
			t.Errorf("summary row %+v", row)
		}
	})
}

// --items, --workers and the server's limit change the scenario.
func TestScenarioSizes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		env := report.NewEnv(0.5, 1, nil)
		env.Items, env.Workers = 30, 10
		opts := DefaultOptions()
		opts.MaxInflight = 8 // a batch of 10 is over the server's limit
		if err := run(t.Context(), env, opts, inMemoryConnect); err != nil {
			t.Fatal(err)
		}
		vs := env.Rec.Report().Patterns[0].Variants
		un, bat := variantNamed(t, vs, "unlimited"), variantNamed(t, vs, "batches")
		if un.OK != 8 || un.Failed != 22 {
			t.Errorf("unlimited: %d ok, %d failed; want 8 and 22", un.OK, un.Failed)
		}
		// Every batch of 10 has 2 refused, retried after 0.5 s: the knee.
		if bat.OK != 30 || bat.Retries != 6 || bat.Limit != 10 {
			t.Errorf("batches: %d ok, %d retries, limit %d; want 30, 6, 10", bat.OK, bat.Retries, bat.Limit)
		}
	})
}

// Cancelled in the middle of a variant, Run returns the context's error at
// once, the variant is partial, and every item is still accounted for.
func TestScenarioCancelled(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		env := report.NewEnv(1, 1, nil)
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
		defer cancel()
		var err error
		took := timed(func() { err = run(ctx, env, DefaultOptions(), inMemoryConnect) })
		if !errors.Is(err, context.DeadlineExceeded) || took != 2*time.Second {
			t.Fatalf("run = %v after %v, want the deadline at 2s", err, took)
		}
		// Fetched: the GETs, one at a time, that ended before 2 s.
		ok, end := 0, time.Duration(0)
		for _, d := range sim.Jittered(sim.NewRand(1), Manifests, Latency, Jitter) {
			if end += d; end >= 2*time.Second {
				break
			}
			ok++
		}
		vs := env.Rec.Report().Patterns[0].Variants
		if len(vs) != 1 || !vs[0].Partial || vs[0].OK != ok || vs[0].Failed != Manifests-ok {
			t.Errorf("variants %+v, want one partial sequential, %d ok and %d failed", vs, ok, Manifests-ok)
		}
	})
}

// The demo's path: real HTTP on loopback, at a tiny scale. Only what does
// not depend on the machine's speed is asserted; TestMain's goleak checks
// that every server and connection is gone.
func TestRunOverLoopback(t *testing.T) {
	env := report.NewEnv(0.01, 1, nil)
	env.Items = 20
	opts := Options{MaxInflight: 5}
	if err := Run(t.Context(), env, opts); err != nil {
		t.Fatal(err)
	}
	for _, v := range env.Rec.Report().Patterns[0].Variants {
		if v.OK+v.Failed != 20 {
			t.Errorf("%s: %d ok + %d failed, want 20", v.Name, v.OK, v.Failed)
		}
		if v.Name != "unlimited" && v.Failed != 0 {
			t.Errorf("%s: %d failed (%s), want all fetched", v.Name, v.Failed, v.Notes)
		}
	}
}

// A bad option is refused before anything starts.
func TestRunRejectsBadOptions(t *testing.T) {
	env := report.NewEnv(1, 1, nil)
	if err := Run(t.Context(), env, Options{MaxInflight: -1}); err == nil || !strings.Contains(err.Error(), "--max-inflight") {
		t.Errorf("Run = %v, want the --max-inflight error", err)
	}
	if n := len(env.Rec.Report().Patterns); n != 0 {
		t.Errorf("%d scenarios ran, want none", n)
	}
}

// announceObserver passes the lines announced to a channel.
type announceObserver struct{ lines chan string }

func (announceObserver) ScenarioStart(report.Pattern) {}
func (announceObserver) VariantStart(report.Pattern, string, *report.Probe) func() {
	return func() {}
}
func (announceObserver) VariantEnd(report.Pattern, report.Variant) {}
func (announceObserver) Notice(report.Pattern, string)             {}
func (o announceObserver) Announce(line string)                    { o.lines <- line }

// Ctrl-C over real HTTP/2 on loopback, as in the demo: cancelled while
// requests are in flight (one, or a herd), run returns at once rather
// than draining a server whose only client has gone.
func TestRunCancelledOverLoopback(t *testing.T) {
	// 20 manifests: fewer than the server's 25 seats, so no 429, and the
	// n-th request to arrive is in a known variant.
	const n = 20
	for _, tc := range []struct {
		name string
		at   int64 // cancel when this request reaches the server
	}{
		{"sequential", 5},          // one request in flight
		{"unlimited", n + 10},      // a herd of streams on one connection
		{"window", 4*n + 3},        // a window of 5
		{"token-bucket", 5*n + 15}, // waiting for tokens, past the burst
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := report.NewEnv(0.5, 1, nil)
			env.Items = n
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			var arrived atomic.Int64
			var cancelled atomic.Int64 // when cancel was called, in UnixNano
			connect := func(api http.Handler, conns int) (*http.Client, string, func(context.Context) error, error) {
				return overLoopback(nil)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if arrived.Add(1) == tc.at {
						cancelled.Store(time.Now().UnixNano())
						cancel()
					}
					api.ServeHTTP(w, r)
				}), conns)
			}
			err := run(ctx, env, DefaultOptions(), connect)
			took := time.Since(time.Unix(0, cancelled.Load()))
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("run = %v, want cancelled", err)
			}
			// Not a timing claim: the bug this guards against is a wait of
			// the server's whole DrainTimeout after the client gave up.
			if took >= apiserver.DrainTimeout {
				t.Errorf("run returned %v after the cancel, as long as a drain", took)
			}
			vs := env.Rec.Report().Patterns[0].Variants
			if last := vs[len(vs)-1]; last.Name != tc.name || !last.Partial || last.OK+last.Failed != n {
				t.Errorf("last variant %s (partial %v, %d+%d), want %s, partial, every item counted",
					last.Name, last.Partial, last.OK, last.Failed, tc.name)
			}
		})
	}
}
