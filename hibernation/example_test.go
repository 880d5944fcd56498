package hibernation_test

import (
	"context"
	"fmt"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/hibernation"
)

type node struct {
	name     string
	replicas int // -1: not a workload
}

// check is a stand-in for the Kubernetes API call.
func check(_ context.Context, n node) (hibernation.Verdict, error) {
	if n.replicas < 0 {
		return hibernation.Verdict{}, nil
	}
	return hibernation.Verdict{CanHibernate: n.replicas > 0, Hibernated: n.replicas == 0}, nil
}

// nodes is 97 resources: not a multiple of 10, which crashes slide 19.
func nodes() []node {
	ns := make([]node, 97)
	for i := range ns {
		ns[i] = node{name: fmt.Sprint("deploy-", i), replicas: i%3 - 1}
	}
	return ns
}

func ExampleBatches() {
	var c hibernation.Counter
	errs, err := hibernation.Batches(context.Background(), nodes(), 10, func(ctx context.Context, n node) error {
		v, err := check(ctx, n)
		if err == nil {
			c.Record(v)
		}
		return err
	})
	fmt.Println(len(errs), err)
	fmt.Printf("%+v\n", c.Counts())
	// Output:
	// 97 <nil>
	// {CanBeHibernated:32 Hibernated:32 Checked:97}
}

func ExampleWindow() {
	var c hibernation.Counter
	_, err := hibernation.Window(context.Background(), nodes(), 10, func(ctx context.Context, n node) error {
		v, err := check(ctx, n)
		if err == nil {
			c.Record(v)
		}
		return err
	})
	fmt.Println(err)
	fmt.Printf("%+v\n", c.Counts())
	// Output:
	// <nil>
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

func ExampleBatches_badSize() {
	_, err := hibernation.Batches(context.Background(), nodes(), 0, func(context.Context, node) error { return nil })
	fmt.Println(err)
	// Output:
	// hibernation: size must be at least 1 (size 0)
}
