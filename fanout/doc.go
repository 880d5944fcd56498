// Package fanout is slides 8-10 of the talk: fan-out/fan-in, where one
// request starts independent calls at once and collects their results.
//
// It shows the shapes the slides use, corrected where they are wrong:
//
//   - [Both]: slide 9's WaitGroup of 2 (the CI and the CD status of the
//     trigger view), with both errors kept. It always waits for the slower
//     call, even after the other has failed.
//   - [BothFailFast]: the same with errgroup.WithContext: the first failure
//     cancels the other call and reaches the caller at once.
//   - [All]: one goroutine per item (slide 10's cluster connection test),
//     each writing its own element of a pre-sized slice (slide 12's
//     technique): no map, no lock, every result under its own index.
//   - [Limit]: the same with errgroup.SetLimit, for when there are 5,000
//     clusters instead of 50 and one goroutine each is too many at once.
//
// Every function takes a context and accounts for every call: a result or an
// error for each, in item order, nothing dropped. [Run] measures the two
// scenarios of the slides for cmd/demo.
//
// Give every call its own deadline (context.WithTimeout inside the call, as
// in ExampleAll_connectTimeout): a fan-in waits for its slowest call, so one
// cluster that never answers holds the whole sweep without one.
//
// Copying the code: every call runs through task.Do, from this module's
// internal/task, which you cannot import from outside it. task.Do is ten
// lines: recover a panic into the item's error, and do not start an item
// once the context is done. Copy it along with the function you take.
package fanout
