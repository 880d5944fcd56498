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
func TestSIGINT(t *testing.T) { interrupt(t, syscall.SIGINT, exitInterrupted) }

// SIGTERM, what Kubernetes sends a pod it stops, is reported as a shell
// reports a process it killed: 128 + 15.
func TestSIGTERM(t *testing.T) { interrupt(t, syscall.SIGTERM, 143) }

func interrupt(t *testing.T, sig syscall.Signal, want int) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	cmd := exec.Command(os.Args[0], "--scale", "1", "workerpool")
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
		if strings.HasPrefix(lines.Text(), "  unbounded") {
			break // measured one variant: now interrupt the next
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
	for _, want := range []string{"  unbounded", "Interrupted: the figures above"} {
		if !strings.Contains(printed.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, printed.String())
		}
	}
}
