package pitfalls

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// SpawnUnbounded is slide 3 with n items, each taking work:
//
//	for _, item := range items {
//	    go processItem(item)
//	}
//
// The loop returns at once with n goroutines still running: nothing bounds
// them, nothing waits for them, and no error can come back from them, so
// every outcome is lost. (The safety net, which the slide does not have, is
// a WaitGroup the demo waits on before returning, so nothing leaks here.)
func SpawnUnbounded(ctx context.Context, n int, work time.Duration) Finding {
	var net sync.WaitGroup // the demo's, not the slide's
	var ended atomic.Int64 // counted by the net, so other goroutines do not count
	start := time.Now()
	for range n {
		net.Go(func() { // the slide: go processItem(item)
			defer ended.Add(1)
			sleep(ctx, work)
		})
	}
	returned := time.Since(start)
	running := n - int(ended.Load())
	net.Wait()
	return Finding{Items: n, Lost: n, What: fmt.Sprintf(
		"the loop returned after %v with %d goroutines still running; none can report an error: %d outcomes unknown",
		returned.Round(time.Microsecond), running, n)}
}
