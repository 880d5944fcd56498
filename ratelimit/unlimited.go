package ratelimit

import (
	"context"
	"sync"
)

// GetManifestsUnlimited fetches every manifest at once, one goroutine per
// request: slide 11's "without rate limiting". It is correct code (each
// goroutine writes its own results[i], and it waits for all of them) and
// the wrong shape: 100 requests reach the server together, and a server
// that serves fewer at once refuses the rest with 429.
func GetManifestsUnlimited(ctx context.Context, requests []ResourceRequest, get GetFunc) []ResourceResponse {
	results := make([]ResourceResponse, len(requests))
	var wg sync.WaitGroup
	for i, req := range requests {
		wg.Go(func() {
			m, err := get(ctx, req)
			results[i] = ResourceResponse{Manifest: m, Error: err}
		})
	}
	wg.Wait()
	return results
}
