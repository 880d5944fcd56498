package ssedemo

import (
	"context"
	"runtime"
	"strings"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/sim"
)

// settle waits, up to a second, until none of the demo's goroutines is
// left (connections' goroutines end just after their handlers and
// clients, with nothing to wait on), and returns the process's goroutine
// count then. It looks at stacks, not at the count alone, so that a
// goroutine someone else started meanwhile does not keep it waiting.
func settle(ctx context.Context) int {
	deadline := time.Now().Add(time.Second)
	for ours() > 0 && time.Now().Before(deadline) {
		if sim.Sleep(ctx, time.Millisecond) != nil {
			break
		}
	}
	return runtime.NumGoroutine()
}

// creators are the functions whose goroutines are the demo's: net/http's
// connections, the brokers' loops, the demo's own.
var creators = []string{
	"net/http.",
	"github.com/go-concurrency-at-scale/go-concurrency-examples/sse.",
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/ssedemo.",
}

// ours counts the goroutines, other than the caller, that one of creators
// started. (A goroutine started by sync.WaitGroup.Go is the WaitGroup's;
// the demo waits for those itself.)
func ours() int {
	buf := make([]byte, 64<<10)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	stacks := strings.Split(string(buf), "\n\n")
	count := 0
	for _, st := range stacks[1:] { // the first is the caller's
		_, creator, _ := strings.Cut(st, "\ncreated by ")
		for _, c := range creators {
			if strings.HasPrefix(creator, c) {
				count++
				break
			}
		}
	}
	return count
}
