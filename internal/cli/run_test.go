package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"testing/synctest"
	"time"
	"unicode/utf8"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/pitfallsdemo"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/render"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
)

// demo runs the real entry point with args and returns what it printed.
func demo(t *testing.T, ctx context.Context, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(ctx, args, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

// Bad input: one clear line on stderr, exit 2, nothing run or printed.
func TestBadInput(t *testing.T) {
	for _, args := range [][]string{
		{"--scale", "0"}, {"--scale", "-1"}, {"--scale", "NaN"}, {"--scale", "abc"}, {"--scale", "100"},
		{"--workers", "0"}, {"--items", "-5"}, {"--items", "x"}, {"--items", "0"}, {"--items", "10000000"},
		{"--bogus"}, {"nope"}, {"workerpool", "--workers", "-3"}, {"workerpool", "extra"},
		{"--serve", "127.0.0.1:0"}, {"workerpool", "--serve", "127.0.0.1:8080"},
		{"sse", "--serve", "127.0.0.1:0", "--json"}, {"list", "workerpool"}, {"sse", "--serve", "127.0.0.1:99999"},
		{"workerpool", "--fail", "ci"}, {"hibernation", "--max-inflight", "3"}, {"fanout", "--fail", ""},
		{"hibernation", "--items", "100000", "--workers", "1"}, {"--scale", "1e-9"}, {"--scale", "0.009"}, {"sse", "--serve", ""}, {"sse", "--serve", "0:0"}, {"sse", "--serve", "example.com:80"}, {"--\x1b[2Jx"}, {"nope\x07\r"},
	} {
		code, stdout, stderr := demo(t, t.Context(), args...)
		if code != exitUsage || stdout != "" || strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, "go-concurrency-examples: ") ||
			strings.ContainsAny(stderr, "\x1b\x07\r") {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit 2, one line on stderr", args, code, stdout, stderr)
		}
	}
	if _, _, stderr := demo(t, t.Context(), "nope"); !strings.Contains(stderr, "valid: workerpool") {
		t.Errorf("unknown pattern does not name the valid ones: %q", stderr)
	}
}

func TestHelpAndList(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"--help"}, {"workerpool", "-h"}} {
		code, stdout, _ := demo(t, t.Context(), args...)
		if code != exitOK || !strings.Contains(stdout, "Usage: go-concurrency-examples") || !strings.Contains(stdout, "-scale") {
			t.Errorf("%q: exit %d, stdout %q", args, code, stdout)
		}
	}
	code, stdout, _ := demo(t, t.Context(), "list")
	if code != exitOK || !strings.Contains(stdout, "workerpool") || !strings.Contains(stdout, "3, 5-7") {
		t.Errorf("list: exit %d, stdout %q", code, stdout)
	}
	checkWidth(t, "list", stdout)
	_, stdout, _ = demo(t, t.Context(), "-h")
	checkWidth(t, "-h", stdout)
}

// The whole run, as on stage but tiny: every scenario's table and notice,
// no colour and no progress when stdout is not a terminal.
func TestFullRun(t *testing.T) {
	code, stdout, stderr := demo(t, t.Context(), "--scale", "0.01")
	if code != exitOK || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	// "-> batches": at this tiny scale a loaded machine can blur the gap
	// the notice then reports honestly as none.
	for _, want := range []string{"scale 0.01", "== workerpool (slides 3, 5-7)", "  unbounded", "  window", "-> batches"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, "\x1b") {
		t.Error("escape codes in output that is not a terminal")
	}
	checkWidth(t, "the full run", stdout)
}

// checkWidth fails for every line of out wider than the projector's 100
// columns.
func checkWidth(t *testing.T, what, out string) {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		if n := utf8.RuneCountInString(line); n > render.Width {
			t.Errorf("%s: a line of %d columns: %q", what, n, line)
		}
	}
}

// --json is the report contract and nothing else; flags may stand before
// or after the pattern's name.
func TestJSON(t *testing.T) {
	for _, args := range [][]string{
		{"workerpool", "--json", "--scale", "0.01", "--items", "7"},
		{"--items", "7", "--json", "workerpool", "--scale=0.01"},
	} {
		code, stdout, stderr := demo(t, t.Context(), args...)
		if code != exitOK || stderr != "" {
			t.Fatalf("%q: exit %d, stderr %q", args, code, stderr)
		}
		var r report.Report
		dec := json.NewDecoder(strings.NewReader(stdout))
		if err := dec.Decode(&r); err != nil || dec.More() {
			t.Fatalf("%q: stdout is not one JSON document (%v):\n%s", args, err, stdout)
		}
		if r.Scale != 0.01 || len(r.Patterns) != 2 || r.Summary != nil {
			t.Errorf("%q: scale %v, %d patterns, summary %v", args, r.Scale, len(r.Patterns), r.Summary)
		}
		for _, p := range r.Patterns {
			if p.Items != 7 {
				t.Errorf("%q: %s has %d items, want 7", args, p.Scenario, p.Items)
			}
			for _, v := range p.Variants {
				if v.OK+v.Failed != p.Items {
					t.Errorf("%q: %s: ok %d + failed %d != %d", args, v.Name, v.OK, v.Failed, p.Items)
				}
			}
		}
	}
}

// Ctrl-C half-way (the context run is given): exit 130, and the JSON keeps
// what was measured, marked interrupted, with the stopped variant partial.
// In a synctest bubble the cut falls at exactly the same point every time.
func TestInterrupted(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
		defer cancel()
		code, stdout, _ := demo(t, ctx, "--scale", "1", "--json")
		if code != exitInterrupted {
			t.Fatalf("exit %d, want %d", code, exitInterrupted)
		}
		var r report.Report
		if err := json.Unmarshal([]byte(stdout), &r); err != nil {
			t.Fatal(err)
		}
		vs := r.Patterns[0].Variants
		if !r.Interrupted || len(vs) != 2 || vs[0].Partial || !vs[1].Partial {
			t.Errorf("interrupted %v, variants %+v; want unbounded whole and batches partial", r.Interrupted, vs)
		}
	})
}

// The slides' bugs, run for real: all seven as their own scenarios, or the
// ones of one pattern after it with --pitfalls. Not under -race: two of
// them race by design.
func TestPitfalls(t *testing.T) {
	if pitfallsdemo.RaceEnabled {
		t.Skip("the pitfalls race by design; run: go test ./cmd/demo (without -race)")
	}
	code, stdout, _ := demo(t, t.Context(), "pitfalls", "--scale", "0.01")
	if code != exitOK || strings.Count(stdout, "== pitfalls") != 7 || !strings.Contains(stdout, "index out of range") {
		t.Errorf("pitfalls: exit %d\n%s", code, stdout)
	}
	code, stdout, _ = demo(t, t.Context(), "workerpool", "--pitfalls", "--scale", "0.01")
	if code != exitOK || strings.Count(stdout, "== pitfalls") != 3 || !strings.Contains(stdout, "forgot Done") {
		t.Errorf("workerpool --pitfalls: exit %d\n%s", code, stdout)
	}
	if code, stdout, _ := demo(t, t.Context(), "--scale", "0.01"); strings.Contains(stdout, "== pitfalls") || code != exitOK {
		t.Error("the full run ran the pitfalls")
	}
}

// --step's pause is nothing at all without a terminal.
func TestStepperWithoutTerminal(t *testing.T) {
	if stepper(t.Context(), io.Discard, nil) != nil {
		t.Error("a pause without a terminal")
	}
}

// The full run as JSON: every pattern in slide order, every item of every
// variant accounted for, and the five rows of slide 24 in the summary.
func TestFullRunJSON(t *testing.T) {
	code, stdout, stderr := demo(t, t.Context(), "--json", "--scale", "0.01")
	if code != exitOK || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	var r report.Report
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, p := range r.Patterns {
		if len(order) == 0 || order[len(order)-1] != p.Pattern {
			order = append(order, p.Pattern)
		}
		for _, v := range p.Variants {
			if v.OK+v.Failed != p.Items || v.Partial {
				t.Errorf("%s/%s: ok %d + failed %d != %d items", p.Pattern, v.Name, v.OK, v.Failed, p.Items)
			}
		}
	}
	if got, want := strings.Join(order, " "), "workerpool fanout ratelimit shutdown sse hibernation"; got != want {
		t.Errorf("patterns ran in order %q, want %q", got, want)
	}
	if len(r.Summary) != len(report.Slide24) {
		t.Fatalf("summary has %d rows, want %d", len(r.Summary), len(report.Slide24))
	}
	for i, row := range r.Summary {
		if row.Operation != report.Slide24[i].Operation || row.AfterMS <= 0 || row.Verdict == "" {
			t.Errorf("summary row %d: %+v", i, row)
		}
	}
}

// A run that the inputs make long says how long, computed before it
// starts, and how to shorten it; past the limit it does not start unless
// --long asks for it.
func TestBudget(t *testing.T) {
	reg := registry(newFlagSet(&options{}))
	hib, _ := lookup(reg, "hibernation")
	env := report.Env{Scale: 0.2, Seed: 1, Items: 20_000, Workers: 1}
	warning, err := budget(env, []pattern{hib}, false)
	if err != nil || !strings.HasPrefix(warning, "this run takes about 10m00s (hibernation 10m00s)") || !strings.Contains(warning, "--scale") {
		t.Errorf("20,000 checks one at a time: %q, %v; want a warning of 10m: three variants of 200s", warning, err)
	}
	env.Items = 100_000
	if _, err := budget(env, []pattern{hib}, false); err == nil || !strings.Contains(err.Error(), "--long") {
		t.Errorf("100,000 one at a time: %v, want refused, naming --long", err)
	}
	if _, err := budget(env, []pattern{hib}, true); err != nil {
		t.Errorf("with --long: %v, want it allowed", err)
	}
	if w, err := budget(report.Env{Scale: 0.2, Seed: 1}, reg, false); w != "" || err != nil {
		t.Errorf("the full run: %q, %v; want no warning", w, err)
	}
}

// A run that would hold more connections open than the process may open
// descriptors is refused before it starts, with what would work.
func TestCheckDescriptors(t *testing.T) {
	reg := registry(newFlagSet(&options{}))
	sh, _ := lookup(reg, "shutdown")
	env := report.Env{Scale: 0.2, Seed: 1, Items: 600}
	if err := checkDescriptors(env, []pattern{sh}, 256); err == nil || !strings.Contains(err.Error(), "ulimit -n") {
		t.Errorf("600 requests with 256 descriptors: %v, want refused", err)
	}
	if err := checkDescriptors(env, []pattern{sh}, 4096); err != nil {
		t.Errorf("600 requests with 4096 descriptors: %v", err)
	}
	if err := checkDescriptors(env, []pattern{sh}, 0); err != nil {
		t.Errorf("no limit known: %v, want no check", err)
	}
}

// A --serve address off loopback is said to be reachable from the network,
// once; loopback and no --serve say nothing.
func TestExposedWarning(t *testing.T) {
	for addr, warns := range map[string]bool{
		"0.0.0.0:8080": true, ":8080": true, "192.168.1.20:80": true,
		"127.0.0.1:8080": false, "localhost:0": false, "[::1]:80": false, "": false,
	} {
		if got := exposed(addr); (got != "") != warns || warns && !strings.Contains(got, "reachable from the network") {
			t.Errorf("exposed(%q) = %q, want a warning: %v", addr, got, warns)
		}
	}
}
