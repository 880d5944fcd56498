package cli

import (
	"context"
	"io"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// An Enter pressed while a variant runs is type-ahead: it neither answers
// the next prompt nor makes it erase a line of output. Only an Enter after
// the prompt appeared goes on, and then only the prompt is cleared.
func TestStepIgnoresTypeAhead(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		lines := make(chan stepLine, 1)
		var out strings.Builder
		step := stepper(t.Context(), &out, lines)
		lines <- stepLine{at: time.Now(), text: ""} // pressed during the variant
		time.Sleep(time.Second)                     // the variant ends; the prompt comes

		var returned atomic.Bool
		go func() {
			step("batches")
			returned.Store(true)
		}()
		synctest.Wait()
		if returned.Load() {
			t.Fatal("the pause was skipped by an Enter pressed before its prompt")
		}
		if got := out.String(); got != "  [Enter: batches]" {
			t.Fatalf("before the Enter: %q, want the prompt alone", got)
		}
		lines <- stepLine{at: time.Now(), text: ""} // the presenter's Enter
		synctest.Wait()
		if !returned.Load() {
			t.Fatal("an Enter after the prompt did not go on")
		}
		if got, want := out.String(), "  [Enter: batches]\x1b[1A\x1b[2K\r"; got != want {
			t.Errorf("wrote %q, want the prompt, then only the prompt cleared", got)
		}
	})
}

// Ctrl-C at a pause ends it at once.
func TestStepCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	var out strings.Builder
	stepper(ctx, &out, make(chan stepLine))("window")
	if !strings.HasSuffix(out.String(), "\r\x1b[2K") {
		t.Errorf("wrote %q, want the prompt cleared", out.String())
	}
}

// --step needs a terminal for its prompt and for the Enter: without one it
// does not pause (and does not start a reader).
func TestStepNeedsATerminal(t *testing.T) {
	if lines := stepLines(options{step: true}, strings.NewReader("\n"), &strings.Builder{}); lines != nil {
		t.Error("stepLines read from a stdin that is not a terminal")
	}
}

// The real reader, through a pipe: two Enters typed while a variant runs
// are both type-ahead (unbuffered, the reader would take the second only
// at the next prompt, and it would answer it).
func TestStepTypeAheadThroughTheReader(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		pr, pw := io.Pipe()
		defer pw.Close()
		var out strings.Builder
		step := stepper(t.Context(), &out, readLines(pr))
		go pw.Write([]byte("\n\n")) // two Enters during the variant
		synctest.Wait()
		time.Sleep(time.Second) // the variant ends; the prompt comes

		var returned atomic.Bool
		go func() {
			step("batches")
			returned.Store(true)
		}()
		synctest.Wait()
		if returned.Load() {
			t.Fatal("the pause was skipped by Enters typed before its prompt")
		}
		go pw.Write([]byte("\n"))
		synctest.Wait()
		if !returned.Load() {
			t.Fatal("an Enter after the prompt did not go on")
		}
		if got, want := out.String(), "  [Enter: batches]\x1b[1A\x1b[2K\r"; got != want {
			t.Errorf("wrote %q, want the prompt, then only the prompt cleared", got)
		}
		pw.Close()
	})
}
