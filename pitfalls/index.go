package pitfalls

import (
	"fmt"
	"sync"
	"sync/atomic"
)

// IndexPastEnd is slide 19's batch loop as it is on the slide, over n
// resources in batches of size:
//
//	for i := 0; i < len(replicaNodes); {
//	    for j := 0; j < batchSize; j++ {
//	        go func(j int) { ... checkNode(replicaNodes[i+j]) ... }(j)
//	    }
//	    wg.Wait()
//	    i += batchSize
//	}
//
// The last batch is always full, so when n is not a multiple of size,
// i+j runs past the end: a panic in a goroutine, which kills the whole
// process. The demo's safety net recovers it in each goroutine to count
// the panics; the fix, workerpool.Batches, clamps the last batch with min.
func IndexPastEnd(n, size int) Finding {
	replicaNodes := make([]int, n)
	var checked, panics atomic.Int64
	var first atomic.Value // the first panic's message
	for i := 0; i < len(replicaNodes); {
		var wg sync.WaitGroup
		for j := 0; j < size; j++ {
			wg.Add(1)
			go func(j int) {
				defer wg.Done()
				defer func() { // the safety net, not the slide's
					if r := recover(); r != nil {
						panics.Add(1)
						first.CompareAndSwap(nil, fmt.Sprint(r))
					}
				}()
				_ = replicaNodes[i+j] // checkNode(replicaNodes[i+j])
				checked.Add(1)
			}(j)
		}
		wg.Wait()
		i += size
	}
	what := fmt.Sprintf("%d resources in batches of %d: all checked, no panic", n, size)
	if p := panics.Load(); p > 0 {
		what = fmt.Sprintf("%d resources in batches of %d: %d goroutines panicked (%v) at replicaNodes[i+j]; without a recover the process dies",
			n, size, p, first.Load())
	}
	started := int(checked.Load() + panics.Load())
	return Finding{Items: started, Lost: int(panics.Load()), What: what}
}
