package hibernationdemo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/render"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/sim"
)

func runAt(t *testing.T, scale float64, items, workers int) report.Pattern {
	t.Helper()
	var p report.Pattern
	synctest.Test(t, func(t *testing.T) {
		env := report.NewEnv(scale, 1, nil)
		env.Items, env.Workers = items, workers
		if err := Run(t.Context(), env); err != nil {
			t.Fatal(err)
		}
		p = env.Rec.Report().Patterns[0]
	})
	return p
}

func TestRunMeasuresTheSlide(t *testing.T) {
	p := runAt(t, 1, 0, 0)
	if p.Pattern != "hibernation" || p.Slides != "18-20" || p.Items != 100 || len(p.Variants) != 3 {
		t.Fatalf("scenario %+v", p)
	}
	rs := newResources(1, 100, 1, CheckTime, Jitter)
	lat := latencies(rs)
	for _, tc := range []struct {
		name  string
		limit int
		want  time.Duration
	}{
		{"sequential", 1, sum(lat)}, {"batches", 10, sim.Batched(lat, 10)}, {"window", 10, sim.Windowed(lat, 10)},
	} {
		v, ok := report.Find(p.Variants, tc.name)
		if !ok {
			t.Fatalf("no %s variant", tc.name)
		}
		if want := float64(tc.want.Microseconds()) / 1000; v.WallMS != want {
			t.Errorf("%s: %.3f ms, want %.3f", tc.name, v.WallMS, want)
		}
		if v.Limit != tc.limit || v.PeakInflight != tc.limit || v.OK != 100 || v.Failed != 0 {
			t.Errorf("%s: limit %d, peak %d, ok %d, failed %d", tc.name, v.Limit, v.PeakInflight, v.OK, v.Failed)
		}
	}
	// About slide 20's 5 s and 500 ms.
	s, _ := report.Find(p.Variants, "sequential")
	b, _ := report.Find(p.Variants, "batches")
	if s.WallMS < 4900 || s.WallMS > 5100 || b.WallMS < 500 || b.WallMS > 560 {
		t.Errorf("sequential %.0f ms, batches %.0f ms: want about 5 s and 500 ms", s.WallMS, b.WallMS)
	}
	if !strings.Contains(p.Notice, "every variant counted "+render.HibernationCounts(truth(rs))+": the truth") {
		t.Errorf("notice %q: want the counts checked against the truth", p.Notice)
	}
	w, _ := report.Find(p.Variants, "window")
	if want := fmt.Sprintf("batches of 10: %s, ", render.Dur(b.WallMS)); !strings.HasPrefix(p.Notice, want) || !strings.Contains(p.Notice, "a window of 10: "+render.Dur(w.WallMS)) {
		t.Errorf("notice\n got %q\nwant prefix %q", p.Notice, want)
	}
	if !strings.Contains(p.Notice, "faster than one at a time") {
		t.Errorf("notice %q: batches are faster than one at a time at 100 resources", p.Notice)
	}
	if p.Scenario != "hibernation check: 100 resources, one ~50ms API call each" {
		t.Errorf("title %q", p.Scenario)
	}
}

func TestOneResourceIsNoFaster(t *testing.T) {
	p := runAt(t, 0.2, 1, 0)
	if !strings.HasPrefix(p.Scenario, "hibernation check: 1 resource, one ~10ms API call") {
		t.Errorf("title %q: want the run's figures", p.Scenario)
	}
	if !strings.Contains(p.Notice, "no faster than one at a time") ||
		!strings.Contains(p.Notice, "no faster than the batches") || strings.Contains(p.Notice, "x faster") {
		t.Errorf("notice %q: one resource is one call whatever the shape", p.Notice)
	}
}

func TestRunCounts97(t *testing.T) {
	p := runAt(t, 0.1, 97, 0)
	for _, v := range p.Variants {
		if v.OK != 97 || v.Failed != 0 {
			t.Errorf("%s: ok %d failed %d, want 97 and 0", v.Name, v.OK, v.Failed)
		}
	}
	if !strings.Contains(p.Notice, "of 97 checked: the truth") {
		t.Errorf("notice %q", p.Notice)
	}
}

func TestWorkersSetTheBatch(t *testing.T) {
	p := runAt(t, 0.1, 0, 5)
	for _, name := range []string{"batches", "window"} {
		if v, _ := report.Find(p.Variants, name); v.Limit != 5 || v.PeakInflight != 5 {
			t.Errorf("%s with --workers 5: limit %d, peak %d", name, v.Limit, v.PeakInflight)
		}
	}
}

func TestRunReportsPartialCountsWhenCancelled(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		env := report.NewEnv(1, 1, nil)
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		// During the batches: sequential takes about 5 s.
		at := 5*time.Second + 200*time.Millisecond
		time.AfterFunc(at, cancel)
		start := time.Now()
		if err := Run(ctx, env); !errors.Is(err, context.Canceled) {
			t.Errorf("Run = %v, want context.Canceled", err)
		}
		if got := time.Since(start); got != at {
			t.Errorf("Run returned after %v, want %v (at once)", got, at)
		}
		p := env.Rec.Report().Patterns[0]
		if len(p.Variants) != 2 {
			t.Fatalf("%d variants measured, want sequential and the cut batches", len(p.Variants))
		}
		b := p.Variants[1]
		if b.Name != "batches" || !b.Partial || b.OK+b.Failed != 100 || b.OK == 0 || b.Failed == 0 {
			t.Errorf("cut variant %+v: want partial batches, some ok, some not", b)
		}
		if !strings.Contains(b.Notes, "partial: ") || !strings.Contains(b.Notes, fmt.Sprintf("of %d checked", b.OK)) {
			t.Errorf("cut variant's notes %q: want its partial counts, %d checked", b.Notes, b.OK)
		}
		if !strings.Contains(p.Notice, "cancelled during batches: partial counts") ||
			strings.Contains(p.Notice, "the truth") {
			t.Errorf("notice %q: want partial counts, no claim of the truth", p.Notice)
		}
	})
}
