package fanout_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/fanout"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/workerpool"
)

func ExampleBoth() {
	ci := func(context.Context) (string, error) { return "CI: Succeeded", nil }
	cd := func(context.Context) (string, error) { return "", errors.New("CD API: 503") }

	ciStatus, cdStatus, err := fanout.Both(context.Background(), ci, cd)
	fmt.Printf("ci=%q cd=%q err=%v\n", ciStatus, cdStatus, err)
	// Output:
	// ci="CI: Succeeded" cd="" err=CD API: 503
}

func ExampleBothFailFast() {
	// The CI call would wait forever; the CD call's failure cancels it.
	ci := func(ctx context.Context) (string, error) {
		<-ctx.Done()
		return "", ctx.Err()
	}
	cd := func(context.Context) (string, error) { return "", errors.New("CD API: 503") }

	_, _, err := fanout.BothFailFast(context.Background(), ci, cd)
	fmt.Println(err)
	// Output:
	// CD API: 503
}

// Slide 10, corrected: 50 clusters would be tested the same way. Each
// goroutine writes its own result, in cluster order, and each test has its
// own deadline, so an unreachable cluster costs one timeout, not a sweep
// that never ends. context.WithTimeoutCause names the reason in the error.
func Example_clusterTest() {
	errConnectTimeout := errors.New("connect timeout")
	clusters := []string{"prod-eu", "prod-us", "staging"}
	testConnection := func(ctx context.Context, name string) (version string, err error) {
		ctx, cancel := context.WithTimeoutCause(ctx, 20*time.Millisecond, errConnectTimeout)
		defer cancel()
		if name == "prod-us" { // unreachable: never answers
			<-ctx.Done()
			return "", fmt.Errorf("%s: %w", name, context.Cause(ctx))
		}
		return "v1.31", nil
	}

	for i, r := range workerpool.Each(context.Background(), clusters, testConnection) {
		fmt.Println(clusters[i], r.Value, r.Err)
	}
	// Output:
	// prod-eu v1.31 <nil>
	// prod-us  prod-us: connect timeout
	// staging v1.31 <nil>
}
