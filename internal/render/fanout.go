package render

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
)

// WorkflowStatus is the line under the workflow-status table (slide 9).
// fail is the call --fail made fail: "ci", "cd" or "".
func WorkflowStatus(vs []report.Variant, fail string) string {
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
			Dur(w.WallMS), Dur(s.WallMS), gain)
	}
	other := map[string]string{"ci": "CD", "cd": "CI"}[fail]
	return fmt.Sprintf("%s failed: the WaitGroup still waited for %s, %s; errgroup returned the error after %s and cancelled %s",
		strings.ToUpper(fail), other, Dur(w.WallMS), Dur(e.WallMS), other)
}

// ClusterFacts is what the cluster connection test measured besides the
// variants: the fleet's truth and what each variant reported against it.
type ClusterFacts struct {
	Variants          []report.Variant
	Timeout           time.Duration       // the per-cluster connect timeout
	Down              []string            // the clusters that are down
	SequentialSkipped bool                // over SequentialBudget at scale 1
	SequentialBudget  time.Duration       //
	Misfiled          map[string]string   // variant: the first outcome not its cluster's own
	Late              map[string][]string // variant: reachable clusters that timed out anyway
}

// ClusterTest is the line under the cluster connection test's table
// (slide 10): the sweep times, and whether every variant filed the
// unreachable clusters, and only them, under their own names.
func ClusterTest(f ClusterFacts) string {
	var b strings.Builder
	par, ok := report.Find(f.Variants, "sync-map")
	if !ok {
		return ""
	}
	if s, ok := report.Find(f.Variants, "sequential"); ok {
		fmt.Fprintf(&b, "one after the other: %s; all at once: %s (%.1fx), %s",
			Dur(s.WallMS), Dur(par.WallMS), s.WallMS/par.WallMS, atOnce(f, par.WallMS))
	} else {
		fmt.Fprintf(&b, "sequential not run (over %s at scale 1); all at once: %s, %s",
			DurOf(f.SequentialBudget), Dur(par.WallMS), atOnce(f, par.WallMS))
	}
	if bd, ok := report.Find(f.Variants, "bounded"); ok {
		fmt.Fprintf(&b, ", %d at a time: %s", bd.Limit, Dur(bd.WallMS))
	}
	fmt.Fprintf(&b, "; unreachable: %s", Names(f.Down, 5))
	for _, name := range slices.Sorted(maps.Keys(f.Misfiled)) {
		fmt.Fprintf(&b, "; MISMATCH in %s: %s", name, f.Misfiled[name])
		return b.String()
	}
	if len(f.Down) == 0 {
		b.WriteString(" (every variant reported every cluster as answering)")
	} else {
		b.WriteString(" (every variant filed them under the right cluster)")
	}
	var late []string
	for _, name := range slices.Sorted(maps.Keys(f.Late)) {
		late = append(late, fmt.Sprintf("%d in %s", len(f.Late[name]), name))
	}
	if len(late) > 0 {
		fmt.Fprintf(&b, "; reachable but not answered within %s on this busy machine: %s (names in the rows' notes)",
			DurOf(f.Timeout), strings.Join(late, ", "))
	}
	return b.String()
}

// atOnce says what the all-at-once time is made of, from the measured
// wall: one connect timeout only if a cluster is down and the wall is
// within a tenth of the timeout.
func atOnce(f ClusterFacts, wallMS float64) string {
	t := float64(f.Timeout.Microseconds()) / 1000
	switch {
	case len(f.Down) == 0:
		return "no cluster down: the slowest handshake"
	case wallMS <= 1.1*t:
		return fmt.Sprintf("one %s connect timeout", DurOf(f.Timeout))
	}
	return fmt.Sprintf("%.1fx the %s connect timeout", wallMS/t, DurOf(f.Timeout))
}

// Names lists at most most of ns, and how many more there are.
func Names(ns []string, most int) string {
	if len(ns) == 0 {
		return "none"
	}
	if len(ns) <= most {
		return strings.Join(ns, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(ns[:most], ", "), len(ns)-most)
}
