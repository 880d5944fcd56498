package pitfalls

import (
	"errors"
	"fmt"
	"sync"
)

// SharedErr is slide 7's batch loop as it is on the slide: every goroutine
// assigns the one err variable declared outside the loop,
//
//	go func(idx int) {
//	    defer wg.Done()
//	    err = impl.handleCiSuccessEvent(...)
//	}(index)
//
// so a trigger that succeeds overwrites the error of one that failed, and
// at best one error of many survives. It triggers n pipelines in batches of
// size, of which every failEvery-th fails, and counts the errors the
// caller can still see. workerpool.Batches keeps one error per item.
//
// It races by design: the race detector reports it under -race.
func SharedErr(n, size, failEvery int) Finding {
	handle := func(idx int) error {
		if idx%failEvery == failEvery-1 {
			return fmt.Errorf("trigger CD pipeline %d: %w", idx+1, errors.New("missing deployment template"))
		}
		return nil
	}
	var err error // Bad: shared by every goroutine
	failures := 0
	for i := 0; i < n; i += size {
		var wg sync.WaitGroup
		for j := range min(size, n-i) {
			if handle(i+j) != nil {
				failures++ // counted here, outside the race, for the report
			}
			wg.Add(1)
			go func(idx int) {
				defer wg.Done()
				err = handle(idx)
			}(i + j)
		}
		wg.Wait()
	}
	seen := 0
	if err != nil {
		seen = 1
	}
	return Finding{Items: n, Lost: failures - seen, What: fmt.Sprintf(
		"%d of %d triggers failed; the shared err holds %d of those errors (%v): %d lost",
		failures, n, seen, err, failures-seen)}
}
