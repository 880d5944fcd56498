package shutdowndemo

import (
	"context"
	"fmt"
	"net"
	"sync"
	"syscall"
)

// memNet is an in-memory network of net.Pipe connections: what lets a
// testing/synctest bubble run real net/http servers and clients in virtual
// time (a real socket would block the bubble's clock). Dialling an address
// nobody listens on, or whose listener is closed, fails with
// ECONNREFUSED, as on loopback.
type memNet struct {
	mu   sync.Mutex // guards lns and next
	lns  map[string]*memListener
	next int
}

func newMemNet() *memNet { return &memNet{lns: map[string]*memListener{}} }

func (n *memNet) Listen() (net.Listener, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.next++
	ln := &memListener{
		nw:     n,
		addr:   memAddr(fmt.Sprintf("mem%d:80", n.next)),
		conns:  make(chan net.Conn),
		closed: make(chan struct{}),
	}
	n.lns[string(ln.addr)] = ln
	return ln, nil
}

func (n *memNet) Dial(ctx context.Context, addr string) (net.Conn, error) {
	n.mu.Lock()
	ln := n.lns[addr]
	n.mu.Unlock()
	refused := &net.OpError{Op: "dial", Net: "mem", Addr: memAddr(addr), Err: syscall.ECONNREFUSED}
	if ln == nil {
		return nil, refused
	}
	client, server := net.Pipe()
	select {
	case ln.conns <- server:
		return client, nil
	case <-ln.closed:
	case <-ctx.Done():
		refused.Err = ctx.Err()
	}
	client.Close()
	server.Close()
	return nil, refused
}

type memListener struct {
	nw     *memNet
	addr   memAddr
	conns  chan net.Conn // unbuffered: a dial completes when Accept takes it
	once   sync.Once
	closed chan struct{} // closed by Close
}

func (l *memListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.closed:
		return nil, net.ErrClosed
	}
}

func (l *memListener) Close() error {
	l.once.Do(func() {
		l.nw.mu.Lock()
		delete(l.nw.lns, string(l.addr))
		l.nw.mu.Unlock()
		close(l.closed)
	})
	return nil
}

func (l *memListener) Addr() net.Addr { return l.addr }

type memAddr string

func (a memAddr) Network() string { return "mem" }
func (a memAddr) String() string  { return string(a) }
