package workerpool_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/workerpool"
)

// triggerCD stands for one CD trigger; pipeline "prod-eu" is misconfigured.
func triggerCD(_ context.Context, pipeline string) error {
	if pipeline == "prod-eu" {
		return errors.New("missing deployment template")
	}
	return nil
}

var pipelines = []string{"dev", "staging", "prod-us", "prod-eu", "prod-ap", "canary", "perf"}

// Batches of 3: the slide-7 shape. Every pipeline's outcome comes back in
// order, including the one that failed (the slide's shared err would lose
// it if another goroutine wrote err after it).
func ExampleBatches() {
	errs, err := workerpool.Batches(context.Background(), pipelines, 3, triggerCD)
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, err := range errs {
		fmt.Printf("%s: %v\n", pipelines[i], err)
	}
	// Output:
	// dev: <nil>
	// staging: <nil>
	// prod-us: <nil>
	// prod-eu: missing deployment template
	// prod-ap: <nil>
	// canary: <nil>
	// perf: <nil>
}

// A batch size of 0 is an error, not an endless loop.
func ExampleBatches_badSize() {
	_, err := workerpool.Batches(context.Background(), pipelines, 0, triggerCD)
	fmt.Println(err)
	// Output: workerpool: limit must be at least 1 (batch size 0)
}

// Three long-lived workers share one channel of pipelines.
func ExamplePool() {
	errs, _ := workerpool.Pool(context.Background(), pipelines, 3, triggerCD)
	fmt.Println(errors.Join(errs...))
	// Output: missing deployment template
}

// A sliding window of 3 with errgroup.SetLimit: the one to copy. A panic in
// one trigger is that trigger's error, not a crashed process.
func ExampleLimit() {
	errs, _ := workerpool.Limit(context.Background(), pipelines, 3, func(ctx context.Context, p string) error {
		if p == "canary" {
			panic("nil pointer in canary analysis")
		}
		return triggerCD(ctx, p)
	})
	for i, err := range errs {
		if err != nil {
			fmt.Printf("%s: %v\n", pipelines[i], err)
		}
	}
	// Output:
	// prod-eu: missing deployment template
	// canary: panic: nil pointer in canary analysis
}

// One goroutine per item: fine for seven, the problem of slide 3 for 10,000.
func ExampleUnbounded() {
	errs := workerpool.Unbounded(context.Background(), pipelines, triggerCD)
	failed := 0
	for _, err := range errs {
		if err != nil {
			failed++
		}
	}
	fmt.Printf("%d triggered, %d failed\n", len(errs)-failed, failed)
	// Output: 6 triggered, 1 failed
}
