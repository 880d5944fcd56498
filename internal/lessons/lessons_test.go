// Package lessons holds no code: its test checks that every lesson package
// of the module can be copied on its own. A lesson (and its tests, which
// hold its runnable examples) imports only the standard library,
// golang.org/x/sync, golang.org/x/time, go.uber.org/goleak in tests, and of
// this module at most workerpool, the vocabulary the lessons share.
package lessons

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/go-concurrency-at-scale/go-concurrency-examples"

// lessons are the public packages an attendee copies.
var lessons = []string{"workerpool", "fanout", "ratelimit", "shutdown", "sse", "hibernation", "pitfalls"}

// allowed reports whether a lesson may import path.
func allowed(lesson, path string, test bool) bool {
	first, _, _ := strings.Cut(path, "/")
	switch {
	case !strings.Contains(first, "."): // the standard library
		return true
	case path == module+"/workerpool", path == module+"/"+lesson:
		return true
	case strings.HasPrefix(path, "golang.org/x/sync/"), strings.HasPrefix(path, "golang.org/x/time/"):
		return true
	case test && path == "go.uber.org/goleak":
		return true
	}
	return false
}

func goList(t *testing.T, args ...string) []string {
	t.Helper()
	cmd := exec.Command("go", append([]string{"list"}, args...)...)
	cmd.Dir = "../.."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list %v: %v", args, err)
	}
	return strings.Fields(string(out))
}

func TestLessonsImportOnlyWhatTheyMay(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command on PATH")
	}
	for _, l := range lessons {
		// Every package the lesson needs to build, transitively.
		for _, dep := range goList(t, "-deps", "./"+l) {
			if !allowed(l, dep, false) {
				t.Errorf("%s depends on %s", l, dep)
			}
			if strings.HasPrefix(dep, module+"/internal") || strings.HasPrefix(dep, module+"/cmd") {
				t.Errorf("%s depends on the demo: %s (an attendee cannot copy it alone)", l, dep)
			}
		}
		// What its tests and examples import directly.
		for _, imp := range goList(t, "-f", `{{join .TestImports " "}} {{join .XTestImports " "}}`, "./"+l) {
			if !allowed(l, imp, true) {
				t.Errorf("%s's tests import %s", l, imp)
			}
		}
	}
}
