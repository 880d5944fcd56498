package ssedemo

import (
	"go/build"
	"strings"
	"testing"
)

// The lesson package sse imports only what an attendee copies with it (issue
// 9): the standard library, golang.org/x/sync, golang.org/x/time and this
// module's workerpool; its tests also goleak. Never internal/, never this
// demo: its folder must build on its own. (Those it may import import
// nothing of this module's internal/ either, so direct imports suffice.)
func TestLessonImports(t *testing.T) {
	const module = "github.com/go-concurrency-at-scale/go-concurrency-examples/"
	pkg, err := build.ImportDir("../../sse", build.ImportComment)
	if err != nil {
		t.Fatal(err)
	}
	allowed := func(path string, test bool) bool {
		first, _, _ := strings.Cut(path, "/")
		switch {
		case !strings.Contains(first, "."): // the standard library
			return true
		case strings.HasPrefix(path, "golang.org/x/sync/"), strings.HasPrefix(path, "golang.org/x/time/"):
			return true
		case path == module+"workerpool":
			return true
		case test && (path == "go.uber.org/goleak" || path == module+"sse"):
			return true // the leak check of every TestMain; the Examples' own package
		}
		return false
	}
	for _, imp := range pkg.Imports {
		if !allowed(imp, false) {
			t.Errorf("sse imports %s", imp)
		}
	}
	for _, imp := range append(pkg.TestImports, pkg.XTestImports...) {
		if !allowed(imp, true) {
			t.Errorf("sse's tests import %s", imp)
		}
	}
	if len(pkg.Imports) == 0 || len(pkg.XTestImports) == 0 {
		t.Errorf("read no imports from %s: is it still the sse package?", pkg.Dir)
	}
}
