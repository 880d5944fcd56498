package shutdown

import (
	"bytes"
	"context"
	"runtime"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// sleep waits d or until ctx is done, and returns ctx's cause if it is:
// one step of a job that honours its context.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// bubbleGoroutines counts the goroutines of the caller's synctest bubble,
// or all of them when the caller is in none: the goroutine counts a test
// asserts exactly are its own, whatever goroutines of earlier tests (a
// finished subtest's runner, say) are still on their way out.
func bubbleGoroutines() int {
	const mark = ", synctest bubble "
	buf := make([]byte, 1<<10)
	self := buf[:runtime.Stack(buf, false)]
	header, _, _ := bytes.Cut(self, []byte("\n"))
	i := bytes.Index(header, []byte(mark))
	if i < 0 {
		return runtime.NumGoroutine()
	}
	j := bytes.IndexByte(header[i:], ']')
	bubble := string(header[i : i+j+1]) // ", synctest bubble N]"
	for {
		buf = make([]byte, 2*len(buf))
		if n := runtime.Stack(buf, true); n < len(buf) {
			buf = buf[:n]
			break
		}
	}
	count := 0
	for line := range bytes.Lines(buf) {
		if bytes.HasPrefix(line, []byte("goroutine ")) && bytes.Contains(line, []byte(bubble)) {
			count++
		}
	}
	return count
}
