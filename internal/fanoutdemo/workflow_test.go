package fanoutdemo

import (
	"errors"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
)

// measureWorkflow runs the workflow-status scenario at scale 1 in a bubble,
// where the measured wall times are exact.
func measureWorkflow(t *testing.T, fail string) report.Pattern {
	t.Helper()
	var p report.Pattern
	synctest.Test(t, func(t *testing.T) {
		env := report.NewEnv(1, 1, nil)
		if err := runWorkflow(t.Context(), env, fail); err != nil {
			t.Fatal(err)
		}
		p = env.Rec.Report().Patterns[0]
	})
	return p
}

func TestWorkflowStatusTimes(t *testing.T) {
	for _, tc := range []struct {
		fail string
		// wall ms of sequential, waitgroup, errgroup; failed calls of each
		wall   [3]float64
		failed [3]int
	}{
		{FailNone, [3]float64{500, 300, 300}, [3]int{0, 0, 0}},
		// CI fails at 100 ms: the WaitGroup waits for CD (300 ms),
		// errgroup returns at the failure and cancels CD.
		{FailCI, [3]float64{400, 300, 100}, [3]int{1, 1, 2}},
		{FailCD, [3]float64{300, 200, 100}, [3]int{1, 1, 2}},
	} {
		t.Run(tc.fail, func(t *testing.T) {
			p := measureWorkflow(t, tc.fail)
			if p.Items != 2 || len(p.Variants) != 3 {
				t.Fatalf("items %d, %d variants; want 2 calls, 3 variants", p.Items, len(p.Variants))
			}
			for i, name := range []string{"sequential", "waitgroup", "errgroup"} {
				v := p.Variants[i]
				if v.Name != name || v.WallMS != tc.wall[i] || v.Failed != tc.failed[i] || v.OK+v.Failed != 2 {
					t.Errorf("%s: got %s %.0f ms ok %d failed %d; want %.0f ms, %d failed",
						name, v.Name, v.WallMS, v.OK, v.Failed, tc.wall[i], tc.failed[i])
				}
				if v.BoundMS != v.WallMS {
					t.Errorf("%s: bound %.0f ms, wall %.0f ms; every variant here should meet its bound", name, v.BoundMS, v.WallMS)
				}
			}
			if p.Notice == "" {
				t.Error("no notice")
			}
		})
	}
}

func TestWorkflowErrgroupReportsWhichCallFailed(t *testing.T) {
	p := measureWorkflow(t, FailCI)
	e := p.Variants[2]
	if !strings.Contains(e.Notes, "1 x injected failure (--fail) (expected)") ||
		!strings.Contains(e.Notes, "1 x cd status: cancelled: the other call failed (expected)") || e.Expected != 2 {
		t.Errorf("errgroup notes %q: want one injected failure and one cancelled call", e.Notes)
	}
	if want := "CI failed: the WaitGroup still waited for CD, 300ms; errgroup returned the error after 100ms and cancelled CD"; p.Notice != want {
		t.Errorf("notice\n got %q\nwant %q", p.Notice, want)
	}
}

func TestStatusFetchErrors(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		api := newStatusAPI(report.NewEnv(1, 1, nil), FailCD)
		if _, err := api.fetch(t.Context(), "cd", api.cd); !errors.Is(err, ErrInjected) {
			t.Errorf("failing call: %v, want ErrInjected", err)
		}
		if s, err := api.fetch(t.Context(), "ci", api.ci); err != nil || s != "ci: Succeeded" {
			t.Errorf("healthy call: %q, %v", s, err)
		}
	})
}

func TestOptions(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
		ok   bool
	}{
		{nil, FailNone, true},
		{[]string{"-fail", "ci"}, FailCI, true},
		{[]string{"--fail=cd"}, FailCD, true},
		{[]string{"-fail", "db"}, "db", false},
		{[]string{"--fail", ""}, "", false}, // an empty value is a typo, not "none"
	} {
		var o Options
		fs := newFlagSet()
		o.Bind(fs)
		if err := fs.Parse(tc.args); err != nil {
			t.Fatal(err)
		}
		err := o.Validate()
		if o.Fail != tc.want || (err == nil) != tc.ok {
			t.Errorf("%v: Fail %q, Validate %v; want %q, ok %v", tc.args, o.Fail, err, tc.want, tc.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "want ci, cd or none") {
			t.Errorf("Validate message %q does not say what is valid", err)
		}
	}
	if err := Run(t.Context(), report.NewEnv(1, 1, nil), Options{Fail: "db"}); err == nil {
		t.Error("Run with a bad option ran")
	}
}
