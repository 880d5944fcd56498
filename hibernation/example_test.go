package hibernation_test

import (
	"context"
	"fmt"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/hibernation"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/workerpool"
)

type node struct {
	name     string
	replicas int // -1: not a workload
}

// checkNode is a stand-in for the Kubernetes API call of slide 19.
func checkNode(_ context.Context, n node) (hibernation.Verdict, error) {
	if n.replicas < 0 {
		return hibernation.Verdict{}, nil
	}
	return hibernation.Verdict{CanHibernate: n.replicas > 0, Hibernated: n.replicas == 0}, nil
}

// replicaNodes is 97 resources: not a multiple of 10, which crashes the
// slide's loop.
func replicaNodes() []node {
	ns := make([]node, 97)
	for i := range ns {
		ns[i] = node{name: fmt.Sprint("deploy-", i), replicas: i%3 - 1}
	}
	return ns
}

// Slide 19, corrected: batches of 10 (the last one short), the counters as
// typed atomics, and every check's own outcome kept.
func Example() {
	var c hibernation.Counter
	rs := workerpool.Batches(context.Background(), replicaNodes(), 10, func(ctx context.Context, n node) (hibernation.Verdict, error) {
		v, err := checkNode(ctx, n)
		if err == nil {
			c.Record(v)
		}
		return v, err
	})
	fmt.Println(len(rs), "results")
	fmt.Printf("%+v\n", c.Counts())
	// Output:
	// 97 results
	// {CanBeHibernated:32 Hibernated:32 Checked:97}
}

// The same with a sliding window: a check starts as soon as one ends.
func Example_window() {
	var c hibernation.Counter
	workerpool.Window(context.Background(), replicaNodes(), 10, func(ctx context.Context, n node) (hibernation.Verdict, error) {
		v, err := checkNode(ctx, n)
		if err == nil {
			c.Record(v)
		}
		return v, err
	})
	fmt.Printf("%+v\n", c.Counts())
	// Output:
	// {CanBeHibernated:32 Hibernated:32 Checked:97}
}

func ExampleCounter() {
	var c hibernation.Counter // the zero Counter is ready
	c.Record(hibernation.Verdict{CanHibernate: true})
	c.Record(hibernation.Verdict{Hibernated: true})
	c.Record(hibernation.Verdict{})
	fmt.Printf("%+v\n", c.Counts())
	// Output:
	// {CanBeHibernated:1 Hibernated:1 Checked:3}
}
