// Package hibernation is slides 18-20 of the talk, the case study. Before an
// application is hibernated (scaled to zero), each of its Kubernetes
// resources is checked: can it be hibernated, is it hibernated already? A
// check is one API call of about 50 ms, so 100 resources take 5 s one after
// the other; the production check runs them 10 at a time and counts the
// answers with two atomic counters.
//
// The three patterns of slide 18, and where each one is:
//
//   - the worker pool: workerpool.Batches is slide 19's loop of batches of
//     10, corrected (the slide indexes replicaNodes[i+j] for a full batch
//     every time and panics when the count is not a multiple of 10);
//     workerpool.Window does not wait for the slowest check of a batch;
//   - the atomic counters: [Counter], the two counters as typed atomics;
//   - context propagation: every check gets the caller's ctx, and once it
//     is done no further check starts (workerpool.ErrNotStarted).
//
// The package example puts them together as slide 19 does.
package hibernation
