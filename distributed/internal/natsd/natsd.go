// Package natsd runs nats-server, embedded: one server in the demo's own
// process, or a cluster of three with routes on loopback, each a process of
// its own (the demo's binary again), so that killing one is a real kill.
// Each stores JetStream in a temporary folder that is removed. It is the
// demo's, not the lesson.
//
// Every listener is on 127.0.0.1 with a port the system picks; nothing is
// reachable from another machine, and two runs never collide.
package natsd

import (
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// Host is the only address the demo's servers listen on.
const Host = "127.0.0.1"

// Server is one embedded nats-server with JetStream.
type Server struct {
	srv *server.Server
	dir string // its JetStream store, removed by Shutdown; "" if not its own

	once sync.Once
	err  error
}

// EnvLog, when set, makes the servers log to stderr (for debugging).
const EnvLog = "GCE_NATS_LOG"

// TempPrefix names the temporary folders the servers store in.
const TempPrefix = "gce-distributed-"

// spec is one server's configuration: a single server, or one member of
// a cluster (then with fixed ports and the route URLs of every member,
// itself included).
type spec struct {
	Name        string `json:"name"`
	Port        int    `json:"port"`         // client port; server.RANDOM_PORT for any
	ClusterPort int    `json:"cluster_port"` // 0: not in a cluster
	Routes      string `json:"routes"`       // nats-route://127.0.0.1:port,...
	Dir         string `json:"dir"`          // JetStream store; "" for a fresh temporary one
}

// start starts one server. A store it creates is removed by Shutdown; one
// it is given belongs to the caller.
func start(sp spec) (*Server, error) {
	dir, own := sp.Dir, false
	if dir == "" {
		d, err := os.MkdirTemp("", TempPrefix+sp.Name+"-")
		if err != nil {
			return nil, fmt.Errorf("nats-server %s: %w", sp.Name, err)
		}
		dir, own = d, true
	}
	opts := &server.Options{
		ServerName:         sp.Name,
		Host:               Host,
		Port:               sp.Port,
		NoLog:              os.Getenv(EnvLog) == "",
		NoSigs:             true, // the demo handles its own signals
		JetStream:          true,
		StoreDir:           dir,
		JetStreamMaxMemory: 64 << 20,
		JetStreamMaxStore:  1 << 30,
	}
	if sp.ClusterPort != 0 {
		opts.Cluster = server.ClusterOpts{Name: "gce", Host: Host, Port: sp.ClusterPort}
		opts.Routes = server.RoutesFromStr(sp.Routes)
	}
	srv, err := server.NewServer(opts)
	if err != nil {
		if own {
			os.RemoveAll(dir)
		}
		return nil, fmt.Errorf("nats-server %s: %w", sp.Name, err)
	}
	if !opts.NoLog {
		srv.ConfigureLogger() // to stderr
	}
	srv.Start() // returns once its listeners are being set up
	s := &Server{srv: srv}
	if own {
		s.dir = dir
	}
	if !srv.ReadyForConnections(10 * time.Second) {
		return nil, errors.Join(fmt.Errorf("nats-server %s: not ready after 10s", sp.Name), s.Shutdown())
	}
	return s, nil
}

// Start starts a single server, storing in a temporary folder.
func Start() (*Server, error) {
	return start(spec{Name: "n1", Port: server.RANDOM_PORT})
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
		if s.dir == "" {
			return
		}
		if err := os.RemoveAll(s.dir); err != nil {
			s.err = fmt.Errorf("nats-server %s: remove store: %w", s.Name(), err)
		}
	})
	return s.err
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
