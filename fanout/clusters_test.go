package fanout

import (
	"context"
	"errors"
	"flag"
	"io"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
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
	if b.Name != "bounded" || b.Limit != ClusterLimit || b.PeakInflight != ClusterLimit || b.WallMS < 3000 {
		t.Errorf("bounded: %+v; want limit and peak in flight %d, no faster than one timeout", b, ClusterLimit)
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
}

func TestClusterVariantsReturnTheSameOutcomes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		env := report.NewEnv(0.1, 7, nil)
		f := newFleet(env, 30)
		for _, v := range clusterVariants(30, 4) {
			rs := v.run(t.Context(), f.clusters, v.limit, f.test)
			if bad := misfiled(f, Errors(rs)); bad != "" {
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
	u, _ := byName(p.Variants, "by-index")
	b, _ := byName(p.Variants, "bounded")
	if u.PeakInflight != 5000 || b.Limit != 500 || b.PeakInflight != 500 {
		t.Errorf("in flight: unbounded %d, bounded %d (limit %d); want 5000, 500, 500", u.PeakInflight, b.PeakInflight, b.Limit)
	}
}

func TestWorkersSetTheBound(t *testing.T) {
	p, _ := measureClusters(t, 0.1, 50, 5)
	if b, _ := byName(p.Variants, "bounded"); b.Limit != 5 || b.PeakInflight != 5 {
		t.Errorf("bounded with --workers 5: limit %d, peak %d", b.Limit, b.PeakInflight)
	}
}

func TestRunStopsPromptlyWhenCancelled(t *testing.T) {
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
			if !v.Partial || v.OK+v.Failed != last.Items {
				t.Errorf("cut variant %s: partial %v, ok %d + failed %d, items %d", v.Name, v.Partial, v.OK, v.Failed, last.Items)
			}
		})
	}
}

func TestRunDefaults(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		env := report.NewEnv(0.2, 1, nil)
		start := time.Now()
		if err := Run(t.Context(), env, Options{}); err != nil {
			t.Fatal(err)
		}
		// The two scenarios at the stage's default scale: about 7 s,
		// 5 s of which is the sequential sweep (slide 24's 25 s x 0.2).
		if got := time.Since(start); got > 7500*time.Millisecond {
			t.Errorf("fanout at scale 0.2 took %v", got)
		}
		ps := env.Rec.Report().Patterns
		if len(ps) != 2 || ps[0].Slides != "8-9" || ps[1].Slides != "10" || ps[1].Items != Clusters {
			t.Errorf("scenarios: %+v", ps)
		}
	})
}
