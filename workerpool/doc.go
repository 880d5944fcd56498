// Package workerpool is slides 3 and 5-7 of the talk: bounded concurrency
// for the CI/CD auto-trigger, where a successful CI build triggers 100+ CD
// pipelines and each trigger holds a database connection.
//
// It shows four shapes, from the slide's problem to the better fix:
//
//   - [Unbounded]: one goroutine per item (slide 3). Fine for ten items;
//     with 100 it exhausts a pool of 10 database connections.
//   - [Batches]: the slide-5/7 shape, corrected: at most size at once, with
//     a WaitGroup per batch. Every batch waits for its slowest member.
//   - [Pool]: the classic worker pool, written by hand: N long-lived workers
//     reading one channel. A worker that finishes takes the next item at
//     once: a sliding window, not a batch.
//   - [Limit]: the same sliding window with errgroup.SetLimit, which is what
//     to reach for in production code.
//
// Every function takes a context, runs each item's work through a call that
// turns a panic into that item's error, and returns one error per item in
// item order, so nothing is silently dropped (slide 7's shared err loses all
// but one). A limit below 1 is an error ([ErrLimit]), never an endless loop.
//
// In the production code this comes from, the batch size is a setting
// (CIAutoTriggerBatchSize) that defaults to 1: triggers run one at a time,
// so a CI build with many CD pipelines cannot flood the database or the
// cluster by default. A team raises it when a build fans out to so many
// pipelines that triggering them one by one takes too long, and it can
// afford the connections (keep it well below the connection pool's size).
package workerpool
