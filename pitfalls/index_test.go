package pitfalls

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// batchesSlide19 is slide 19's loop exactly, without IndexPastEnd's safety
// net: what the production check shipped.
func batchesSlide19[T any](replicaNodes []T, batchSize int, checkNode func(T)) {
	for i := 0; i < len(replicaNodes); {
		var wg sync.WaitGroup
		for j := 0; j < batchSize; j++ {
			wg.Add(1)
			go func(j int) {
				defer wg.Done()
				checkNode(replicaNodes[i+j]) // Bad: i+j can be len(replicaNodes) or more
			}(j)
		}
		wg.Wait()
		i += batchSize
	}
}

// TestSlide19ShapeWorksForFullBatches: with a multiple of the batch size
// the slide's loop checks every node once, which is how it passed review.
func TestSlide19ShapeWorksForFullBatches(t *testing.T) {
	var calls atomic.Int64
	seen := make([]atomic.Bool, 100)
	nodes := make([]int, 100)
	for i := range nodes {
		nodes[i] = i
	}
	batchesSlide19(nodes, 10, func(i int) {
		calls.Add(1)
		seen[i].Store(true)
	})
	if calls.Load() != 100 {
		t.Errorf("%d checks, want 100", calls.Load())
	}
	for i := range seen {
		if !seen[i].Load() {
			t.Errorf("node %d never checked", i)
		}
	}
}

// TestSlide19ShapePanicsPastTheEnd runs the slide's loop over 97 nodes in
// a child process: the panic is in a goroutine, so it kills the process
// and no recover in the test could catch it.
func TestSlide19ShapePanicsPastTheEnd(t *testing.T) {
	if os.Getenv("PITFALLS_SLIDE19_CHILD") == "1" {
		batchesSlide19(make([]int, 97), 10, func(int) {})
		return // not reached
	}
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestSlide19ShapePanicsPastTheEnd$")
	cmd.Env = append(os.Environ(), "PITFALLS_SLIDE19_CHILD=1")
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 2 {
		t.Fatalf("child: %v, want exit status 2 (a panic)\n%s", err, out)
	}
	if !strings.Contains(string(out), "panic: runtime error: index out of range [9") ||
		!strings.Contains(string(out), "with length 97") {
		t.Errorf("child output lacks the index-past-the-end panic:\n%s", out)
	}
}
