//go:build unix

package shutdowndemo

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/serving"
)

// When the process runs out of file descriptors half-way through the drain
// scenario (the server cannot accept, its clients wait in the backlog for
// ever), the scenario ends with the reason instead of hanging: it runs in
// a child process whose RLIMIT_NOFILE is 128, with 200 requests.
func TestDrainOutOfDescriptors(t *testing.T) {
	if os.Getenv("SHUTDOWNDEMO_EXHAUST_CHILD") == "1" {
		lim := syscall.Rlimit{Cur: 128, Max: 128}
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
			t.Fatal(err)
		}
		env := report.NewEnv(0.05, 1, nil)
		env.Items = 200
		err := drainDemo(context.Background(), env, loopback{})
		if !errors.Is(err, serving.ErrExhausted) {
			t.Fatalf("drainDemo = %v, want ErrExhausted", err)
		}
		p := env.Rec.Report().Patterns[0]
		v := p.Variants[0]
		if v.OK+v.Failed != p.Items || !strings.HasPrefix(p.Notice, "could not run: out of file descriptors") {
			t.Fatalf("variant %+v, notice %q: want every item counted and the reason said", v, p.Notice)
		}
		return
	}
	if testing.Short() {
		t.Skip("starts a child process")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second) // a hang guard, not a timing claim
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestDrainOutOfDescriptors$", "-test.v")
	cmd.Env = append(os.Environ(), "SHUTDOWNDEMO_EXHAUST_CHILD=1")
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("the child hung out of descriptors:\n%s", out)
	}
	if err != nil || !strings.Contains(string(out), "--- PASS: TestDrainOutOfDescriptors") {
		t.Fatalf("child: %v\n%s", err, out)
	}
}
