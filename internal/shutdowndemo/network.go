package shutdowndemo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/serving"
)

// network is where the demo's servers listen and its clients dial: TCP on
// 127.0.0.1 for the demo, an in-memory network in the tests, so that a
// testing/synctest bubble can run a whole scenario in virtual time.
type network interface {
	Listen() (net.Listener, error)
	Dial(ctx context.Context, addr string) (net.Conn, error)
}

// loopback is the demo's network: real sockets on 127.0.0.1, port 0.
type loopback struct{}

func (loopback) Listen() (net.Listener, error) { return net.Listen("tcp", "127.0.0.1:0") }

func (loopback) Dial(ctx context.Context, addr string) (net.Conn, error) {
	var d net.Dialer
	return d.DialContext(ctx, "tcp", addr)
}

// settleWithin bounds how long a variant waits for the goroutines of its
// closed connections to end.
const settleWithin = 100 * time.Millisecond

// demoServer is one variant's server, its request tracker, and a client.
type demoServer struct {
	srv    *http.Server
	ln     net.Listener
	url    string
	nw     network
	client *http.Client
	track  *tracker
	errs   *serving.ErrorLog // net/http's log; Exhausted when descriptors run out
	// dialsRanOut says a client's dial failed for want of descriptors.
	dialsRanOut atomic.Bool
}

// newServer listens on nw and wraps h in a tracker. It does not serve yet:
// the caller serves with srv.Serve(ln) or shutdown.Serve, and ends it.
//
// life becomes every request's base context: the demo's run, which stands
// for the process (Ctrl-C ends it), not for the shutdown signal.
func newServer(life context.Context, nw network, h http.Handler) (*demoServer, error) {
	ln, err := nw.Listen()
	if err != nil {
		return nil, err
	}
	t := newTracker()
	errs := &serving.ErrorLog{}
	srv := serving.NewServer(t.wrap(h), errs)
	srv.BaseContext = func(net.Listener) context.Context { return life }
	s := &demoServer{srv: srv, ln: ln, url: "http://" + ln.Addr().String(), nw: nw, track: t, errs: errs}
	s.client = s.newClient(false)
	return s, nil
}

// startServer is newServer, serving at once; stop closes it and waits for
// its handlers, then for the goroutines of its connections to go. leftover
// is how many goroutines the variant knowingly leaves running (slide 23's
// leaked loops), so that stop does not wait for them in vain.
func startServer(life context.Context, nw network, h http.Handler) (s *demoServer, stop func(leftover int), err error) {
	before := numGoroutine()
	s, err = newServer(life, nw, h)
	if err != nil {
		return nil, nil, err
	}
	served := make(chan struct{}) // closed by the serving goroutine as it ends
	go func() {
		defer close(served)
		_ = s.srv.Serve(s.ln) // ErrServerClosed, once stop calls Close
	}()
	return s, func(leftover int) {
		_ = s.srv.Close()
		<-served
		s.finish()
		// Let the closed connections' goroutines go, so the next variant
		// starts from this one's baseline.
		settle(life, before+leftover, settleWithin)
	}, nil
}

// finish waits for every handler to return and closes the client's idle
// connections, so that no goroutine of this server outlives the variant.
// Every handler of the demo ends once its connection is closed or life is
// done; a detached one once its job is done, or life.
func (s *demoServer) finish() {
	_ = s.track.wait(context.Background(), func(st trackState) bool { return st.active == 0 })
	s.client.CloseIdleConnections()
}

// newClient returns a client of the server's network; fresh ones (no
// keep-alive) must dial, so after the listener closed they are refused.
func (s *demoServer) newClient(fresh bool) *http.Client {
	return &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, addr string) (net.Conn, error) {
			return s.nw.Dial(ctx, addr)
		},
		DisableKeepAlives: fresh,
	}}
}

// call sends one request with client and reads the whole answer: nil for
// a 200 "ok" read to its end, as the lesson's handlers answer a job done.
// An empty 200 is a handler that saw its client gone (the demo's Ctrl-C
// cancels both ends at once) and wrote nothing: not a success.
//
// When the process runs out of file descriptors the server cannot accept,
// and a request whose connection waits in the kernel's backlog would wait
// for ever: it ends with serving.ErrExhausted.
func (s *demoServer) call(ctx context.Context, client *http.Client, method, path string) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stop := context.AfterFunc(s.errs.Exhausted(), func() { cancel(serving.ErrExhausted) })
	defer stop()
	err := s.do(ctx, client, method, path)
	switch {
	case errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE):
		// The client's end ran out: this request fails at once, and the
		// variant must say why; the others go on.
		s.dialsRanOut.Store(true)
		return fmt.Errorf("%w: %w", serving.ErrExhausted, err)
	case err != nil && errors.Is(context.Cause(ctx), serving.ErrExhausted):
		return serving.ErrExhausted
	}
	return err
}

// do is call without the watch on the descriptors.
func (s *demoServer) do(ctx context.Context, client *http.Client, method, path string) error {
	req, err := http.NewRequestWithContext(ctx, method, s.url+path, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	switch answer := strings.TrimSpace(string(body)); {
	case resp.StatusCode != http.StatusOK:
		return errors.New(resp.Status + ": " + answer)
	case answer != "ok":
		return errNoAnswer
	}
	return nil
}

// numGoroutine counts the process's goroutines, as the demo shows them.
// The tests count only their synctest bubble's, which other tests'
// goroutines (ending on their own clock) cannot disturb.
var numGoroutine = runtime.NumGoroutine

// settle waits until the process has at most target goroutines, or for
// within, and returns the count: goroutines that are ending (a closed
// connection's reader) take a moment to go.
func settle(ctx context.Context, target int, within time.Duration) int {
	deadline := time.Now().Add(within)
	for {
		n := numGoroutine()
		if n <= target || !time.Now().Before(deadline) || ctx.Err() != nil {
			return n
		}
		t := time.NewTimer(time.Millisecond)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
		}
	}
}

// requestIndex reads the demo client's ?i= (which of n requests this is),
// answering 400 itself when it is missing or out of range.
func requestIndex(w http.ResponseWriter, r *http.Request, n int) (int, bool) {
	i, err := strconv.Atoi(r.URL.Query().Get("i"))
	if err != nil || i < 0 || i >= n {
		http.Error(w, "bad i", http.StatusBadRequest)
		return 0, false
	}
	return i, true
}
