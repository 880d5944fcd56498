// Package natsd runs nats-server in the demo's own process: one server, or
// a cluster of three with routes on loopback, each with JetStream storing
// in its own temporary folder. It is the demo's, not the lesson.
//
// Every listener is on 127.0.0.1 with a port the system picks; nothing is
// reachable from another machine, and two runs never collide.
package natsd

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// Host is the only address the demo's servers listen on.
const Host = "127.0.0.1"

// Server is one embedded nats-server with JetStream.
type Server struct {
	srv *server.Server
	dir string // its JetStream store, removed by Shutdown

	once sync.Once
	err  error
}

// EnvLog, when set, makes the servers log to stderr (for debugging).
const EnvLog = "GCE_NATS_LOG"

// TempPrefix names the temporary folders the servers store in.
const TempPrefix = "gce-distributed-"

// start starts one server named name. Routes, when given, make it a
// member of a cluster: its own route port and the route URLs of every
// member, itself included.
func start(name string, clusterPort int, routes string) (*Server, error) {
	dir, err := os.MkdirTemp("", TempPrefix+name+"-")
	if err != nil {
		return nil, fmt.Errorf("nats-server %s: %w", name, err)
	}
	opts := &server.Options{
		ServerName:         name,
		Host:               Host,
		Port:               server.RANDOM_PORT,
		NoLog:              os.Getenv(EnvLog) == "",
		NoSigs:             true, // the demo handles its own signals
		JetStream:          true,
		StoreDir:           dir,
		JetStreamMaxMemory: 64 << 20,
		JetStreamMaxStore:  1 << 30,
	}
	if routes != "" {
		opts.Cluster = server.ClusterOpts{Name: "gce", Host: Host, Port: clusterPort}
		opts.Routes = server.RoutesFromStr(routes)
	}
	srv, err := server.NewServer(opts)
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("nats-server %s: %w", name, err)
	}
	if !opts.NoLog {
		srv.ConfigureLogger() // to stderr
	}
	srv.Start() // returns once its listeners are being set up
	s := &Server{srv: srv, dir: dir}
	if !srv.ReadyForConnections(10 * time.Second) {
		return nil, errors.Join(fmt.Errorf("nats-server %s: not ready after 10s", name), s.Shutdown())
	}
	return s, nil
}

// Start starts a single server.
func Start() (*Server, error) {
	return start("n1", 0, "")
}

// URL is the server's client URL, nats://127.0.0.1:port.
func (s *Server) URL() string { return s.srv.ClientURL() }

// Name is the server's name, as JetStream reports a stream's leader.
func (s *Server) Name() string { return s.srv.Name() }

// Shutdown stops the server, waits for it, and removes its store. It is
// safe to call more than once; later calls return the first's result.
func (s *Server) Shutdown() error {
	s.once.Do(func() {
		s.srv.Shutdown()
		s.srv.WaitForShutdown()
		if err := os.RemoveAll(s.dir); err != nil {
			s.err = fmt.Errorf("nats-server %s: remove store: %w", s.Name(), err)
		}
	})
	return s.err
}

// Cluster is n servers routed to each other, forming one JetStream
// cluster.
type Cluster struct {
	Servers []*Server
}

// StartCluster starts n servers on loopback, each routed to all. It
// returns once each accepts clients; JetStream elects its meta leader a
// moment later (callers retry their first JetStream call).
func StartCluster(n int) (*Cluster, error) {
	ports, err := freePorts(n)
	if err != nil {
		return nil, fmt.Errorf("cluster: %w", err)
	}
	routes := make([]string, n)
	for i, p := range ports {
		routes[i] = fmt.Sprintf("nats-route://%s:%d", Host, p)
	}
	c := &Cluster{}
	for i := range n {
		s, err := start(fmt.Sprintf("n%d", i+1), ports[i], strings.Join(routes, ","))
		if err != nil {
			return nil, errors.Join(err, c.Shutdown())
		}
		c.Servers = append(c.Servers, s)
	}
	return c, nil
}

// URLs are the members' client URLs.
func (c *Cluster) URLs() []string {
	out := make([]string, len(c.Servers))
	for i, s := range c.Servers {
		out[i] = s.URL()
	}
	return out
}

// ByName returns the member called name, or nil.
func (c *Cluster) ByName(name string) *Server {
	for _, s := range c.Servers {
		if s.Name() == name {
			return s
		}
	}
	return nil
}

// Shutdown shuts every member down (see Server.Shutdown).
func (c *Cluster) Shutdown() error {
	var errs []error
	for _, s := range c.Servers {
		errs = append(errs, s.Shutdown())
	}
	return errors.Join(errs...)
}

// freePorts asks the system for n free loopback ports. The routes must be
// known before the servers start, so the ports are picked, released, and
// taken again by the servers a moment later: another program could take
// one in between, which fails the start with a clear error, never silently.
func freePorts(n int) ([]int, error) {
	var ports []int
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", Host+":0")
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}
