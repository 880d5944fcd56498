package cli

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The real binary (this test binary acting as main), interrupted by a real
// SIGINT once its first row is printed: it stops the workload, prints what
// it measured, and exits 130, as a shell reports SIGINT.
func TestSIGINT(t *testing.T) {
	interrupt(t, syscall.SIGINT, exitInterrupted, "  unbounded", "--scale", "1", "workerpool")
}

// SIGTERM, what Kubernetes sends a pod it stops, is reported as a shell
// reports a process it killed: 128 + 15.
func TestSIGTERM(t *testing.T) {
	interrupt(t, syscall.SIGTERM, 143, "  unbounded", "--scale", "1", "workerpool")
}

// Ctrl-C at the smallest scale with hundreds of lease loops ticking every
// millisecond (slide 23's scenario) still stops the run: at a tinier scale
// once, thousands of tickers starved the signal's goroutine for good.
func TestSIGINTAtTheSmallestScale(t *testing.T) {
	interrupt(t, syscall.SIGINT, exitInterrupted, "== shutdown (slide 23)", "--scale", "0.01", "--items", "400", "shutdown")
}

// interrupt runs the demo with args in a child process, sends it sig once
// a line starting with after is printed, and wants it to print what it
// measured and exit with status want.
func interrupt(t *testing.T, sig syscall.Signal, want int, after string, args ...string) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), envMain+"=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// A hang guard, not a timing claim: the child must not outlive the test.
	guard := time.AfterFunc(20*time.Second, func() { cmd.Process.Kill() })
	defer guard.Stop()

	var printed strings.Builder
	lines := bufio.NewScanner(out)
	for lines.Scan() {
		printed.WriteString(lines.Text() + "\n")
		if strings.HasPrefix(lines.Text(), after) {
			break // now interrupt what comes next
		}
	}
	if err := cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	for lines.Scan() {
		printed.WriteString(lines.Text() + "\n")
	}
	err = cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != want {
		t.Fatalf("child ended with %v, want exit status %d\n%s", err, want, printed.String())
	}
	// Whether the signal lands inside the next variant (then a partial
	// row, marked INTERRUPTED) or between two is up to the scheduler;
	// TestInterrupted pins the partial row down in virtual time.
	for _, want := range []string{after, "Interrupted: the figures above"} {
		if !strings.Contains(printed.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, printed.String())
		}
	}
}
