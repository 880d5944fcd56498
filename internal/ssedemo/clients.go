package ssedemo

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"syscall"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/sse"
)

// The demo's clients stand in for browsers' EventSources: real HTTP over
// loopback, reading the stream through sse.Decoder, which parses it as a
// browser does.

// tally is what one client saw.
type tally struct {
	got     int  // deployment events received
	inOrder bool // each one's id was the one after the previous
	ended   bool // the server ended the stream (eviction or shutdown)
}

// openStream GETs the stream. When it returns, the response headers are in,
// and the handler sends them only after the broker registered it.
func openStream(ctx context.Context, hc *http.Client, url string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "text/event-stream")
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return resp, nil
}

// read reads deployment events from body until it has want of them, the
// stream ends, or ctx ends. Before each event it calls pace, if not nil, so
// a slow client can be made slow; an error from pace stops it.
func read(ctx context.Context, body io.Reader, bufSize, want int, pace func() error) tally {
	d := sse.NewDecoder(bufio.NewReaderSize(body, bufSize)) // bufSize: what the client holds unread
	t := tally{inOrder: true}
	for t.got < want {
		if pace != nil && pace() != nil {
			return t
		}
		ev, err := d.Next()
		if err != nil {
			t.ended = err == io.EOF // else ctx ended it
			return t
		}
		if ev.Type != eventType {
			continue
		}
		t.got++
		if ev.ID != strconv.Itoa(t.got) {
			t.inOrder = false
		}
	}
	return t
}

// The slow client's connection buffers as little as it can, and so does
// the server's end of it (and only of it: the slow client has a listener of
// its own, see smallSendBuffer), so that a client that reads slowly shows
// up as a full broker buffer after dozens of events rather than after megabytes:
// on loopback the kernel would otherwise queue a few MB for it.
const (
	slowSocketBuffer = 1   // SO_RCVBUF / SO_SNDBUF: the kernel rounds it up to its minimum
	slowReadBuffer   = 256 // the HTTP client's and the parser's buffers
)

// slowHTTPClient is an HTTP client whose connections queue little.
func slowHTTPClient() *http.Client {
	dialer := net.Dialer{Control: func(_, _ string, c syscall.RawConn) error {
		var err error
		if cerr := c.Control(func(fd uintptr) { err = setRcvBuf(fd, slowSocketBuffer) }); cerr != nil {
			return cerr
		}
		return err
	}}
	return &http.Client{Transport: &http.Transport{
		DialContext:       dialer.DialContext,
		ReadBufferSize:    slowReadBuffer,
		DisableKeepAlives: true,
	}}
}

// slowPace is a slow client's pace: it waits d before each event, until
// hurry is closed, or ctx ends.
func slowPace(ctx context.Context, d time.Duration, hurry <-chan struct{}) func() error {
	return func() error {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
		case <-hurry:
		case <-ctx.Done():
			return context.Cause(ctx)
		}
		return nil
	}
}

// smallSendBuffer returns an http.Server.ConnContext that shrinks the send
// buffer (see slowSocketBuffer) of the connections accepted on the
// listener at addr: the slow client's own. The fast clients' connections,
// on another listener, keep their usual buffers, as a browser's would.
func smallSendBuffer(addr net.Addr) func(context.Context, net.Conn) context.Context {
	return func(ctx context.Context, c net.Conn) context.Context {
		if tc, ok := c.(*net.TCPConn); ok && tc.LocalAddr().String() == addr.String() {
			_ = tc.SetWriteBuffer(slowSocketBuffer) // best effort, as above
		}
		return ctx
	}
}
