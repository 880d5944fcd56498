// Package memnet is an in-memory network of net.Pipe connections, for
// tests: what lets a testing/synctest bubble run real net/http servers and
// clients in virtual time (a real socket would block the bubble's clock).
//
// The shutdown lesson keeps its own copy in shutdown/memnet_test.go, so
// that the lesson's directory still builds and tests when copied alone.
package memnet

import (
	"context"
	"fmt"
	"net"
	"sync"
	"syscall"
)

// Network is a set of listeners, each at an address of its own. Dialling
// an address nobody listens on, or whose listener is closed, fails with
// ECONNREFUSED, as on loopback. The zero value is not usable: call New.
type Network struct {
	mu   sync.Mutex // guards lns and next
	lns  map[string]*Listener
	next int
}

// New returns an empty network.
func New() *Network { return &Network{lns: map[string]*Listener{}} }

// Listen returns a listener at a fresh address ("mem1:80", "mem2:80", ...).
// It never fails; the error is there so that Network can stand where a
// real network does.
func (n *Network) Listen() (net.Listener, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.next++
	ln := &Listener{
		nw:     n,
		addr:   addr(fmt.Sprintf("mem%d:80", n.next)),
		conns:  make(chan net.Conn),
		closed: make(chan struct{}),
	}
	n.lns[string(ln.addr)] = ln
	return ln, nil
}

// Dial connects to the listener at addr. It returns once that listener's
// Accept has taken the connection, or with an error when the listener is
// closed first or ctx is done.
func (n *Network) Dial(ctx context.Context, addr string) (net.Conn, error) {
	n.mu.Lock()
	ln := n.lns[addr]
	n.mu.Unlock()
	if ln == nil {
		return nil, refused(addr, syscall.ECONNREFUSED)
	}
	return ln.Dial(ctx)
}

// Listen returns a listener on a network of its own, for a test with one
// server: dial it with its Dial method.
func Listen() *Listener {
	ln, _ := New().Listen()
	return ln.(*Listener)
}

// Listener is a net.Listener of in-memory connections.
type Listener struct {
	nw     *Network
	addr   addr
	conns  chan net.Conn // unbuffered: a dial completes when Accept takes it
	once   sync.Once
	closed chan struct{} // closed by Close
}

// Dial connects to l, as Network.Dial does to l's address. For an
// http.Transport: DialContext: func(ctx context.Context, _, _ string)
// (net.Conn, error) { return ln.Dial(ctx) }.
func (l *Listener) Dial(ctx context.Context) (net.Conn, error) {
	client, server := net.Pipe()
	select {
	case l.conns <- server:
		return client, nil
	case <-l.closed:
		client.Close()
		server.Close()
		return nil, refused(string(l.addr), syscall.ECONNREFUSED)
	case <-ctx.Done():
		client.Close()
		server.Close()
		return nil, refused(string(l.addr), ctx.Err())
	}
}

// Accept waits for the next Dial, or for Close.
func (l *Listener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.closed:
		return nil, net.ErrClosed
	}
}

// Close stops l accepting and frees its address; the connections it
// accepted stay open. It is safe to call more than once.
func (l *Listener) Close() error {
	l.once.Do(func() {
		l.nw.mu.Lock()
		delete(l.nw.lns, string(l.addr))
		l.nw.mu.Unlock()
		close(l.closed)
	})
	return nil
}

// Addr returns l's address, of network "mem".
func (l *Listener) Addr() net.Addr { return l.addr }

func refused(a string, err error) error {
	return &net.OpError{Op: "dial", Net: "mem", Addr: addr(a), Err: err}
}

type addr string

func (a addr) Network() string { return "mem" }
func (a addr) String() string  { return string(a) }
