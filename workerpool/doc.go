// Package workerpool is slides 3 and 5-7 of the talk: bounded concurrency
// for the CI/CD auto-trigger, where a successful CI build triggers 100+ CD
// pipelines and each trigger holds a database connection.
//
// It has four shapes, from the slide's problem to the fix to copy:
//
//   - [Each]: one goroutine per item (slide 3, made to wait and to keep
//     every outcome). Fine for 50 clusters; with 100 triggers it exhausts a
//     pool of 10 database connections, with 10,000 it starts 10,000.
//   - [Batches]: slides 5 and 7, corrected: size at a time, a WaitGroup per
//     batch. Every batch waits for its slowest member.
//   - [Window]: a sliding window with errgroup.SetLimit: at most limit at a
//     time, and a new item starts the moment one ends. The one to copy.
//   - [Pool]: the same window written by hand, the classic worker pool: a
//     fixed set of goroutines reading one channel, to show who owns and who
//     closes it.
//
// The other lessons of this module (fanout, ratelimit, hibernation,
// shutdown) use these shapes and this vocabulary rather than repeating them,
// so one idea has one name everywhere:
//
//   - one outcome per item, in item order: a [Result], never a shared err
//     (slide 7's loses all errors but the last);
//   - an item that never ran because ctx was done first: [ErrNotStarted];
//   - a limit below 1, a programming or configuration error that the
//     production loop turned into an endless spin: [ErrLimit] on every item;
//   - a panic in an item's fn: that item's [PanicError].
//
// # Panics
//
// Every shape recovers a panic in fn and makes it that item's error, a
// *[PanicError] that keeps the panic's value and the goroutine's stack. The
// alternative, errgroup's choice, is to let the panic crash the process: a
// panic is a bug, and a crash is the loudest report of it. This module
// recovers because the code it comes from does (a CD trigger service that
// recovers, counts and logs), and because here one item's bug should not
// cancel the 99 other pipelines of a CI build. errgroup rejects recovering
// for two reasons that do not apply: it would turn the stack into a mere
// value (PanicError keeps the stack, for a crash reporter to log), and it
// would re-panic in Wait, arbitrarily late (nothing re-panics here: the
// panic is one item's outcome, returned with the others). Recovering in the
// item's own goroutine, in a deferred call, also keeps the WaitGroup's Done
// from being skipped, the deadlock of slide 23.
//
// In the production code this comes from, the batch size is a setting
// (CIAutoTriggerBatchSize) that defaults to 1: triggers run one at a time,
// so a CI build with many CD pipelines cannot flood the database or the
// cluster by default. A team raises it when a build fans out to so many
// pipelines that triggering them one by one takes too long, and it can
// afford the connections (keep it well below the connection pool's size).
package workerpool
