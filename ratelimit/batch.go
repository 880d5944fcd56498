package ratelimit

import (
	"context"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/workerpool"
)

// ResourceRequest names one object to fetch, as slide 12's ResourceRequest.
type ResourceRequest struct {
	Namespace string // "default"
	Resource  string // plural, as in the API path: "configmaps"
	Name      string
}

func (r ResourceRequest) String() string { return r.Namespace + "/" + r.Resource + "/" + r.Name }

// ResourceResponse is one request's outcome: its manifest, or why not.
type ResourceResponse struct {
	Manifest []byte
	Error    error
}

// GetFunc fetches one object: slide 12's GetResource. [Client.Get] is one.
type GetFunc func(ctx context.Context, req ResourceRequest) ([]byte, error)

// GetManifestsByBatch fetches the manifests in batches of batchSize, with
// workerpool.Batches: batchSize goroutines start, and the next batch starts
// only when the whole batch is done. It is slide 12's function, corrected:
//
//   - The slide says "Rate limit: max 5 concurrent K8s API calls". It is a
//     concurrency limit: the rate is 5 per latency, 100 per second at
//     50 ms, and doubles if the server gets twice as fast.
//   - It goes on starting batches after ctx is done; here the requests not
//     yet sent get an error wrapping workerpool.ErrNotStarted.
//   - It shrinks batchSize itself for the last batch, which is correct only
//     because it is the last; a batch size below 1 loops for ever. Here
//     nothing is sent and every error wraps workerpool.ErrLimit.
//   - A panic in get would kill the process; here it is that request's
//     *workerpool.PanicError.
//
// What the slide gets right stays: each goroutine writes only its own
// results[i], so no lock is needed. GetManifestsByBatch returns one
// response per request, in request order.
//
// A batch waits for its slowest request: with latencies that vary, most of
// the batch's slots sit idle at its end. For the same limit,
// workerpool.Window(ctx, requests, limit, get) is never slower.
func GetManifestsByBatch(ctx context.Context, requests []ResourceRequest, batchSize int, get GetFunc) []ResourceResponse {
	rs := workerpool.Batches(ctx, requests, batchSize, get)
	results := make([]ResourceResponse, len(rs))
	for i, r := range rs {
		results[i] = ResourceResponse{Manifest: r.Value, Error: r.Err}
	}
	return results
}
