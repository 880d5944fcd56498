package cli

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
)

// --trace writes an execution trace that go tool trace reads: one task per
// variant, named pattern / scenario / variant, with one item region per
// item inside it, every region closed. With --json, stdout is still the
// JSON document alone and the hint how to open the trace is on stderr.
func TestTrace(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to run go tool trace with:", err)
	}
	file := filepath.Join(t.TempDir(), "run.trace")
	code, stdout, stderr := demo(t, t.Context(), "hibernation", "--scale", "0.01", "--json", "--trace", file)
	if code != exitOK || !strings.Contains(stderr, "go tool trace "+file) {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	var rep report.Report
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil || len(rep.Patterns) != 1 {
		t.Fatalf("stdout is not the one JSON report (%v): %q", err, stdout)
	}

	// The trace's own reader, as a person would run it: no reader
	// library in the module for a test.
	out, err := exec.CommandContext(t.Context(), goTool, "tool", "trace", "-d=parsed", file).Output()
	if err != nil {
		t.Fatalf("go tool trace -d=parsed: %v", err)
	}
	tasks, regions := parsedTrace(t, string(out))

	p := rep.Patterns[0]
	var want, got []string
	for _, v := range p.Variants {
		want = append(want, report.TaskName(p.Pattern, p.Scenario, v.Name))
	}
	for _, tk := range tasks {
		got = append(got, tk.name)
		if n := regions[tk.id]; n != [2]int{p.Items, p.Items} {
			t.Errorf("task %q: %d item regions begun, %d ended; want %d each", tk.name, n[0], n[1], p.Items)
		}
	}
	if !slices.Equal(got, want) || len(want) != 3 {
		t.Errorf("tasks %q, want one per variant: %q", got, want)
	}
}

type traceTask struct {
	id   string
	name string
}

var (
	taskBegin   = regexp.MustCompile(`^M=\S+ P=\S+ G=\S+ TaskBegin .* ID=(\d+) .*Type=(".*")$`)
	regionEvent = regexp.MustCompile(`^M=\S+ P=\S+ G=\S+ Region(Begin|End) .* Task=(\d+) Type=(".*")$`)
)

// parsedTrace reads go tool trace -d=parsed: the tasks in the order they
// began, and per task ID how many item regions began and ended.
func parsedTrace(t *testing.T, out string) ([]traceTask, map[string][2]int) {
	t.Helper()
	var tasks []traceTask
	regions := map[string][2]int{}
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if m := taskBegin.FindStringSubmatch(line); m != nil {
			name, err := strconv.Unquote(m[2])
			if err != nil {
				t.Fatalf("task type %s: %v", m[2], err)
			}
			tasks = append(tasks, traceTask{m[1], name})
		}
		if m := regionEvent.FindStringSubmatch(line); m != nil && m[3] == strconv.Quote(report.ItemRegion) {
			n := regions[m[2]]
			if m[1] == "Begin" {
				n[0]++
			} else {
				n[1]++
			}
			regions[m[2]] = n
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return tasks, regions
}

// A bad --trace stops the run before it starts; bad input leaves no file.
func TestTraceBadInput(t *testing.T) {
	dir := t.TempDir()
	never := filepath.Join(dir, "never.trace")
	for _, args := range [][]string{
		{"--trace", ""}, {"--trace", "/dev/null/x"}, {"--trace", dir},
		{"--trace", never, "nope"}, {"sse", "--serve", "127.0.0.1:0", "--trace", never},
	} {
		code, stdout, stderr := demo(t, t.Context(), args...)
		if code != exitUsage || stdout != "" || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit 2, one line on stderr", args, code, stdout, stderr)
		}
	}
	if _, err := os.Stat(never); err == nil {
		t.Error("bad input still made the --trace file")
	}
}
