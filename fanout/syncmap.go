package fanout

import (
	"context"
	"errors"
	"sync"
)

// errNotReported is an item's outcome when no goroutine stored one: it
// cannot happen below, and is there so that it could not go unseen.
var errNotReported = errors.New("no result reported")

// testSyncMap is slide 10's shape, kept as the slide has it: one goroutine
// per cluster, each storing its error in a sync.Map under its cluster's ID.
//
// It is correct here for two reasons the slide does not show. test has its
// own connect timeout (see fleet.test), so wg.Wait cannot hang on one
// cluster. And each goroutine keys the map by its own parameter c: an
// error filed under the wrong cluster, which the production test once did,
// comes from a goroutine reading something it shares with the loop (a loop
// variable before Go 1.22, a variable declared outside the loop) instead of
// its own copy.
//
// Compare [All]: the map gives back values of type any (a nil error is
// stored as nil, hence the comma-ok assertion), in no order, and needs the
// IDs to find each cluster's result again. A pre-sized slice indexed by
// position needs none of that.
func testSyncMap(ctx context.Context, clusters []Cluster, test tester) []Result[string] {
	var wg sync.WaitGroup
	respMap := &sync.Map{}
	for _, cluster := range clusters {
		wg.Add(1)
		go func(c Cluster) {
			defer wg.Done()
			_, err := callOne(ctx, func(ctx context.Context) (string, error) { return test(ctx, c) })
			respMap.Store(c.ID, err) // Thread-safe!
		}(cluster)
	}
	wg.Wait()
	// Process all results from respMap, back in cluster order.
	rs := make([]Result[string], len(clusters))
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
