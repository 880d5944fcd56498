package cli

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"
)

// Any command line ends with 0, 2 or 130 (1 when a --serve port is taken
// or not the user's to take), never a panic and never a hang. The run's context is
// cancelled at once, as by a Ctrl-C typed before the first variant, so a
// valid full run is cut short rather than run for twenty seconds.
//
//	go test -fuzz FuzzCommandLine ./cmd/demo
func FuzzCommandLine(f *testing.F) {
	for _, seed := range []string{
		"", "list", "-h", "workerpool --json", "--scale 0", "--scale 1e-300", "--items 99999 shutdown",
		"sse --serve 127.0.0.1:0", "--serve :0 ratelimit", "fanout --fail", "--fail= fanout", "--svg",
		"--step --no-color hibernation", "--workers -1", "nope \x1b[2J", "--scale NaN", "--items 1 --workers 10000",
		"pitfalls --pitfalls", "--json --svg x", "list list", "-- workerpool",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, line string) {
		t.Chdir(t.TempDir()) // --svg DIR writes here
		args := strings.Fields(line)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		done := make(chan int, 1)
		go func() {
			var out, errOut strings.Builder
			done <- run(ctx, args, strings.NewReader(""), &out, &errOut)
		}()
		hang := time.NewTimer(20 * time.Second) // a hang guard, not a timing claim
		defer hang.Stop()
		select {
		case code := <-done:
			ok := []int{exitOK, exitUsage, exitInterrupted}
			serve := func(a string) bool {
				return strings.HasPrefix(strings.TrimLeft(a, "-"), "serve") && strings.HasPrefix(a, "-")
			}
			if slices.ContainsFunc(args, serve) {
				ok = append(ok, exitFailed) // the port is taken, or not ours to take
			}
			if !slices.Contains(ok, code) {
				t.Errorf("%q: exit %d, want one of %v", args, code, ok)
			}
		case <-hang.C:
			t.Fatalf("%q: still running after 20s", args)
		}
	})
}
