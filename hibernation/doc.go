// Package hibernation is slides 18-20 of the talk: the case study. Before an
// application is hibernated (scaled to zero), each of its Kubernetes
// resources is checked: can it be hibernated, is it hibernated already? A
// check is one API call of about 50 ms, so 100 resources take 5 s one after
// the other; the check runs them 10 at a time and counts the answers with
// two atomic counters.
//
// It shows:
//
//   - [Batches]: slide 19's batches of 10, corrected. The slide indexes
//     replicaNodes[i+j] for a full batch every time and panics when the
//     count is not a multiple of 10; the last batch here is short.
//   - [Window]: a sliding window of the same size (a semaphore.Weighted
//     from golang.org/x/sync): a new check starts as soon as one ends, so
//     nobody waits for the slowest check of a batch.
//   - [Counter]: the two counters as typed atomics (atomic.Uint64), which
//     cannot be read or written non-atomically by mistake.
//
// Every function takes a context: cancelling it stops the checks not yet
// started, and the counts so far are reported as partial. [Run] measures the
// scenario for cmd/demo.
//
// Copying the code: every check runs through task.Do, from this module's
// internal/task, which you cannot import from outside it. task.Do is ten
// lines: recover a panic into the item's error, and do not start an item
// once the context is done. Copy it along with the function you take.
package hibernation
