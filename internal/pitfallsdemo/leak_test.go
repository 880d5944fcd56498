package pitfallsdemo

import (
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"unicode/utf8"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/render"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
)

// With GOEXPERIMENT=goroutineleakprofile (CI's own step: it needs its own
// build), the runtime reports the slides' forgotten Done and abandoned
// send, each child's shape run for real, and not the loop with no exit
// (running, not blocked), which goleak still finds; no fix leaks at all.
func TestLeakProfile(t *testing.T) {
	if !leakProfileBuilt {
		t.Skip("built without GOEXPERIMENT=goroutineleakprofile; run: " +
			"GOEXPERIMENT=goroutineleakprofile go test -run Leak ./internal/pitfallsdemo")
	}
	want := map[string]struct{ runtime, goleak []stackCount }{
		"forgot Done": {
			[]stackCount{{N: 1, Func: "pitfallsdemo.forgotDone", Where: "sync.(*WaitGroup).Wait"}},
			[]stackCount{{N: 1, Func: "pitfallsdemo.forgotDone"}}},
		"abandoned send": {
			[]stackCount{{N: childRequests, Func: "pitfallsdemo.handle.func1"}},
			[]stackCount{{N: childRequests, Func: "pitfallsdemo.handle.func1"}}},
		"no exit": {
			[]stackCount{},
			[]stackCount{{N: 1, Func: "pitfallsdemo.noExit.func1"}}},
	}
	for _, s := range leakShapes {
		r, err := askRuntime(t.Context(), s.pitfall)
		if err != nil {
			t.Fatalf("%s: %v", s.pitfall, err)
		}
		w := want[s.pitfall]
		if !slices.Equal(r.Bad.Runtime, w.runtime) {
			t.Errorf("%s: the runtime reported %+v, want %+v", s.pitfall, r.Bad.Runtime, w.runtime)
		}
		// goleak's state words are its own ("chan send (leaked)"): only
		// who and how many are checked.
		got := slices.Clone(r.Bad.Goleak)
		for i := range got {
			got[i].Where = ""
		}
		if !slices.Equal(got, w.goleak) {
			t.Errorf("%s: goleak found %+v, want %+v", s.pitfall, r.Bad.Goleak, w.goleak)
		}
		if total(r.Fix.Runtime) != 0 || total(r.Fix.Goleak) != 0 {
			t.Errorf("%s: the fix leaked: %+v", s.pitfall, r.Fix)
		}
	}
}

// Without the experiment the leaking pitfalls say, once, how to turn it
// on, and only when a leaking one ran.
func TestLeakProfileOff(t *testing.T) {
	if leakProfileBuilt {
		t.Skip("built with the experiment: TestLeakProfile checks it")
	}
	synctest.Test(t, func(t *testing.T) {
		for pattern, wantLines := range map[string]int{"shutdown": 1, "fanout": 0} {
			obs := &announced{}
			env := report.NewEnv(1, 1, obs)
			if err := Run(t.Context(), env, pattern); err != nil {
				t.Fatal(err)
			}
			if len(obs.lines) != wantLines || wantLines == 1 && obs.lines[0] != leakHowToNote {
				t.Errorf("%s: announced %q, want the how-to line %d times", pattern, obs.lines, wantLines)
			}
		}
	})
}

// Each of the two notes is one line of the projector's width.
func TestLeakNotesFitOneLine(t *testing.T) {
	for _, l := range []string{leakExperimentNote, leakHowToNote} {
		if n := utf8.RuneCountInString(l); n > render.Width {
			t.Errorf("%d columns, more than %d: %q", n, render.Width, l)
		}
	}
}

type announced struct{ lines []string }

func (a *announced) ScenarioStart(report.Pattern) {}
func (a *announced) VariantStart(report.Pattern, string, *report.Probe) (end func()) {
	return func() {}
}
func (a *announced) VariantEnd(report.Pattern, report.Variant) {}
func (a *announced) Notice(report.Pattern, string)             {}
func (a *announced) Announce(line string)                      { a.lines = append(a.lines, line) }

// The two answers as this toolchain writes them, read back.
func TestLeakParse(t *testing.T) {
	profile := `goroutineleak profile: total 3
2 @ 0x47fb4e 0x41491c 0x486321
# labels: {"pitfall":"abandoned send/bad"}
#	0x4dffd8	github.com/go-concurrency-at-scale/go-concurrency-examples/internal/pitfallsdemo.handle.func1+0x38	/x/leakchild.go:140

1 @ 0x47fb4e 0x461352 0x461329 0x480c8e 0x48b4e5 0x4dfebf 0x486321
# labels: {"pitfall":"forgot Done/bad"}
#	0x480c8d	sync.runtime_SemacquireWaitGroup+0x2d	/usr/local/go/src/runtime/sema.go:114
#	0x48b4e4	sync.(*WaitGroup).Wait+0x84		/usr/local/go/src/sync/waitgroup.go:206
#	0x4dfebe	github.com/go-concurrency-at-scale/go-concurrency-examples/internal/pitfallsdemo.forgotDone+0x3e	/x/leakchild.go:105

`
	if got, want := leakedWith(profile, "forgot Done/bad"), []stackCount{{1, "pitfallsdemo.forgotDone", "sync.(*WaitGroup).Wait"}}; !slices.Equal(got, want) {
		t.Errorf("forgot Done: %+v, want %+v", got, want)
	}
	if got, want := leakedWith(profile, "abandoned send/bad"), []stackCount{{2, "pitfallsdemo.handle.func1", ""}}; !slices.Equal(got, want) {
		t.Errorf("abandoned send: %+v, want %+v", got, want)
	}
	if got := leakedWith(profile, "no exit/bad"); len(got) != 0 {
		t.Errorf("no exit: %+v, want none", got)
	}
	found := `found unexpected goroutines:
[Goroutine 7 in state sleep, with time.Sleep on top of the stack:
time.Sleep(0xf4240)
	/usr/local/go/src/runtime/time.go:363 +0x165
github.com/go-concurrency-at-scale/go-concurrency-examples/internal/pitfallsdemo.doWork()
	/x/leakchild.go:90 +0x17
github.com/go-concurrency-at-scale/go-concurrency-examples/internal/pitfallsdemo.noExit.func1()
	/x/leakchild.go:151 +0x13
created by github.com/go-concurrency-at-scale/go-concurrency-examples/internal/pitfallsdemo.noExit in goroutine 1
	/x/leakchild.go:149 +0x1a
]`
	if got, want := goleakStacks(found), []stackCount{{1, "pitfallsdemo.noExit.func1", "sleep"}}; !slices.Equal(got, want) {
		t.Errorf("goleak: %+v, want %+v", got, want)
	}
	if got := leakNotice(shapeResult{Bad: finding{Runtime: []stackCount{}, Goleak: goleakStacks(found)}}); !strings.Contains(got,
		"0 leaked (the loop keeps running, it is not blocked: not a leak to the runtime); goleak: 1 alive: "+
			"pitfallsdemo.noExit.func1 waiting in sleep; the fix: 0 leaked, 0 alive") {
		t.Errorf("notice: %q", got)
	}
}
