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
	s, ok1 := report.Find(vs, "sequential")
	w, ok2 := report.Find(vs, "waitgroup")
	e, ok3 := report.Find(vs, "errgroup")
	if !ok1 || !ok2 || !ok3 {
		return ""
	}
	if fail == "" {
		gain := "no faster here"
		if w.WallMS < s.WallMS {
			gain = fmt.Sprintf("%.0f%% faster", 100*(1-w.WallMS/s.WallMS))
		}
		return fmt.Sprintf("fan-out takes the longer call, %s, not both in turn, %s (%s); "+
			"errgroup is the same when nothing fails (try --fail ci)",
			dur(w.WallMS), dur(s.WallMS), gain)
	}
	other := map[string]string{"ci": "CD", "cd": "CI"}[fail]
	return fmt.Sprintf("%s failed: the WaitGroup still waited for %s, %s; errgroup returned the error after %s and cancelled %s",
		strings.ToUpper(fail), other, dur(w.WallMS), dur(e.WallMS), other)
}

// clusterNotice compares the sweep times and checks that every variant
// reported the unreachable clusters, and only them, under their own names.
// A reachable cluster that timed out anyway (a machine too busy to run its
// handshake in time) is said apart: its error is its own, not misfiled.
func clusterNotice(vs []report.Variant, f fleet, got map[string][]error) string {
	var b strings.Builder
	par, ok := report.Find(vs, "sync-map")
	if !ok {
		return ""
	}
	if s, ok := report.Find(vs, "sequential"); ok {
		fmt.Fprintf(&b, "one after the other: %s; all at once: %s (%.1fx), %s", dur(s.WallMS), dur(par.WallMS), s.WallMS/par.WallMS, atOnce(f, par.WallMS))
	} else {
		fmt.Fprintf(&b, "sequential not run (over %v at scale 1); all at once: %s, %s", SequentialBudget, dur(par.WallMS), atOnce(f, par.WallMS))
	}
	if bd, ok := report.Find(vs, "bounded"); ok {
		fmt.Fprintf(&b, ", %d at a time: %s", bd.Limit, dur(bd.WallMS))
	}
	fmt.Fprintf(&b, "; unreachable: %s", names(f.down(), 5))
	variants := slices.Sorted(maps.Keys(got))
	for _, name := range variants {
		if bad := misfiled(f, got[name]); bad != "" {
			fmt.Fprintf(&b, "; MISMATCH in %s: %s", name, bad)
			return b.String()
		}
	}
	if len(f.down()) == 0 {
		b.WriteString(" (every variant reported every cluster as answering)")
	} else {
		b.WriteString(" (every variant filed them under the right cluster)")
	}
	var late []string
	for _, name := range variants {
		if n := len(timedOutAnyway(f, got[name])); n > 0 {
			late = append(late, fmt.Sprintf("%d in %s", n, name))
		}
	}
	if len(late) > 0 {
		fmt.Fprintf(&b, "; reachable but not answered within %v on this busy machine: %s (names in the rows' notes)",
			f.timeout, strings.Join(late, ", "))
	}
	return b.String()
}

// atOnce says what the all-at-once time is made of, from the measured
// wall: one connect timeout only if a cluster is down and the wall is
// within a tenth of the timeout.
func atOnce(f fleet, wallMS float64) string {
	t := float64(f.timeout.Microseconds()) / 1000
	switch {
	case len(f.down()) == 0:
		return "no cluster down: the slowest handshake"
	case wallMS <= 1.1*t:
		return fmt.Sprintf("one %v connect timeout", f.timeout)
	}
	return fmt.Sprintf("%.1fx the %v connect timeout", wallMS/t, f.timeout)
}

// misfiled names the first cluster whose reported outcome is not its own:
// an error that names another cluster, a down cluster without its connect
// timeout, or a reachable one with an error other than a timeout; or "".
// A reachable cluster's own timeout is not misfiled: see timedOutAnyway.
func misfiled(f fleet, errs []error) string {
	for i, c := range f.clusters {
		var err error
		if i < len(errs) {
			err = errs[i]
		}
		timedOut := errors.Is(err, ErrConnectTimeout)
		switch {
		case err != nil && !strings.HasPrefix(err.Error(), c.Name+":"):
			return fmt.Sprintf("%s got an error not its own: %v", c.Name, err)
		case c.down && !timedOut:
			return fmt.Sprintf("%s is down but got %v", c.Name, err)
		case !c.down && err != nil && !timedOut:
			return fmt.Sprintf("%s answered but got %v", c.Name, err)
		}
	}
	return ""
}

// timedOutAnyway names the reachable clusters that reached their own
// connect timeout: on a loaded machine a handshake can miss its deadline.
func timedOutAnyway(f fleet, errs []error) []string {
	var late []string
	for i, c := range f.clusters {
		if i < len(errs) && !c.down && errors.Is(errs[i], ErrConnectTimeout) {
			late = append(late, c.Name)
		}
	}
	return late
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

// dur prints a measured time in ms below a second, in seconds above.
func dur(ms float64) string {
	if ms < 1000 {
		return fmt.Sprintf("%.0f ms", ms)
	}
	return fmt.Sprintf("%.2f s", ms/1000)
}
