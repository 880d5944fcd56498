package autotrigger

import (
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// keepAlive tells the server, every Progress (a third of the consumer's
// AckWait unless set), that msg is still being worked on (InProgress): the
// server restarts its AckWait each time. Without it a trigger that runs
// long on a busy node (measured: a 50 ms trigger taking over 250 ms with
// the machine four times oversubscribed) is taken for a dead replica's and
// delivered again while the first delivery still works: two in hand where
// the bound counts one. With it, AckWait only runs out for a replica that
// really stopped.
//
// It returns stop, which ends the reporting and returns once its goroutine
// (owned by the handling of msg, started here) has returned. The caller
// must call stop exactly once, as soon as the work ends.
func (w *Worker) keepAlive(msg jetstream.Msg) (stop func()) {
	every := w.Progress
	if every <= 0 {
		if info := w.Consumer.CachedInfo(); info != nil {
			every = info.Config.AckWait / 3
		}
	}
	if every <= 0 {
		return func() {}
	}
	quit := make(chan struct{})   // closed by stop
	exited := make(chan struct{}) // closed by the goroutine as it returns
	go func() {
		defer close(exited)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				_ = msg.InProgress() // a lost one costs at most a redelivery, which the ledger absorbs
			case <-quit:
				return
			}
		}
	}()
	return func() {
		close(quit)
		<-exited
	}
}
