package pitfalls

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// ForgottenDone is slide 23's second pitfall: n goroutines, and the last
// one forgets wg.Done(), so wg.Wait() never returns. The Go runtime reports
// "all goroutines are asleep" only when every goroutine is blocked; in a
// server something always runs, so the handler just hangs.
//
// A watchdog notices that Wait has not returned after watchdog, reports the
// deadlock, and makes the missing Done call itself so the demo goes on and
// the waiting goroutine ends.
func ForgottenDone(ctx context.Context, n int, work, watchdog time.Duration) Finding {
	var wg sync.WaitGroup
	var dones atomic.Int64 // the Done calls made, counted for the report
	for i := range n {
		wg.Add(1)
		go func() {
			if i == n-1 {
				sleep(ctx, work) // Bad: forgot wg.Done()
				return
			}
			defer wg.Done() // Good: deferred, so every return path calls it
			defer dones.Add(1)
			sleep(ctx, work)
		}()
	}
	waited := make(chan struct{}) // closed by the waiter when Wait returns
	go func() {
		wg.Wait()
		close(waited)
	}()

	start := time.Now()
	t := time.NewTimer(watchdog)
	defer t.Stop()
	when := fmt.Sprintf("after the watchdog's %v", watchdog)
	select {
	case <-waited:
		return Finding{Items: n, What: "wg.Wait() returned: no Done was missing"}
	case <-t.C:
	case <-ctx.Done():
		when = fmt.Sprintf("when the run was cancelled, %v in", time.Since(start).Round(time.Millisecond))
	}
	called := dones.Load()
	wg.Done() // the safety net: the Done the goroutine forgot
	<-waited
	return Finding{Items: n, Lost: n - int(called), What: fmt.Sprintf(
		"deadlock: wg.Wait() still blocked %s, %d of %d goroutines had called Done (the watchdog then made the missing call)",
		when, called, n)}
}
