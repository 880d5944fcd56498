package shutdown

import (
	"context"
	"sync"
	"time"
)

// RunWithLeakyLease is slide 23's goroutine leak (Bad):
//
//	go func() {
//		for {
//			doWork() // No exit condition!
//		}
//	}()
//
// It runs job on ctx while a background loop renews job's lease every
// tick, and that loop has no exit condition: it outlives job, keeps
// renewing a lease nobody holds, and each call leaks one goroutine for the
// life of the process. (The slide's loop also spins without a pause; this
// one waits for a tick, so the demo does not burn a core.)
//
// stop exists only so the demo can end the leaked loops after it has
// counted them; the production version has none.
func RunWithLeakyLease(ctx context.Context, every time.Duration, renew func(context.Context), job Job, stop <-chan struct{}) error {
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-stop: // demo only: see above
				return
			case <-t.C:
				renew(context.Background())
			}
		}
	}()
	return job(ctx)
}

// RunWithLease runs job on ctx while a background loop renews job's lease
// every tick (Good). The loop selects on ctx.Done() and RunWithLease
// cancels that context as soon as job returns, then waits for the loop:
// when RunWithLease returns, no renewal is running or will run.
func RunWithLease(ctx context.Context, every time.Duration, renew func(context.Context), job Job) error {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done(): // the exit condition
				return
			case <-t.C:
				renew(ctx)
			}
		}
	})
	err := job(ctx)
	cancel()
	wg.Wait()
	return err
}
