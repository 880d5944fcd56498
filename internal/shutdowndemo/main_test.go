package shutdowndemo

import (
	"bytes"
	"runtime"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	numGoroutine = bubbleGoroutines
	goleak.VerifyTestMain(m)
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
