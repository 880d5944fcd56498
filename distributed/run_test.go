package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/distributed/internal/fleet"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/distributed/internal/report"
)

func demo(t *testing.T, ctx context.Context, launch fleet.Launcher, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = runWith(ctx, args, &out, &errOut, launch)
	return code, out.String(), errOut.String()
}

// Bad input: one clear line on stderr, exit 2, nothing run or printed;
// what is echoed has its control characters escaped.
func TestBadInput(t *testing.T) {
	for _, args := range [][]string{
		{"--scale", "0"}, {"--scale", "-1"}, {"--scale", "NaN"}, {"--scale", "abc"}, {"--scale", "11"},
		{"--items", "-1"}, {"--items", "0"}, {"--items", "x"}, {"--items", "10001"},
		{"--replicas", "0"}, {"--replicas", "17"}, {"--seed", "1.5"},
		{"--nats", "bad"}, {"--nats", "nats://"}, {"--nats", "http://127.0.0.1:4222"}, {"--nats", "nats://h:99999"},
		{"--nats", "nats://127.0.0.1:4222,ftp://x"}, {"--nats", "\x1b[31mred"},
		{"--cluster", "2"}, {"--cluster", "3", "--nats", "nats://127.0.0.1:4222"},
		{"--bogus"}, {"--\x1b[2J"}, {"extra"}, {"--json", "extra"},
	} {
		code, stdout, stderr := demo(t, t.Context(), nil, args...)
		if code != exitUsage || stdout != "" || strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, "distributed: ") {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit 2 and one line on stderr", args, code, stdout, stderr)
		}
		if strings.ContainsAny(stderr, "\x1b\x00\r") {
			t.Errorf("%q: stderr carries control characters: %q", args, stderr)
		}
	}
}

func TestHelp(t *testing.T) {
	code, stdout, _ := demo(t, t.Context(), nil, "-h")
	if code != exitOK || !strings.Contains(stdout, "Usage: distributed") || !strings.Contains(stdout, "-replicas") {
		t.Errorf("-h: exit %d, stdout %q", code, stdout)
	}
}

// The real thing: replica processes (copies of this test binary, see
// TestMain), one of them SIGKILLed, one SIGTERMed, through the command's
// entry point and its --json report.
func TestJSONWithProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts replica processes")
	}
	t.Setenv("GORACE", "atexit_sleep_ms=0") // a -race replica otherwise waits a second to exit
	code, stdout, stderr := demo(t, t.Context(), nil, "--json", "--scale", "0.25")
	if code != exitOK || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	var r report.Report
	dec := json.NewDecoder(strings.NewReader(stdout))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil || dec.More() {
		t.Fatalf("stdout is not one JSON report (%v):\n%s", err, stdout)
	}
	if r.Scale != 0.25 || r.Seed != 1 || len(r.Patterns) != 1 || r.Interrupted {
		t.Fatalf("report: scale %v, seed %d, %d patterns, interrupted %v", r.Scale, r.Seed, len(r.Patterns), r.Interrupted)
	}
	p := r.Patterns[0]
	if p.Pattern != "distributed" || p.Slides != "6 (at scale)" || p.Items != 100 || len(p.Variants) != 4 || p.Notice == "" {
		t.Fatalf("pattern %q, slides %q, items %d, %d variants, notice %q", p.Pattern, p.Slides, p.Items, len(p.Variants), p.Notice)
	}
	v := map[string]report.Variant{}
	for _, rv := range p.Variants {
		v[rv.Name] = rv
		if rv.OK+rv.Failed != p.Items || rv.Lost != 0 || rv.DuplicateEffects != 0 {
			t.Errorf("%s: ok %d + failed %d of %d, %d lost, %d effects twice", rv.Name, rv.OK, rv.Failed, p.Items, rv.Lost, rv.DuplicateEffects)
		}
	}
	if bad := v["per-replica"]; bad.Role != "bad" || bad.PeakInflight <= 10 || bad.Failed == 0 {
		t.Errorf("per-replica: role %s, %d in flight, %d failed; want the bound exceeded and failures", bad.Role, bad.PeakInflight, bad.Failed)
	}
	for _, name := range []string{"global", "kill -9", "SIGTERM"} {
		if rv := v[name]; rv.Role != "fix" || rv.PeakInflight > 10 || rv.PeakAckPending > 10 || rv.OK != 100 {
			t.Errorf("%s: role %s, %d in flight (server %d), %d ok; want at most 10 and all 100", name, rv.Role, rv.PeakInflight, rv.PeakAckPending, rv.OK)
		}
	}
	// (Whether the kill caught a trigger past its effect depends on the
	// machine's load: TestCrashedReplicaRedelivered retries for one.)
	if k := v["kill -9"]; k.Redelivered == 0 || k.DuplicateEffectsPrevented < k.HeldPastEffect || !strings.Contains(k.Notes, "SIGKILLed") {
		t.Errorf("kill -9: %d redelivered, %d no-ops (%s); want the killed replica's triggers redelivered, "+
			"the ones past their effect made no-ops", k.Redelivered, k.DuplicateEffectsPrevented, k.Notes)
	}
	if s := v["SIGTERM"]; s.Redelivered != s.Nakked || !strings.Contains(s.Notes, "exit status 0") {
		t.Errorf("SIGTERM: %d redelivered, %d nak'd (%s); want no AckWait and a clean exit", s.Redelivered, s.Nakked, s.Notes)
	}
}

// The table for people: every line fits the projector, no escape codes
// when stdout is not a terminal, a row per variant and the line to notice.
func TestTextOutput(t *testing.T) {
	code, stdout, stderr := demo(t, t.Context(), fleet.InProcess(), "--scale", "0.2")
	if code != exitOK || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	for _, want := range []string{"== distributed (slide 6, at scale)", "  variant ", "  per-replica ", "  global ",
		"  kill -9 ", "  SIGTERM ", "\n-> per-replica: ", "in-flight ", "ack-pending "} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	for _, line := range strings.Split(stdout, "\n") {
		if n := utf8.RuneCountInString(line); n > width {
			t.Errorf("%d columns: %q", n, line)
		}
	}
	if strings.Contains(stdout, "\x1b") {
		t.Error("escape codes in output that is not a terminal")
	}
}

func TestWrap(t *testing.T) {
	got := wrap("one two three four five", 9, "  ")
	if want := "one two\n  three\n  four\n  five"; got != want {
		t.Errorf("wrap: %q; want %q", got, want)
	}
	for _, line := range strings.Split(wrap(strings.Repeat("word ", 100), 40, "      "), "\n") {
		if len(line) > 40 {
			t.Errorf("line of %d > 40: %q", len(line), line)
		}
	}
}

func TestEscape(t *testing.T) {
	if got := escape("-\x1b[2J\ttab\u0085é"); got != `-\x1b[2J\ttab\u0085é` {
		t.Errorf("escape: %q", got)
	}
}
