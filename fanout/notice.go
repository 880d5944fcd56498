package fanout

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
)

// workflowNotice says what the workflow-status table shows, from its figures.
func workflowNotice(vs []report.Variant, fail string) string {
	s, ok1 := byName(vs, "sequential")
	w, ok2 := byName(vs, "waitgroup")
	e, ok3 := byName(vs, "errgroup")
	if !ok1 || !ok2 || !ok3 {
		return ""
	}
	if fail == "" {
		return fmt.Sprintf("fan-out takes the longer call, %s, not both in turn, %s (%.0f%% faster); "+
			"errgroup is the same when nothing fails (try --fail ci)",
			dur(w.WallMS), dur(s.WallMS), 100*(1-w.WallMS/s.WallMS))
	}
	other := map[string]string{"ci": "CD", "cd": "CI"}[fail]
	return fmt.Sprintf("%s failed: the WaitGroup still waited for %s, %s; errgroup returned the error after %s and cancelled %s",
		strings.ToUpper(fail), other, dur(w.WallMS), dur(e.WallMS), other)
}

// clusterNotice compares the sweep times and checks that every variant
// reported the unreachable clusters, and only them, under their own names.
func clusterNotice(vs []report.Variant, f fleet, got map[string][]error) string {
	var b strings.Builder
	par, ok := byName(vs, "sync-map")
	if !ok {
		return ""
	}
	if s, ok := byName(vs, "sequential"); ok {
		fmt.Fprintf(&b, "one after the other: %s; all at once: %s, one connect timeout (%.1fx)", dur(s.WallMS), dur(par.WallMS), s.WallMS/par.WallMS)
	} else {
		fmt.Fprintf(&b, "sequential not run (over %v at scale 1); all at once: %s, one connect timeout", SequentialBudget, dur(par.WallMS))
	}
	if bd, ok := byName(vs, "bounded"); ok {
		fmt.Fprintf(&b, ", %d at a time: %s", bd.Limit, dur(bd.WallMS))
	}
	down := f.down()
	fmt.Fprintf(&b, "; unreachable: %s", names(down, 5))
	for _, name := range slices.Sorted(maps.Keys(got)) {
		if bad := misfiled(f, got[name]); bad != "" {
			fmt.Fprintf(&b, "; MISMATCH in %s: %s", name, bad)
			return b.String()
		}
	}
	fmt.Fprintf(&b, " (every variant filed them under the right cluster)")
	return b.String()
}

// misfiled names the first cluster whose reported outcome is not the
// simulated truth (a timeout if and only if it is down), or "".
func misfiled(f fleet, errs []error) string {
	for i, c := range f.clusters {
		var err error
		if i < len(errs) {
			err = errs[i]
		}
		timedOut := errors.Is(err, ErrConnectTimeout) && strings.HasPrefix(err.Error(), c.Name+":")
		switch {
		case c.down && !timedOut:
			return fmt.Sprintf("%s is down but got %v", c.Name, err)
		case !c.down && err != nil:
			return fmt.Sprintf("%s answered but got %v", c.Name, err)
		}
	}
	return ""
}

func names(ns []string, most int) string {
	if len(ns) == 0 {
		return "none"
	}
	if len(ns) <= most {
		return strings.Join(ns, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(ns[:most], ", "), len(ns)-most)
}

func byName(vs []report.Variant, name string) (report.Variant, bool) {
	for _, v := range vs {
		if v.Name == name {
			return v, true
		}
	}
	return report.Variant{}, false
}

// dur prints a measured time in ms below a second, in seconds above.
func dur(ms float64) string {
	if ms < 1000 {
		return fmt.Sprintf("%.0f ms", ms)
	}
	return fmt.Sprintf("%.2f s", ms/1000)
}
