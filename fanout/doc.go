// Package fanout is slides 8-10 of the talk: fan-out/fan-in, where one
// request starts independent calls at once and collects their results.
//
//   - [Both]: slide 9's WaitGroup of two (the CI and the CD status of the
//     trigger view), corrected so both errors reach the caller. It waits for
//     the slower call, even after the other has failed.
//   - [BothFailFast]: the same with errgroup.WithContext: the first failure
//     cancels the other call and reaches the caller at once.
//
// Slide 10 tests the connection to 50 clusters at once and collects each
// cluster's error in a sync.Map keyed by its id:
//
//	var wg sync.WaitGroup
//	respMap := &sync.Map{}
//	for _, cluster := range clusters {
//		wg.Add(1)
//		go func(c *ClusterBean) {
//			defer wg.Done()
//			respMap.Store(c.Id, testConnection(c)) // Thread-safe!
//		}(cluster)
//	}
//	wg.Wait()
//
// It is correct, and more than the job needs: the map gives back values of
// type any, in no order, and needs the ids to find each result again. A
// pre-sized slice does the same with no lock, typed and in order, because
// each goroutine writes only its own element: that is workerpool.Each, and
// workerpool.Window when 5,000 clusters make one goroutine each too many.
// See the package example.
//
// What the slide leaves out is a deadline per call. A fan-in waits for its
// slowest call, so one cluster that never answers holds the whole sweep for
// as long as the TCP stack lets it. Give each call its own
// context.WithTimeout: the sweep then takes one timeout at worst.
package fanout
