package natsd

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

// EnvServer marks a process as one cluster member: its value is the
// member's spec, as JSON.
const EnvServer = "GCE_DISTRIBUTED_SERVER"

// Cluster is n nats-server processes routed to each other: one JetStream
// cluster. The processes are copies of the demo's binary, each running one
// embedded server (see ServerMain).
type Cluster struct {
	members []*member
}

type member struct {
	name, url string
	dir       string // its store: the member removes it on a clean exit, Kill and Shutdown on any other
	cmd       *exec.Cmd
	stdin     *os.File      // write end: closing it stops the member
	done      chan struct{} // closed by the member's waiter once it has exited
}

// StartCluster starts n members as copies of exe, each listening on
// 127.0.0.1 only, and returns once every one accepts clients (JetStream
// elects its meta leader a moment later: callers retry their first call).
// Members write their errors to stderr.
func StartCluster(exe string, n int, stderr *os.File) (c *Cluster, err error) {
	c = &Cluster{}
	defer func() {
		if err != nil {
			err = errors.Join(err, c.Shutdown())
		}
	}()
	ports, err := freePorts(2 * n)
	if err != nil {
		return c, fmt.Errorf("cluster: %w", err)
	}
	routes := make([]string, n)
	for i := range n {
		routes[i] = fmt.Sprintf("nats-route://%s:%d", Host, ports[n+i])
	}
	for i := range n {
		// No Dir: each member makes its own temporary store and removes
		// it when it shuts down, also when this process died first.
		sp := spec{Name: fmt.Sprintf("n%d", i+1), Port: ports[i], ClusterPort: ports[n+i],
			Routes: strings.Join(routes, ",")}
		m, err := startMember(exe, sp, stderr)
		if err != nil {
			return c, err
		}
		c.members = append(c.members, m)
	}
	return c, nil
}

func startMember(exe string, sp spec, stderr *os.File) (*member, error) {
	b, err := json.Marshal(sp)
	if err != nil {
		return nil, err
	}
	in, inW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	outR, out, err := os.Pipe()
	if err != nil {
		in.Close()
		inW.Close()
		return nil, err
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), EnvServer+"="+string(b))
	cmd.Stdin, cmd.Stdout, cmd.Stderr = in, out, stderr
	cmd.SysProcAttr = ownGroup()
	err = cmd.Start()
	in.Close()
	out.Close()
	if err != nil {
		inW.Close()
		outR.Close()
		return nil, fmt.Errorf("start nats-server %s: %w", sp.Name, err)
	}
	m := &member{name: sp.Name, url: fmt.Sprintf("nats://%s:%d", Host, sp.Port), cmd: cmd, stdin: inW, done: make(chan struct{})}
	go func() { // the member's waiter: ends when the process does
		_ = cmd.Wait()
		inW.Close()
		close(m.done)
	}()
	ready := make(chan string, 1) // the store's folder, or "" if the member failed
	go func() {                   // reads the member's stdout to its end: ends with the process
		defer outR.Close()
		sc := bufio.NewScanner(outR)
		dir := ""
		if sc.Scan() {
			dir, _ = strings.CutPrefix(sc.Text(), "ready ")
		}
		ready <- dir
		_, _ = io.Copy(io.Discard, outR)
	}()
	select {
	case dir := <-ready:
		if dir != "" {
			m.dir = dir
			return m, nil
		}
	case <-time.After(30 * time.Second):
	}
	_ = cmd.Process.Kill()
	<-m.done
	return nil, fmt.Errorf("nats-server %s did not start", sp.Name)
}

// URLs are the members' client URLs.
func (c *Cluster) URLs() []string {
	out := make([]string, len(c.members))
	for i, m := range c.members {
		out[i] = m.url
	}
	return out
}

// Size is the number of members started.
func (c *Cluster) Size() int { return len(c.members) }

// Kill sends SIGKILL to the member called name: a crash, no goodbye to
// its peers.
func (c *Cluster) Kill(name string) error {
	for _, m := range c.members {
		if m.name == name {
			if err := m.cmd.Process.Kill(); err != nil {
				return fmt.Errorf("kill nats-server %s: %w", name, err)
			}
			<-m.done
			return os.RemoveAll(m.dir) // the dead cannot

		}
	}
	return fmt.Errorf("no cluster member %q", name)
}

// Shutdown stops every member still running (closing its stdin, which it
// answers with a clean shutdown that removes its store; SIGKILL if it takes
// longer than ten seconds), and removes any store left behind.
func (c *Cluster) Shutdown() error {
	for _, m := range c.members {
		m.stdin.Close()
	}
	deadline := time.After(10 * time.Second)
	for _, m := range c.members {
		select {
		case <-m.done:
		case <-deadline:
			_ = m.cmd.Process.Kill()
			<-m.done
		}
	}
	var errs []error
	for _, m := range c.members {
		if err := os.RemoveAll(m.dir); err != nil {
			errs = append(errs, fmt.Errorf("cluster: remove the store of %s: %w", m.name, err))
		}
	}
	return errors.Join(errs...)
}

// ServerMain is a cluster member's process: it runs the server in spec
// (JSON), says "ready" and its store's folder on stdout once it accepts
// clients, and shuts down cleanly (removing the store) when stdin reaches
// end of file (the parent closed it, or died) or on SIGTERM. It returns
// the exit status.
func ServerMain(config string, stdin io.Reader, stdout, stderr io.Writer) int {
	var sp spec
	if err := json.Unmarshal([]byte(config), &sp); err != nil {
		fmt.Fprintf(stderr, "nats-server: %v\n", err)
		return 1
	}
	signal.Ignore(os.Interrupt) // the parent's to handle
	s, err := start(sp)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	fmt.Fprintln(stdout, "ready", s.dir)
	gone := make(chan struct{})
	go func() { // ends at end of file, or with the process
		_, _ = io.Copy(io.Discard, stdin)
		close(gone)
	}()
	term := make(chan os.Signal, 1)
	signal.Notify(term, syscall.SIGTERM)
	select {
	case <-gone:
	case <-term:
	}
	if err := s.Shutdown(); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	return 0
}
