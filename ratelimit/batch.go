package ratelimit

import (
	"context"
	"sync"
)

// GetManifestsByBatch fetches the manifests in batches of batchSize:
// batchSize goroutines start, and the next batch starts only when the
// whole batch is done. This is slide 12's GetManifestsByBatch, corrected.
//
// A batchSize below 1 is the caller's bug: nothing is sent, and every
// response's error wraps [ErrLimit].
//
// It returns one response per request, in request order. When ctx is
// done, the batch in flight ends (get sees ctx) and the requests of the
// batches not started get ctx's error.
//
// A batch waits for its slowest request: with latencies that vary, most of
// the batch's slots sit idle at its end. [GetManifestsWindow] does not.
func GetManifestsByBatch(ctx context.Context, requests []ResourceRequest, batchSize int, get GetFunc) []ResourceResponse {
	if batchSize < 1 {
		return refuseAll(requests, "batch size", batchSize)
	}
	// Slide 12 says "Rate limit: max 5 concurrent K8s API calls". It is a
	// concurrency limit: the rate is 5 per latency, 100 per second at
	// 50 ms, and doubles if the server gets twice as fast.
	results := make([]ResourceResponse, len(requests))
	for start := 0; start < len(requests); start += batchSize {
		// Slide 12 goes on starting batches after ctx is done; here the
		// rest get ctx's error, and nothing more is sent.
		if ctx.Err() != nil {
			notStarted(ctx, requests[start:], results[start:])
			break
		}
		// min: the last batch may be short. Slide 12 shrinks batchSize
		// itself for it, which is correct only because it is the last.
		end := min(start+batchSize, len(requests))
		var wg sync.WaitGroup
		for i := start; i < end; i++ {
			// Each goroutine writes only results[i]: no lock needed,
			// as slide 12 says. Since Go 1.22 every iteration has its
			// own i, so the slide's go func(idx int) is not needed.
			wg.Go(func() {
				m, err := get(ctx, requests[i])
				results[i] = ResourceResponse{Manifest: m, Error: err}
			})
		}
		wg.Wait() // wait for the batch to complete: its slowest request
	}
	return results
}
