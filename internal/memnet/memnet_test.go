package memnet

import (
	"context"
	"errors"
	"io"
	"net"
	"syscall"
	"testing"
)

// A dial reaches the listener at its address, and bytes cross; an address
// nobody listens on, a closed listener and a cancelled dial are refused
// the way loopback refuses them.
func TestNetwork(t *testing.T) {
	nw := New()
	ln, _ := nw.Listen()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			t.Error(err)
		}
		accepted <- c
	}()
	c, err := nw.Dial(t.Context(), ln.Addr().String())
	if err != nil {
		t.Fatalf("Dial %s: %v", ln.Addr(), err)
	}
	defer c.Close()
	s := <-accepted
	defer s.Close()
	go func() { io.WriteString(c, "hi"); c.Close() }()
	if b, err := io.ReadAll(s); string(b) != "hi" || err != nil {
		t.Errorf("read %q, %v; want \"hi\"", b, err)
	}

	if _, err := nw.Dial(t.Context(), "mem99:80"); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("Dial an address nobody listens on: %v, want ECONNREFUSED", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := nw.Dial(ctx, ln.Addr().String()); !errors.Is(err, context.Canceled) {
		t.Errorf("Dial with a cancelled context: %v, want context.Canceled", err)
	}
	ln.Close()
	ln.Close() // twice is fine
	if _, err := nw.Dial(t.Context(), ln.Addr().String()); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("Dial a closed listener's address: %v, want ECONNREFUSED", err)
	}
	if _, err := ln.Accept(); !errors.Is(err, net.ErrClosed) {
		t.Errorf("Accept after Close: %v, want net.ErrClosed", err)
	}
	if _, err := ln.(*Listener).Dial(t.Context()); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("Listener.Dial after Close: %v, want ECONNREFUSED", err)
	}
}
