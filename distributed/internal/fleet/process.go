package fleet

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/distributed/internal/wire"
)

// Processes returns a Launcher that starts each replica as a copy of exe
// (the running binary, from os.Executable) with wire.EnvReplica set to its
// configuration. The replicas write their own error lines to stderr, which
// should be an *os.File (os.Stderr): the child inherits it directly, with no
// goroutine copying in between.
//
// Each replica gets a pipe as stdin whose write end only this process
// holds: when this process exits, however it exits, the pipe closes and the
// replica stops (see replica.Main). Each runs in its own process group, so
// a terminal's Ctrl-C reaches the parent alone, which then stops them.
func Processes(exe string, stderr *os.File) Launcher {
	return func(cfg wire.Config) (Replica, error) {
		r, w, err := os.Pipe()
		if err != nil {
			return nil, fmt.Errorf("start %s: %w", cfg.Name, err)
		}
		cmd := exec.Command(exe)
		cmd.Env = append(os.Environ(), wire.EnvReplica+"="+cfg.Encode())
		cmd.Stdin, cmd.Stdout, cmd.Stderr = r, nil, stderr // stdout is the report's alone
		cmd.SysProcAttr = ownGroup()
		err = cmd.Start()
		r.Close() // the child has its copy
		if err != nil {
			w.Close()
			return nil, fmt.Errorf("start %s: %w", cfg.Name, err)
		}
		p := &process{name: cfg.Name, cmd: cmd, stdin: w, done: make(chan struct{})}
		go p.wait()
		return p, nil
	}
}

type process struct {
	name  string
	cmd   *exec.Cmd
	stdin *os.File      // the pipe's write end; closed once the replica exits
	done  chan struct{} // closed by wait, the goroutine Processes starts
	err   error         // written by wait before it closes done
}

// wait is the one goroutine per replica process: it reaps the process and
// ends when the process does (Kill makes sure it does).
func (p *process) wait() {
	p.err = p.cmd.Wait()
	p.stdin.Close()
	close(p.done)
}

func (p *process) Name() string          { return p.name }
func (p *process) Done() <-chan struct{} { return p.done }
func (p *process) Err() error            { <-p.done; return p.err }

// Kill sends SIGKILL. A replica that has already exited is not an error.
func (p *process) Kill() error {
	if err := p.cmd.Process.Kill(); err != nil && !exited(p) {
		return fmt.Errorf("kill %s: %w", p.name, err)
	}
	return nil
}

// Term sends SIGTERM. A replica that has already exited is not an error.
func (p *process) Term() error {
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil && !exited(p) {
		return fmt.Errorf("SIGTERM %s: %w", p.name, err)
	}
	return nil
}

func exited(p *process) bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}
