package workerpool_test

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/workerpool"
)

// triggerCD stands for one CD trigger: it creates a workflow runner and
// returns its id. Pipeline "prod-eu" is misconfigured.
func triggerCD(_ context.Context, pipeline string) (runner int, err error) {
	if pipeline == "prod-eu" {
		return 0, errors.New("missing deployment template")
	}
	return 1000 + len(pipeline), nil
}

var pipelines = []string{"dev", "staging", "prod-us", "prod-eu", "prod-ap", "canary", "perf"}

// A sliding window of 3: the one to copy. Every pipeline's outcome comes
// back, in order, including the one that failed.
func ExampleWindow() {
	for i, r := range workerpool.Window(context.Background(), pipelines, 3, triggerCD) {
		if r.Err != nil {
			fmt.Printf("%s: %v\n", pipelines[i], r.Err)
			continue
		}
		fmt.Printf("%s: runner %d\n", pipelines[i], r.Value)
	}
	// Output:
	// dev: runner 1003
	// staging: runner 1007
	// prod-us: runner 1007
	// prod-eu: missing deployment template
	// prod-ap: runner 1007
	// canary: runner 1006
	// perf: runner 1004
}

// Batches of 3: the slide-7 shape, corrected. The failure is prod-eu's own
// result; the slide's shared err would lose it if a later trigger of the
// batch succeeded.
func ExampleBatches() {
	rs := workerpool.Batches(context.Background(), pipelines, 3, triggerCD)
	for i, r := range rs {
		if r.Err != nil {
			fmt.Printf("%s: %v\n", pipelines[i], r.Err)
		}
	}
	// Output: prod-eu: missing deployment template
}

// A batch size of 0 (a setting left empty) is every item's error, not an
// endless loop.
func ExampleBatches_badSize() {
	rs := workerpool.Batches(context.Background(), pipelines, 0, triggerCD)
	fmt.Println(len(rs), errors.Is(rs[0].Err, workerpool.ErrLimit), rs[0].Err)
	// Output: 7 true limit must be at least 1 (batch size 0)
}

// Three long-lived workers share one channel of pipelines: the same
// window as Window, written by hand.
func ExamplePool() {
	failed := 0
	for _, r := range workerpool.Pool(context.Background(), pipelines, 3, triggerCD) {
		if r.Err != nil {
			failed++
		}
	}
	fmt.Printf("%d triggered, %d failed\n", len(pipelines)-failed, failed)
	// Output: 6 triggered, 1 failed
}

// One goroutine per item: fine for seven, slide 3's problem for 10,000.
func ExampleEach() {
	rs := workerpool.Each(context.Background(), pipelines, triggerCD)
	fmt.Println(rs[0].Value, rs[3].Err)
	// Output: 1003 missing deployment template
}

// A panic in one trigger is that trigger's error, with the stack kept for
// the crash reporter; the other pipelines are triggered all the same.
func ExamplePanicError() {
	rs := workerpool.Window(context.Background(), pipelines, 3, func(ctx context.Context, p string) (int, error) {
		if p == "canary" {
			var scores []int
			_ = scores[len(p)] // a bug: an index out of range
		}
		return triggerCD(ctx, p)
	})
	var pe *workerpool.PanicError
	for i, r := range rs {
		if errors.As(r.Err, &pe) {
			fmt.Println(pipelines[i], "panicked:", pe.Value)
			fmt.Println("stack names the caller's code:", strings.Contains(string(pe.Stack), "ExamplePanicError"))
		}
	}
	// Output:
	// canary panicked: runtime error: index out of range [6] with length 0
	// stack names the caller's code: true
}

// Once ctx is done, no item starts; the rest are marked not started.
func ExampleErrNotStarted() {
	ctx, cancel := context.WithCancel(context.Background())
	rs := workerpool.Window(ctx, pipelines, 1, func(ctx context.Context, p string) (int, error) {
		if p == "staging" {
			cancel() // say, Ctrl-C while staging is triggered
		}
		return triggerCD(ctx, p)
	})
	for i, r := range rs {
		fmt.Printf("%s: %v\n", pipelines[i], errors.Is(r.Err, workerpool.ErrNotStarted))
	}
	// Output:
	// dev: false
	// staging: false
	// prod-us: true
	// prod-eu: true
	// prod-ap: true
	// canary: true
	// perf: true
}
