package ratelimit

import (
	"context"
	"fmt"
)

// GetManifestsSequential fetches the manifests one at a time: slide 13's
// first row, 100 x 50 ms = 5 s. When ctx is done, the requests not yet
// sent get ctx's error.
func GetManifestsSequential(ctx context.Context, requests []ResourceRequest, get GetFunc) []ResourceResponse {
	results := make([]ResourceResponse, len(requests))
	for i, req := range requests {
		if ctx.Err() != nil {
			notStarted(ctx, requests[i:], results[i:])
			break
		}
		m, err := get(ctx, req)
		results[i] = ResourceResponse{Manifest: m, Error: err}
	}
	return results
}

// notStarted gives each request that was never sent ctx's cause as its
// error, so no request is left without an outcome.
func notStarted(ctx context.Context, requests []ResourceRequest, results []ResourceResponse) {
	for i, req := range requests {
		results[i].Error = fmt.Errorf("get %s: not started: %w", req, context.Cause(ctx))
	}
}
