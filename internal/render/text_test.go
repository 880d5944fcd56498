package render

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
)

// A row's colour is its role's: bad red, slide plain, fix green; a fix
// that failed items it should not have is yellow, never green; expected
// failures leave a fix green. Without colour the role is still there, in
// words.
func TestRowColourByRole(t *testing.T) {
	p := report.Pattern{Pattern: "workerpool", Items: 10}
	for _, tc := range []struct {
		v      report.Variant
		colour string
	}{
		{report.Variant{Name: "unbounded", Role: report.Bad, OK: 10}, red}, // green once: "ignores ctx" had no failure
		{report.Variant{Name: "batches", Role: report.Slide, OK: 10}, ""},
		{report.Variant{Name: "window", Role: report.Fix, OK: 4, Failed: 6}, yellow},
		{report.Variant{Name: "r.Context()", Role: report.Fix, OK: 4, Failed: 6, Expected: 6}, green}, // red once
	} {
		var b strings.Builder
		NewText(&b, false, true).VariantEnd(p, tc.v)
		want := "\x1b[" + tc.colour + "m"
		if tc.colour == "" {
			if strings.Contains(b.String(), "\x1b[") {
				t.Errorf("%s (%s): %q, want no colour", tc.v.Name, tc.v.Role, b.String())
			}
		} else if !strings.HasPrefix(b.String(), want) {
			t.Errorf("%s (%s): %q, want colour %s", tc.v.Name, tc.v.Role, b.String(), tc.colour)
		}
		var plain strings.Builder
		NewText(&plain, false, false).VariantEnd(p, tc.v)
		if fields := strings.Fields(plain.String()); len(fields) < 2 || fields[1] != string(tc.v.Role) {
			t.Errorf("%s without colour: %q, want its role in words", tc.v.Name, plain.String())
		}
	}
}

// A banner longer than the projector's width wraps at word boundaries with
// an indent; nothing is cut.
func TestAnnounceWraps(t *testing.T) {
	var b strings.Builder
	line := "try: curl http://127.0.0.1:8080/clusters (Ctrl-C curl half-way: the work stops), " +
		"http://127.0.0.1:8080/deploy, http://127.0.0.1:8080/resources, http://127.0.0.1:8080/slow?for=5s; " +
		"then Ctrl-C here to drain (at most 10s; a second Ctrl-C exits at once)"
	NewText(&b, false, false).Announce(line)
	out := strings.TrimSuffix(b.String(), "\n")
	for _, l := range strings.Split(out, "\n") {
		if utf8.RuneCountInString(l) > Width {
			t.Errorf("a line of %d columns: %q", utf8.RuneCountInString(l), l)
		}
	}
	if got := strings.Join(strings.Fields(out), " "); got != line {
		t.Errorf("wrapped text lost words:\n got %q\nwant %q", got, line)
	}
	if !strings.Contains(out, "\n    ") {
		t.Errorf("continuation lines are not indented: %q", out)
	}
}
