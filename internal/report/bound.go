package report

import (
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"time"
)

// Bound is the fastest any schedule could finish tasks with at most limit
// running at once: the largest of the total work spread over limit runners,
// the longest task, and ceil(n/limit) of the shortest (some runner must do
// that many). For n equal tasks of L it is ceil(n/limit)*L. A limit below 1
// is taken as 1.
func Bound(tasks []time.Duration, limit int) time.Duration {
	if len(tasks) == 0 {
		return 0
	}
	limit = max(limit, 1)
	var sum time.Duration
	for _, t := range tasks {
		sum += t
	}
	rounds := (len(tasks) + limit - 1) / limit
	return max(sum/time.Duration(limit), slices.Max(tasks), time.Duration(rounds)*slices.Min(tasks))
}

// Tally summarises the failures among the first n of errs, most common
// first: "80 x connection pool exhausted; 1 x panic: boom". Errors are
// grouped by their innermost wrapped error, which names the cause without
// the item. Items errs does not cover are tallied as "not reported".
func Tally(errs []error, n int) string {
	counts := map[string]int{}
	for i := range n {
		switch {
		case i >= len(errs):
			counts["not reported"]++
		case errs[i] != nil:
			k := innermost(errs[i]).Error()
			if IsExpected(errs[i]) {
				k += " (expected)"
			}
			counts[k]++
		}
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		if c := counts[b] - counts[a]; c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%d x %s", counts[k], k)
	}
	return strings.Join(parts, "; ")
}

// innermost unwraps err as far as a single chain goes. A joined error
// (several causes) stops the unwrapping and is named as a whole.
func innermost(err error) error {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err
		}
		err = next
	}
}

func joinNotes(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}

func goroutines() int { return runtime.NumGoroutine() }
