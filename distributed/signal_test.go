//go:build unix

package main

import (
	"bufio"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// child is the command as a real process (this test binary, see
// TestMain), with its own temporary folder.
type child struct {
	cmd    *exec.Cmd
	lines  *bufio.Scanner // stdout, line by line
	stderr chan string    // everything on stderr, sent once it reaches end of file
	tmp    string
}

// startChild starts the command with args and reads its stdout until a
// line starts with prefix: a variant has been measured, the next is under
// way.
func startChild(t *testing.T, prefix string, args ...string) *child {
	t.Helper()
	c := &child{cmd: exec.Command(os.Args[0], args...), tmp: t.TempDir(), stderr: make(chan string, 1)}
	c.cmd.Env = append(os.Environ(), envMain+"=1", "TMPDIR="+c.tmp,
		"GORACE=atexit_sleep_ms=0") // a -race process otherwise waits a second to exit
	out, err := c.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	// Not StderrPipe: Wait would close it. The replicas inherit this pipe
	// as their stderr, so its end of file says every one of them is gone.
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	c.cmd.Stderr = w
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	go func() { // ends at end of file: when the command and its replicas are gone
		b, _ := io.ReadAll(r)
		r.Close()
		c.stderr <- string(b)
	}()
	// A hang guard, not a timing claim: no child outlives the test.
	guard := time.AfterFunc(60*time.Second, func() { c.cmd.Process.Kill() })
	t.Cleanup(func() { guard.Stop() })
	c.lines = bufio.NewScanner(out)
	for c.lines.Scan() {
		if strings.HasPrefix(c.lines.Text(), prefix) {
			return c
		}
	}
	c.cmd.Wait()
	t.Fatalf("the command ended before printing %q: %s", prefix, <-c.stderr)
	return nil
}

// rest reads stdout to its end.
func (c *child) rest() string {
	var b strings.Builder
	for c.lines.Scan() {
		b.WriteString(c.lines.Text() + "\n")
	}
	return b.String()
}

// gone waits until every process holding the stderr pipe has exited: the
// command and all its replicas.
func (c *child) gone(t *testing.T) string {
	t.Helper()
	select {
	case s := <-c.stderr:
		return s
	case <-time.After(30 * time.Second):
		t.Fatal("replica processes still running 30s after the command ended")
	}
	return ""
}

// Ctrl-C and SIGTERM: the run stops, prints what it measured, stops its
// replicas, removes its temporary folders, and exits 130 or 143.
func TestSignals(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	for _, tc := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGINT, exitInterrupted}, {syscall.SIGTERM, exitTerminated}} {
		t.Run(tc.sig.String(), func(t *testing.T) {
			c := startChild(t, "  per-replica", "--scale", "0.5")
			if err := c.cmd.Process.Signal(tc.sig); err != nil {
				t.Fatal(err)
			}
			printed := c.rest()
			err := c.cmd.Wait()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != tc.code {
				t.Fatalf("ended with %v; want exit status %d\n%s", err, tc.code, printed)
			}
			stderr := c.gone(t)
			if !strings.Contains(printed, "Interrupted: the figures above") || !strings.Contains(stderr, "interrupted") {
				t.Errorf("stdout:\n%s\nstderr:\n%s", printed, stderr)
			}
			left, _ := filepath.Glob(filepath.Join(c.tmp, "gce-distributed-*"))
			if len(left) > 0 {
				t.Errorf("temporary folders left behind: %q", left)
			}
		})
	}
}

// The parent SIGKILLed mid-run, with no chance to stop anything: its
// replicas see their stdin close and exit on their own.
func TestParentKilledReplicasExit(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	c := startChild(t, "  per-replica", "--scale", "0.5")
	if err := c.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	c.rest()
	_ = c.cmd.Wait()
	c.gone(t) // the pipe's end of file: no replica holds it any more
}
