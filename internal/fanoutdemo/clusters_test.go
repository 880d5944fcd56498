package fanoutdemo

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/render"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/sim"
)

func newFlagSet() *flag.FlagSet {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// measureClusters runs the cluster test in a bubble at scale and returns
// the scenario and the fleet it ran against.
func measureClusters(t *testing.T, scale float64, items, workers int) (report.Pattern, fleet) {
	t.Helper()
	var p report.Pattern
	var f fleet
	synctest.Test(t, func(t *testing.T) {
		env := report.NewEnv(scale, 1, nil)
		env.Items, env.Workers = items, workers
		f = newFleet(env, env.ItemsOr(Clusters))
		if err := runClusters(t.Context(), env); err != nil {
			t.Fatal(err)
		}
		p = env.Rec.Report().Patterns[0]
	})
	return p, f
}

func TestClusterTestTimes(t *testing.T) {
	p, f := measureClusters(t, 1, 0, 0)
	var sum time.Duration
	for _, d := range f.durations() {
		sum += d
	}
	want := map[string]float64{
		"sequential": float64(sum.Microseconds()) / 1000,
		"sync-map":   3000, // all at once: exactly the connect timeout
		"by-index":   3000,
	}
	if len(p.Variants) != 4 {
		t.Fatalf("%d variants, want 4", len(p.Variants))
	}
	for _, v := range p.Variants {
		if w, ok := want[v.Name]; ok && v.WallMS != w {
			t.Errorf("%s: %.3f ms, want %.3f", v.Name, v.WallMS, w)
		}
		if v.OK != 45 || v.Failed != 5 {
			t.Errorf("%s: ok %d failed %d, want 45 and 5 (one in ten down)", v.Name, v.OK, v.Failed)
		}
	}
	// Slide 24's 25 s -> 3 s, within the seeded jitter.
	if s := p.Variants[0].WallMS; s < 24000 || s > 26000 {
		t.Errorf("sequential %.0f ms, want about 25 s", s)
	}
	b := p.Variants[3]
	if b.Name != "bounded" || b.Limit != ClusterLimit || b.PeakInflight != ClusterLimit {
		t.Errorf("bounded: %+v; want limit and peak in flight %d", b, ClusterLimit)
	}
	if want := ms(sim.Windowed(f.durations(), ClusterLimit)); b.WallMS != want {
		t.Errorf("bounded: %.3f ms, want %.3f (each cluster on the first free slot)", b.WallMS, want)
	}
	if !strings.Contains(p.Scenario, "3s connect timeout") {
		t.Errorf("title %q: want the run's connect timeout", p.Scenario)
	}
}

// ms is d in the report's unit.
func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func sum(ds []time.Duration) (t time.Duration) {
	for _, d := range ds {
		t += d
	}
	return t
}

func TestTheRunsFiguresAreInTheText(t *testing.T) {
	p, f := measureClusters(t, 0.2, 50, 7)
	if f.timeout != 600*time.Millisecond || !strings.Contains(p.Scenario, "600ms connect timeout") {
		t.Errorf("title %q: want the scaled timeout, 600ms", p.Scenario)
	}
	if b, _ := report.Find(p.Variants, "bounded"); !strings.HasPrefix(b.Notes, "workerpool.Window(7)") {
		t.Errorf("bounded notes %q: want Window(7), the limit it ran with", b.Notes)
	}
	if !strings.Contains(p.Notice, "all at once: 600ms (8.3x), one 600ms connect timeout") {
		t.Errorf("notice %q: want the measured all-at-once time as one timeout", p.Notice)
	}
}

func TestOneClusterIsReachable(t *testing.T) {
	p, f := measureClusters(t, 1, 1, 0)
	if len(f.down()) != 0 {
		t.Fatalf("down %v: a fleet of one should answer", f.down())
	}
	for _, v := range p.Variants {
		if v.OK != 1 || v.Failed != 0 || v.WallMS != ms(f.clusters[0].handshake) {
			t.Errorf("%s: ok %d failed %d in %.3f ms; want 1 ok in its handshake %v", v.Name, v.OK, v.Failed, v.WallMS, f.clusters[0].handshake)
		}
	}
	if !strings.Contains(p.Notice, "no cluster down") || strings.Contains(p.Notice, "connect timeout") || !strings.Contains(p.Notice, "every cluster as answering") {
		t.Errorf("notice %q: no timeout to speak of", p.Notice)
	}
}

func TestAtOnceSaysWhatTheWallIsMadeOf(t *testing.T) {
	f := newFleet(report.NewEnv(0.01, 1, nil), 100)
	facts := func(wallMS float64) render.ClusterFacts {
		return render.ClusterFacts{Variants: []report.Variant{{Name: "sync-map", WallMS: wallMS}}, Timeout: f.timeout, Down: f.down()}
	}
	if got, want := render.ClusterTest(facts(30)), "all at once: 30ms, one 30ms connect timeout"; !strings.Contains(got, want) {
		t.Errorf("at the timeout: %q, want %q", got, want)
	}
	if got, want := render.ClusterTest(facts(90)), "all at once: 90ms, 3.0x the 30ms connect timeout"; !strings.Contains(got, want) {
		t.Errorf("well past the timeout: %q, want %q", got, want)
	}
}

func TestClusterTestFilesEveryErrorUnderItsCluster(t *testing.T) {
	p, f := measureClusters(t, 0.1, 0, 0)
	if len(f.down()) != 5 {
		t.Fatalf("%d clusters down, want 5", len(f.down()))
	}
	if !strings.Contains(p.Notice, "unreachable: "+strings.Join(f.down(), ", ")) ||
		!strings.Contains(p.Notice, "every variant filed them under the right cluster") {
		t.Errorf("notice %q: want the unreachable clusters, checked", p.Notice)
	}
	// The check itself: a misfiled error is caught.
	errs := make([]error, len(f.clusters))
	for i, c := range f.clusters {
		if c.down {
			j := (i + 1) % len(errs) // filed under the next cluster
			errs[j] = errors.Join(errors.New(f.clusters[j].Name+": "), ErrConnectTimeout)
		}
	}
	if misfiled(f, errs) == "" {
		t.Error("misfiled did not catch errors filed under the wrong cluster")
	}
	// An error naming another cluster is misfiled, whatever it is.
	errs = make([]error, len(f.clusters))
	for i, c := range f.clusters {
		if c.down {
			errs[i] = fmt.Errorf("%s: %w", f.clusters[(i+1)%len(errs)].Name, ErrConnectTimeout)
		}
	}
	if bad := misfiled(f, errs); !strings.Contains(bad, "not its own") {
		t.Errorf("misfiled = %q, want an error not its own", bad)
	}
}

func TestAReachableClusterTimingOutIsNotMisfiled(t *testing.T) {
	f := newFleet(report.NewEnv(0.1, 1, nil), 50)
	errs := make([]error, len(f.clusters))
	var late string
	for i, c := range f.clusters {
		switch {
		case c.down:
			errs[i] = fmt.Errorf("%s: %w", c.Name, ErrConnectTimeout)
		case late == "":
			late = c.Name // a busy machine: this one missed its deadline
			errs[i] = fmt.Errorf("%s: %w", c.Name, ErrConnectTimeout)
		}
	}
	if bad := misfiled(f, errs); bad != "" {
		t.Errorf("misfiled = %q: a cluster's own timeout is not misfiled", bad)
	}
	if got := timedOutAnyway(f, errs); !slices.Equal(got, []string{late}) {
		t.Errorf("timedOutAnyway = %v, want [%s]", got, late)
	}
	vs := []report.Variant{{Name: "sync-map", WallMS: 300}}
	n := render.ClusterTest(render.ClusterFacts{Variants: vs, Timeout: f.timeout, Down: f.down(),
		Late: map[string][]string{"sync-map": timedOutAnyway(f, errs)}})
	if !strings.Contains(n, "every variant filed them under the right cluster") ||
		!strings.Contains(n, "reachable but not answered within 300ms on this busy machine: 1 in sync-map") {
		t.Errorf("notice %q: want the extra timeout said apart from misfiling", n)
	}
}

func TestClusterVariantsReturnTheSameOutcomes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		env := report.NewEnv(0.1, 7, nil)
		f := newFleet(env, 30)
		for _, v := range clusterVariants(30, 4) {
			rs := v.run(t.Context(), f.clusters, v.limit, f.test)
			if bad := misfiled(f, report.Errors(rs)); bad != "" {
				t.Errorf("%s: %s", v.name, bad)
			}
			for i, r := range rs {
				c := f.clusters[i]
				if v.name != "sync-map" && !c.down && r.Value != c.Version() {
					t.Errorf("%s: %s reported %q, want its own version %q", v.name, c.Name, r.Value, c.Version())
				}
			}
		}
	})
}

func TestFiveThousandClusters(t *testing.T) {
	p, f := measureClusters(t, 0.01, 5000, 0)
	names := []string{}
	for _, v := range p.Variants {
		names = append(names, v.Name)
		if v.OK+v.Failed != 5000 || v.Failed != len(f.down()) {
			t.Errorf("%s: ok %d failed %d, want 5000 with %d down", v.Name, v.OK, v.Failed, len(f.down()))
		}
	}
	if got := strings.Join(names, ","); got != "sync-map,by-index,bounded" {
		t.Errorf("variants %s: sequential should be skipped at 5000 clusters", got)
	}
	if !strings.Contains(p.Notice, "sequential not run") {
		t.Errorf("notice %q does not say sequential was skipped", p.Notice)
	}
	u, _ := report.Find(p.Variants, "by-index")
	b, _ := report.Find(p.Variants, "bounded")
	if u.PeakInflight != 5000 || b.Limit != 500 || b.PeakInflight != 500 {
		t.Errorf("in flight: unbounded %d, bounded %d (limit %d); want 5000, 500, 500", u.PeakInflight, b.PeakInflight, b.Limit)
	}
}

func TestWorkersSetTheBound(t *testing.T) {
	p, _ := measureClusters(t, 0.1, 50, 5)
	if b, _ := report.Find(p.Variants, "bounded"); b.Limit != 5 || b.PeakInflight != 5 {
		t.Errorf("bounded with --workers 5: limit %d, peak %d", b.Limit, b.PeakInflight)
	}
}

func TestRunStopsPromptlyWhenCancelled(t *testing.T) {
	// At 50 ms the CI call of the sequential workflow fetch is cut and
	// the CD call never runs: both failed. At 2 s the sequential cluster
	// sweep (after 500 + 300 + 300 ms of workflow fetches) is 900 ms in.
	wantOK := map[time.Duration]int{50 * time.Millisecond: 0,
		2 * time.Second: clustersDoneBy(t, 2*time.Second-1100*time.Millisecond)}
	if wantOK[2*time.Second] == 0 {
		t.Fatal("no cluster done 900 ms into the sweep: the case shows nothing")
	}
	for _, at := range []time.Duration{50 * time.Millisecond, 2 * time.Second} {
		synctest.Test(t, func(t *testing.T) {
			env := report.NewEnv(1, 1, nil)
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			time.AfterFunc(at, cancel)
			start := time.Now()
			err := Run(ctx, env, Options{})
			if !errors.Is(err, context.Canceled) {
				t.Errorf("Run = %v, want context.Canceled", err)
			}
			if got := time.Since(start); got != at {
				t.Errorf("Run returned %v after start, want %v: at once", got, at)
			}
			ps := env.Rec.Report().Patterns
			last := ps[len(ps)-1]
			v := last.Variants[len(last.Variants)-1]
			if !v.Partial || v.Name != "sequential" || v.OK != wantOK[at] || v.Failed != last.Items-wantOK[at] {
				t.Errorf("cut variant %s of %q: partial %v, ok %d, failed %d; want sequential, partial, ok %d of %d",
					v.Name, last.Scenario, v.Partial, v.OK, v.Failed, wantOK[at], last.Items)
			}
		})
	}
}

// clustersDoneBy is how many clusters a sequential sweep finds reachable
// within d (none may end exactly at d: the cut would be ambiguous).
func clustersDoneBy(t *testing.T, d time.Duration) int {
	t.Helper()
	f := newFleet(report.NewEnv(1, 1, nil), Clusters)
	var at time.Duration
	ok := 0
	for i, c := range f.clusters {
		at += f.durations()[i]
		if at == d {
			t.Fatalf("%s ends exactly at the cut, %v", c.Name, d)
		}
		if at > d {
			break
		}
		if !c.down {
			ok++
		}
	}
	return ok
}

func TestRunDefaults(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		env := report.NewEnv(0.2, 1, nil)
		start := time.Now()
		if err := Run(t.Context(), env, Options{}); err != nil {
			t.Fatal(err)
		}
		// The two scenarios at the stage's default scale: the workflow
		// fetches (100 + 60 + 60 ms), then the sweep one at a time
		// (slide 24's 25 s x 0.2), twice all at once (one 600 ms
		// timeout) and bounded by 20.
		f := newFleet(env, Clusters)
		ds := f.durations()
		want := 220*time.Millisecond + sum(ds) + 2*f.timeout + sim.Windowed(ds, ClusterLimit)
		if got := time.Since(start); got != want {
			t.Errorf("fanout at scale 0.2 took %v, want %v", got, want)
		}
		ps := env.Rec.Report().Patterns
		if len(ps) != 2 || ps[0].Slides != "8-9" || ps[1].Slides != "10" || ps[1].Items != Clusters {
			t.Errorf("scenarios: %+v", ps)
		}
	})
}
