package fanoutdemo

import (
	"context"
	"errors"
	"sync"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/workerpool"
)

// errNotReported is an item's outcome when no goroutine stored one: it
// cannot happen below, and is there so that it could not go unseen.
var errNotReported = errors.New("no result reported")

// testSyncMap is slide 10's shape, kept as the slide has it: one goroutine
// per cluster, each storing its error in a sync.Map under its cluster's ID.
//
// It is correct here for two reasons the slide does not show. test has its
// own connect timeout (see fleet.test), so wg.Wait cannot hang on one
// cluster. And each goroutine keys the map by its own parameter c.
//
// Bad (how the production test once filed errors under the wrong cluster):
// the goroutine reads a variable it shares with the loop (here declared
// outside it; before Go 1.22, the loop variable itself), so by the time it
// runs, c is whichever cluster the loop reached last. It is also a data
// race.
//
//	var c *ClusterBean
//	for _, cluster := range clusters {
//		c = cluster
//		wg.Add(1)
//		go func() {
//			defer wg.Done()
//			respMap.Store(c.Id, testConnection(c)) // Bad: the loop's c, not this goroutine's
//		}()
//	}
//
// Good (the slide's, and below): the cluster is the goroutine's own
// parameter, go func(c *ClusterBean) {...}(cluster), or with Go 1.22's
// per-iteration loop variables, cluster itself. The tests check every
// variant's errors against the fleet's truth (misfiled).
//
// Compare workerpool.Each: the map gives back values of type any (a nil
// error is stored as nil, hence the comma-ok assertion), in no order, and
// needs the IDs to find each cluster's result again. A pre-sized slice
// indexed by position needs none of that. Like the slide, this shape does
// not recover a panic in test, nor skip clusters once ctx is done.
func testSyncMap(ctx context.Context, clusters []Cluster, test tester) []workerpool.Result[string] {
	var wg sync.WaitGroup
	respMap := &sync.Map{}
	for _, cluster := range clusters {
		wg.Add(1)
		go func(c Cluster) {
			defer wg.Done()
			_, err := test(ctx, c)
			respMap.Store(c.ID, err) // Thread-safe!
		}(cluster)
	}
	wg.Wait()
	// Process all results from respMap, back in cluster order.
	rs := make([]workerpool.Result[string], len(clusters))
	for i, c := range clusters {
		v, ok := respMap.Load(c.ID)
		if !ok {
			rs[i].Err = errNotReported
			continue
		}
		rs[i].Err, _ = v.(error) // nil for a cluster that answered
	}
	return rs
}
