// Package ratelimit is slides 11-13 of the talk: fetching 100 Kubernetes
// manifests from an API server that refuses a client sending too many
// requests at once.
//
//   - [GetManifestsByBatch]: slide 12's function, corrected: at most
//     batchSize at once, each result under its own index. Every batch waits
//     for its slowest request; workerpool.Window, a sliding window, does
//     not, and is never slower for the same limit.
//   - [Client]: a GET of one manifest that honours the server's 429 and its
//     Retry-After a bounded number of times, reads a bounded body, and can
//     wait for a token bucket (golang.org/x/time/rate) before each request,
//     as client-go's QPS and Burst do.
//
// The slides call batching "rate limiting". It is not: a batch of 5 limits
// concurrency, how many requests run at once. How many start per second
// then follows from the latency (5 in flight of 50 ms each = 100 per
// second) and grows as the server gets faster. A rate limit is a token
// bucket, set as the Client's Limiter. Which one a client needs depends on
// what the server limits: a concurrency limit keeps under its
// max-requests-inflight (the API server's, and the demo's), a rate limit
// under a request rate. At client-go's 5 per second, 100 manifests take
// 18 s however many workers fetch them.
//
// Every function returns one [ResourceResponse] per request, in request
// order, so no request is lost: each ends with its manifest or its error.
package ratelimit
