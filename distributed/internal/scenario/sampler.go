package scenario

import (
	"context"
	"runtime"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// sampler samples a variant while it runs: the triggers in hand (from the
// tally), the server's NumAckPending (from the consumer's info) and the
// parent's goroutines. Its one goroutine is owned by the variant and ends
// on stop (or ctx).
type sampler struct {
	every time.Duration
	quit  chan struct{} // closed by stop
	done  chan struct{} // closed by the goroutine as it ends

	// Written by the goroutine, read after done.
	inflight, ackPending []int
	peakAck, peakG       int
}

func startSampler(ctx context.Context, cons jetstream.Consumer, t *tally, every time.Duration) *sampler {
	s := &sampler{every: max(every, 5*time.Millisecond), quit: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		tick := time.NewTicker(s.every)
		defer tick.Stop()
		ack := 0
		for {
			ictx, cancel := context.WithTimeout(ctx, time.Second)
			if info, err := cons.Info(ictx); err == nil {
				ack = info.NumAckPending
			} // else: an election; keep the last figure
			cancel()
			s.inflight = append(s.inflight, t.inflightNow())
			s.ackPending = append(s.ackPending, ack)
			s.peakAck = max(s.peakAck, ack)
			s.peakG = max(s.peakG, runtime.NumGoroutine())
			select {
			case <-tick.C:
			case <-s.quit:
				return
			case <-ctx.Done():
				return
			}
		}
	}()
	return s
}

// stop ends the sampling and waits for the goroutine.
func (s *sampler) stop() {
	close(s.quit)
	<-s.done
}
