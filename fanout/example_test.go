package fanout_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/fanout"
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

func ExampleAll() {
	clusters := []string{"prod-eu", "prod-us", "staging"}
	test := func(_ context.Context, name string) (int, error) {
		if name == "prod-us" {
			return 0, errors.New("connection refused")
		}
		return len(name), nil
	}

	for i, r := range fanout.All(context.Background(), clusters, test) {
		fmt.Println(clusters[i], r.Value, r.Err)
	}
	// Output:
	// prod-eu 7 <nil>
	// prod-us 0 connection refused
	// staging 7 <nil>
}

// Slide 10's fix in production: each connection test gets its own
// deadline, so an unreachable cluster costs one timeout, not a sweep that
// never ends. context.WithTimeoutCause names the reason in the error.
func ExampleAll_connectTimeout() {
	errConnectTimeout := errors.New("connect timeout")
	clusters := []string{"prod-eu", "prod-us", "staging"}
	test := func(ctx context.Context, name string) (string, error) {
		ctx, cancel := context.WithTimeoutCause(ctx, 20*time.Millisecond, errConnectTimeout)
		defer cancel()
		if name == "prod-us" { // unreachable: never answers
			<-ctx.Done()
			return "", fmt.Errorf("%s: %w", name, context.Cause(ctx))
		}
		return "v1.31", nil
	}

	for i, r := range fanout.All(context.Background(), clusters, test) {
		fmt.Println(clusters[i], r.Value, r.Err)
	}
	// Output:
	// prod-eu v1.31 <nil>
	// prod-us  prod-us: connect timeout
	// staging v1.31 <nil>
}

func ExampleLimit() {
	clusters := []string{"a", "b", "c", "d", "e"}
	upper := func(_ context.Context, name string) (string, error) { return strings.ToUpper(name), nil }

	rs, err := fanout.Limit(context.Background(), clusters, 2, upper)
	if err != nil {
		fmt.Println(err)
		return
	}
	var got []string
	for _, r := range rs {
		got = append(got, r.Value)
	}
	fmt.Println(strings.Join(got, " "))

	_, err = fanout.Limit(context.Background(), clusters, 0, upper)
	fmt.Println(err)
	// Output:
	// A B C D E
	// fanout: limit must be at least 1 (limit 0)
}

func ExampleErrors() {
	rs := []fanout.Result[int]{{Value: 1}, {Err: errors.New("timeout")}}
	fmt.Println(fanout.Errors(rs))
	// Output:
	// [<nil> timeout]
}
