package ratelimit

import (
	"context"
	"sync"

	"golang.org/x/sync/semaphore"
)

// GetManifestsWindow fetches the manifests with at most limit requests in
// flight: a sliding window. When one finishes, the next starts at once,
// so no slot waits for a slow neighbour as in [GetManifestsByBatch]; for
// the same limit it is never slower, and faster when latencies vary.
//
// A limit below 1 is the caller's bug: nothing is sent, and every
// response's error wraps [ErrLimit].
//
// It returns one response per request, in request order. When ctx is done
// the requests in flight end (get sees ctx) and the ones not started get
// ctx's error.
//
// errgroup.Group with SetLimit is the same window; its Go waits for a slot
// without a context, which is why this uses the semaphore's Acquire.
func GetManifestsWindow(ctx context.Context, requests []ResourceRequest, limit int, get GetFunc) []ResourceResponse {
	if limit < 1 {
		return refuseAll(requests, "limit", limit)
	}
	sem := semaphore.NewWeighted(int64(limit))
	results := make([]ResourceResponse, len(requests))
	var wg sync.WaitGroup
	for i, req := range requests {
		// Acquire before starting the goroutine: at most limit
		// goroutines exist, not one per request waiting for a slot.
		if err := sem.Acquire(ctx, 1); err != nil {
			notStarted(ctx, requests[i:], results[i:])
			break
		}
		wg.Go(func() {
			defer sem.Release(1)
			m, err := get(ctx, req)
			results[i] = ResourceResponse{Manifest: m, Error: err}
		})
	}
	wg.Wait()
	return results
}
