package pitfalls

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// AbandonedSend is the send nobody reads. A handler hands its slow call to
// a goroutine and waits for the result or for the client to leave, slide
// 14's context cancellation, but the result channel has no buffer:
//
//	result := make(chan Manifest) // Bad: unbuffered
//	go func() { result <- fetch() }()
//	select {
//	case m := <-result:
//	    return m, nil
//	case <-ctx.Done():
//	    return Manifest{}, ctx.Err() // the client left; nobody reads result now
//	}
//
// When the client leaves first the handler returns as it should, and the
// goroutine, once fetch is done, blocks on its send forever: one leaked
// goroutine per abandoned request, holding what fetch returned. Nothing
// crashes and nothing times out; the goroutine count only grows. The fix
// is a buffer of one, make(chan Manifest, 1): the one send always has
// room, and the goroutine ends (fetch should take ctx as well).
//
// It runs n such requests whose clients leave after leave, each fetch
// taking work, waits until every fetch has finished, and counts the
// goroutines still blocked on their send; then the same with the buffer of
// one. The demo's safety net, which the slide's code does not have, then
// reads every abandoned channel, so the blocked goroutines end.
func AbandonedSend(ctx context.Context, n int, work, leave time.Duration) Finding {
	blocked, handlerErrs := sendAll(ctx, n, 0, work, leave)
	fixedBlocked, _ := sendAll(ctx, n, 1, work, leave)
	return Finding{Items: n, Lost: blocked, What: fmt.Sprintf(
		"%d of %d handlers returned when their client left after %v; once every fetch had finished, "+
			"%d goroutines were still blocked on their send, which nobody will read; with make(chan T, 1): %d",
		handlerErrs, n, leave, blocked, fixedBlocked)}
}

// sendAll runs n of the handlers with a result channel of buffer, each
// request's client leaving after leave, and returns how many goroutines
// were still blocked on their send once every fetch had finished, and how
// many handlers returned the client's leaving.
func sendAll(ctx context.Context, n, buffer int, work, leave time.Duration) (blocked, left int) {
	var (
		fetched   sync.WaitGroup // every fetch finished: the count is taken then
		senders   sync.WaitGroup // the demo's, not the slide's: every sender ended
		mu        sync.Mutex
		abandoned []chan int   // the safety net: the channels no handler read
		ended     atomic.Int64 // the net: senders whose send went through
	)
	fetch := func() int {
		defer fetched.Done()
		sleep(ctx, work)
		return 42
	}
	// handle is the slide-14 handler, with the net's two additions
	// marked: the senders WaitGroup and the abandoned channel kept.
	handle := func(ctx context.Context) error {
		result := make(chan int, buffer) // Bad when buffer is 0
		senders.Go(func() {              // senders.Go: the net
			defer ended.Add(1) // the net
			result <- fetch()
		})
		select {
		case <-result:
			return nil
		case <-ctx.Done():
			mu.Lock()
			abandoned = append(abandoned, result) // the net
			mu.Unlock()
			return ctx.Err() // the client left
		}
	}
	fetched.Add(n)
	errs := make(chan error, n)
	for range n {
		go func() {
			reqCtx, cancel := context.WithTimeout(ctx, leave) // the client leaves after leave
			defer cancel()
			errs <- handle(reqCtx)
		}()
	}
	for range n {
		if <-errs != nil {
			left++
		}
	}
	fetched.Wait()
	blocked = blockedSenders(n, &ended)

	for _, r := range abandoned { // the safety net: read what nobody would have
		<-r // each channel gets exactly one send: blocked on it, or in its buffer
	}
	senders.Wait()
	return blocked, left
}

// blockedSenders counts the senders of sendAll blocked on their send once
// every one has either sent or blocked. n is how many senders there are;
// ended counts the ones that sent.
func blockedSenders(n int, ended *atomic.Int64) int {
	b := goroutinesIn("pitfalls.sendAll.func", "[chan send")
	// A sender that has fetched may not have reached its send yet: give
	// the scheduler a bounded number of turns to get every one there.
	for i := 0; i < 1000 && b+int(ended.Load()) < n; i++ {
		runtime.Gosched()
		b = goroutinesIn("pitfalls.sendAll.func", "[chan send")
	}
	return b
}
