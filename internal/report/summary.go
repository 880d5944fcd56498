package report

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// SlideRow is one row of slide 24 as the slide states it, at scale 1.
type SlideRow struct {
	Operation string
	Items     int           // the size the slide measured
	Before    time.Duration // 0: "Crash", no time
	After     time.Duration
	Claim     string // the slide's words
}

// Slide24 is the slide's table, in its order: what the demo measures
// against. A scenario names its row by Operation in Scenario.Claim.
var Slide24 = []SlideRow{
	{"CI Auto-trigger (100 pipelines)", 100, 0, 2 * time.Second, "Crash -> 2s"},
	{"Workflow status fetch", 2, 500 * time.Millisecond, 300 * time.Millisecond, "500ms -> 300ms (40%)"},
	{"K8s resource fetch (100 items)", 100, 5 * time.Second, time.Second, "5s -> 1s (5x)"},
	{"Hibernation check (100 resources)", 100, 5 * time.Second, 500 * time.Millisecond, "5s -> 500ms (10x)"},
	{"Cluster connection test (50 clusters)", 50, 25 * time.Second, 3 * time.Second, "25s -> 3s (8.3x)"},
}

// Tolerance is how far a measured figure, brought to scale 1, may be from
// the slide's before the summary says it differs.
const Tolerance = 0.10

// summarize builds the slide-24 rows, in the slide's order, from the
// scenarios' claims, once more than one pattern ran (a single pattern's
// table already says it all).
func summarize(ps []Pattern, scale float64) []SummaryRow {
	names := map[string]bool{}
	for _, p := range ps {
		names[p.Pattern] = true
	}
	if len(names) < 2 {
		return nil
	}
	var rows []SummaryRow
	for _, p := range ps {
		for _, c := range p.claims {
			before, ok1 := Find(p.Variants, c.Before)
			after, ok2 := Find(p.Variants, c.After)
			if !ok1 || !ok2 || before.Partial || after.Partial {
				continue // not measured whole: the run was cut short
			}
			rows = append(rows, compare(c, p.Items, before, after, scale))
		}
	}
	order := func(op string) int {
		for i, s := range Slide24 {
			if s.Operation == op {
				return i
			}
		}
		return len(Slide24)
	}
	slices.SortStableFunc(rows, func(a, b SummaryRow) int { return order(a.Operation) - order(b.Operation) })
	return rows
}

// compare makes one summary row and checks it against the slide.
func compare(c Claim, items int, before, after Variant, scale float64) SummaryRow {
	row := SummaryRow{
		Operation: c.Operation, BeforeVariant: c.Before, AfterVariant: c.After,
		BeforeMS: before.WallMS, AfterMS: after.WallMS, SlideClaim: c.SlideClaim,
		BeforeFailed: before.Failed, AfterFailed: after.Failed,
		Scale1BeforeMS: before.WallMS / scale, Scale1AfterMS: after.WallMS / scale,
	}
	s, onSlide := slideRow(c.Operation)
	crash := onSlide && s.Before == 0 // slide 24's "Crash": no time to compare
	if after.WallMS > 0 && !crash {
		row.Speedup = before.WallMS / after.WallMS
	}
	if !onSlide {
		row.Verdict = "not on slide 24"
		return row
	}
	row.SlideClaim = s.Claim
	row.SlideBeforeMS, row.SlideAfterMS = ms(s.Before), ms(s.After)
	row.Verdict = verdict(s, items, row)
	row.MatchesSlide = row.Verdict == "as on the slide"
	return row
}

// verdict says whether the measurement reproduces the slide, and if not,
// where it differs: the honest column of the table. Failures the two
// variants share (unreachable clusters) are the workload's, not a
// difference; "after" failing more than "before" is.
func verdict(s SlideRow, items int, row SummaryRow) string {
	if items != s.Items {
		return fmt.Sprintf("measured with %d items, the slide with %d", items, s.Items)
	}
	var diffs []string
	if s.Before == 0 {
		if row.BeforeFailed == 0 {
			diffs = append(diffs, "before did not fail")
		}
	} else if d := off(row.Scale1BeforeMS, ms(s.Before)); d != "" {
		diffs = append(diffs, "before "+d)
	}
	if d := off(row.Scale1AfterMS, ms(s.After)); d != "" {
		diffs = append(diffs, "after "+d)
	}
	if s.Before == 0 && row.AfterFailed > 0 || s.Before != 0 && row.AfterFailed > row.BeforeFailed {
		diffs = append(diffs, fmt.Sprintf("after failed %d", row.AfterFailed))
	}
	if len(diffs) == 0 {
		return "as on the slide"
	}
	return "differs: " + strings.Join(diffs, ", ")
}

// off is "" when got is within Tolerance of want, else by how much it is off.
func off(got, want float64) string {
	r := got/want - 1
	if math.Abs(r) <= Tolerance {
		return ""
	}
	return fmt.Sprintf("%+.0f%%", 100*r)
}

func slideRow(op string) (SlideRow, bool) {
	for _, s := range Slide24 {
		if s.Operation == op {
			return s, true
		}
	}
	return SlideRow{}, false
}

// Find returns the variant of vs with that name, if it was measured.
func Find(vs []Variant, name string) (Variant, bool) {
	for _, v := range vs {
		if v.Name == name {
			return v, true
		}
	}
	return Variant{}, false
}
