package pitfalls_test

import (
	"fmt"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/pitfalls"
)

// Slide 19's loop over 97 resources in batches of 10: the last batch still
// starts ten goroutines, and the three past the end panic (here recovered
// and counted; in production the process dies).
func ExampleIndexPastEnd() {
	f := pitfalls.IndexPastEnd(97, 10)
	fmt.Printf("%d goroutines started, %d panicked\n", f.Items, f.Lost)
	f = pitfalls.IndexPastEnd(100, 10)
	fmt.Printf("%d goroutines started, %d panicked\n", f.Items, f.Lost)
	// Output:
	// 100 goroutines started, 3 panicked
	// 100 goroutines started, 0 panicked
}
