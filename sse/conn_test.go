package sse

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"testing"
	"testing/synctest"
	"time"
)

// The connection a stream leaves behind, through a real http.Server over
// in-memory connections (net.Pipe, which buffers nothing: a client that
// does not read blocks the server's very next write), in virtual time.

// pipeServer serves b on in-memory connections and reports when the
// server closes one, as its ConnState sees it.
type pipeServer struct {
	srv    *http.Server
	conns  chan net.Conn
	served chan error
	closed chan time.Time // one value per connection closed; buffered for the test's few
	idle   chan struct{}  // likewise, per connection kept alive after a stream
}

func newPipeServer(b *Broker) *pipeServer {
	ps := &pipeServer{conns: make(chan net.Conn), served: make(chan error, 1),
		closed: make(chan time.Time, 8), idle: make(chan struct{}, 8)}
	ps.srv = &http.Server{Handler: b, ConnState: func(c net.Conn, st http.ConnState) {
		switch st {
		case http.StateClosed:
			ps.closed <- time.Now()
		case http.StateIdle:
			ps.idle <- struct{}{}
		}
	}}
	ps.srv.RegisterOnShutdown(b.Shutdown)
	go func() { ps.served <- ps.srv.Serve(ps) }()
	return ps
}

// The listener side.
func (ps *pipeServer) Accept() (net.Conn, error) {
	c, ok := <-ps.conns
	if !ok {
		return nil, net.ErrClosed
	}
	return c, nil
}
func (ps *pipeServer) Close() error   { return nil }
func (ps *pipeServer) Addr() net.Addr { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)} }

// open sends a GET for the stream on a new connection and reads the
// response's headers; it returns the client's end and the response.
func (ps *pipeServer) open(t *testing.T) (net.Conn, *http.Response, *bufio.Reader) {
	t.Helper()
	client, server := net.Pipe()
	ps.conns <- server
	go client.Write([]byte("GET /events HTTP/1.1\r\nHost: sse.test\r\n\r\n"))
	r := bufio.NewReader(client)
	resp, err := http.ReadResponse(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	return client, resp, r
}

// closedAt waits until the server closes a connection, for at most a
// virtual minute, and returns when it did.
func (ps *pipeServer) closedAt() (time.Time, bool) {
	select {
	case at := <-ps.closed:
		return at, true
	case <-time.After(time.Minute):
		return time.Time{}, false
	}
}

func (ps *pipeServer) shutdown(t *testing.T) {
	close(ps.conns)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := ps.srv.Shutdown(ctx); err != nil {
		ps.srv.Close()
	}
	<-ps.served
}

// A client that stopped reading is evicted, and its connection closed at
// the same instant: the write it was stuck in is cut, not left to wait
// out WriteTimeout (the broker's handler used to sit there 10 s, then
// drain its buffer to a client that could not take it).
func TestEvictionClosesTheConnection(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := NewBroker(Config{Buffer: 2, WriteTimeout: 10 * time.Second})
		ps := newPipeServer(b)
		defer ps.shutdown(t)
		client, resp, _ := ps.open(t)
		defer client.Close()
		if !resp.Close {
			t.Error("the stream's response does not ask for its connection to be closed at its end")
		}
		start := time.Now()
		for b.Stats().Evicted == 0 { // the client reads nothing more
			if err := b.Publish(t.Context(), "deployment", "payments-api -> prod: Healthy"); err != nil {
				t.Fatal(err)
			}
			synctest.Wait()
		}
		at, ok := ps.closedAt()
		if !ok {
			t.Fatal("the evicted client's connection is still open a minute later")
		}
		if d := at.Sub(start); d != 0 {
			t.Errorf("the evicted client's connection was closed %v after its eviction, want at once", d)
		}
	})
}

// A stream that ended (here the broker shut down) closes its connection
// at once over HTTP/1.1, instead of keeping it open, idle, for a request
// that never comes on it.
func TestEndedStreamClosesTheConnection(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := NewBroker(Config{})
		ps := newPipeServer(b)
		client, _, r := ps.open(t)
		defer client.Close()
		go func() { // the client reads its stream to the end
			for {
				if _, err := r.ReadByte(); err != nil {
					return
				}
			}
		}()
		start := time.Now()
		b.Shutdown() // ends the stream; the server itself keeps serving
		at, ok := ps.closedAt()
		if !ok || at.Sub(start) != 0 || len(ps.idle) != 0 {
			t.Errorf("after its stream ended the connection went idle %d times, and was closed: %v, %v later; want closed at once",
				len(ps.idle), ok, at.Sub(start))
		}
		ps.shutdown(t)
	})
}
