// Package ratelimit is slides 11-13 of the talk: fetching 100 Kubernetes
// manifests from an API server that throttles a client sending too many
// requests at once.
//
// It shows the slides' shapes, from the problem to the better fixes:
//
//   - [GetManifestsSequential]: one GET at a time, slide 13's 5 seconds.
//   - [GetManifestsUnlimited]: one goroutine per request (slide 11's
//     "without rate limiting"): the server refuses what it cannot serve
//     with 429 Too Many Requests.
//   - [GetManifestsByBatch]: slide 12's shape, corrected: at most batchSize
//     at once, results written by index. Every batch waits for its slowest
//     request.
//   - [GetManifestsWindow]: a sliding window with x/sync/semaphore: at most
//     limit at once, and a finished request lets the next one start at
//     once, so it is never slower than batches.
//
// The slides call batching "rate limiting". It is not: a batch of 5 limits
// concurrency, how many requests run at once. How many start per second
// then follows from the latency (5 in flight of 50 ms each = 100 per
// second) and grows as the server gets faster. A rate limit is a token
// bucket, golang.org/x/time/rate, set on the [Client] as client-go sets QPS
// and Burst on its rest.Config. Which one a client needs depends on what
// the server limits: a concurrency limit keeps under its max-in-flight (the
// API server's, and this demo's), a rate limit under a request rate. The
// demo's token-bucket variant shows the cost of the wrong one: at
// client-go's 5 per second, 100 manifests take 18 s however many workers
// fetch them.
//
// A [Client] that gets 429 honours the server's Retry-After, a bounded
// number of times, so a throttled caller can still finish; every function
// returns one [ResourceResponse] per request, in request order, so no
// request is lost: each ends with its manifest or its error. A batch size
// or limit below 1 is an error ([ErrLimit]) on every response, not an
// endless loop and not quietly a limit of 1.
package ratelimit
