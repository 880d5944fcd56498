package shutdown

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"
)

// drainFixture is a server on an in-memory network whose requests work
// for ?d=, with a client.
type drainFixture struct {
	nw      *memNet
	srv     *http.Server
	ln      net.Listener
	started chan struct{} // one value per request whose handler started
	client  *http.Client
}

func newDrainFixture(t *testing.T) *drainFixture {
	t.Helper()
	f := &drainFixture{nw: newMemNet(), started: make(chan struct{}, 10)}
	var err error
	if f.ln, err = f.nw.Listen(); err != nil {
		t.Fatal(err)
	}
	f.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d, _ := time.ParseDuration(r.URL.Query().Get("d"))
		f.started <- struct{}{}
		respond(w, r, sleep(r.Context(), d))
	})}
	f.client = &http.Client{Transport: &http.Transport{
		DialContext:       func(ctx context.Context, _, addr string) (net.Conn, error) { return f.nw.Dial(ctx, addr) },
		DisableKeepAlives: true,
	}}
	t.Cleanup(f.client.CloseIdleConnections)
	return f
}

// get sends a request that works for d and reports its outcome on a channel.
func (f *drainFixture) get(d time.Duration) <-chan error {
	out := make(chan error, 1)
	go func() {
		resp, err := f.client.Get("http://" + f.ln.Addr().String() + "/?d=" + d.String())
		if err == nil {
			_, err = io.ReadAll(resp.Body)
			resp.Body.Close()
		}
		out <- err
	}()
	return out
}

func TestServeDrainsInFlightAndRefusesNew(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newDrainFixture(t)
		sig, signal := context.WithCancel(t.Context())
		served := make(chan error, 1)
		go func() { served <- Serve(sig, f.srv, f.ln, 10*time.Second) }()

		start := time.Now()
		a, b := f.get(time.Second), f.get(3*time.Second)
		<-f.started
		<-f.started
		signal()
		synctest.Wait() // Serve is draining: the listener is closed

		if err := <-f.get(time.Second); !errors.Is(err, syscall.ECONNREFUSED) {
			t.Errorf("new request during the drain: %v, want ECONNREFUSED", err)
		}
		if err := <-a; err != nil || time.Since(start) != time.Second {
			t.Errorf("1s request: %v at %v, want success at 1s", err, time.Since(start))
		}
		if err := <-b; err != nil || time.Since(start) != 3*time.Second {
			t.Errorf("3s request: %v at %v, want success at 3s", err, time.Since(start))
		}
		if err := <-served; err != nil {
			t.Errorf("Serve after a graceful drain: %v, want nil", err)
		}
		// Shutdown polls for idle connections at most every 500ms.
		if d := time.Since(start); d < 3*time.Second || d > 3500*time.Millisecond {
			t.Errorf("Serve returned at %v, want within Shutdown's 500ms poll of 3s", d)
		}
	})
}

func TestServeFallsBackToCloseAfterTheTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newDrainFixture(t)
		sig, signal := context.WithCancel(t.Context())
		served := make(chan error, 1)
		go func() { served <- Serve(sig, f.srv, f.ln, time.Second) }()

		slow := f.get(time.Minute)
		<-f.started
		start := time.Now()
		signal()
		err := <-served
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Serve: %v, want a drain timeout", err)
		}
		if got := time.Since(start); got != time.Second {
			t.Errorf("Serve returned %v after the signal, want the 1s timeout", got)
		}
		if err := <-slow; err == nil {
			t.Error("the request longer than the drain timeout completed; want it cut off by Close")
		}
		if got := time.Since(start); got != time.Second {
			t.Errorf("the cut-off request ended %v after the signal, want 1s", got)
		}
	})
}

func TestServeReportsAListenerFailure(t *testing.T) {
	// Real sockets end asynchronously: wait for them here, so the
	// goroutine counts of the tests in virtual time are exact.
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln.Close() // Serve's Accept fails at once
	err = Serve(t.Context(), &http.Server{}, ln, time.Second)
	if !errors.Is(err, net.ErrClosed) {
		t.Errorf("Serve on a closed listener: %v, want net.ErrClosed", err)
	}
}

// TestServeOverSockets is the real-socket path: a request in flight at the
// signal completes, and Serve returns nil.
func TestServeOverSockets(t *testing.T) {
	// Real sockets end asynchronously: wait for them here, so the
	// goroutine counts of the tests in virtual time are exact.
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	started := make(chan struct{})
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
		io.WriteString(w, "done")
	})}
	sig, signal := context.WithCancel(t.Context())
	served := make(chan error, 1)
	go func() { served <- Serve(sig, srv, ln, 10*time.Second) }()

	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	body := make(chan string, 1)
	go func() {
		resp, err := client.Get("http://" + ln.Addr().String())
		if err != nil {
			body <- err.Error()
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		body <- string(b)
	}()
	<-started
	signal()
	// The listener closes at once: a new connection is refused. (Until
	// Shutdown has closed it, a dial may still succeed, or be reset if
	// it was queued as the listener closed.)
	for {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			break
		}
		c.Close()
	}
	if _, dialErr := net.Dial("tcp", ln.Addr().String()); !errors.Is(dialErr, syscall.ECONNREFUSED) {
		t.Errorf("dial during the drain: %v, want ECONNREFUSED", dialErr)
	}
	close(release)
	if got := <-body; got != "done" {
		t.Errorf("request in flight at the signal got %q, want \"done\"", got)
	}
	if err := <-served; err != nil {
		t.Errorf("Serve: %v, want nil after a graceful drain", err)
	}
}

func TestServeUntilSignal(t *testing.T) {
	// Real sockets end asynchronously: wait for them here, so the
	// goroutine counts of the tests in virtual time are exact.
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	up := make(chan struct{})
	var once sync.Once
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		once.Do(func() { close(up) })
	})}
	served := make(chan error, 1)
	go func() { served <- ServeUntilSignal(srv, ln, 10*time.Second) }()
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	// ServeUntilSignal catches SIGTERM before it serves: once a request
	// is answered, the signal is safe to send.
	if _, err := client.Get("http://" + ln.Addr().String()); err != nil {
		t.Fatal(err)
	}
	<-up
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := <-served; err != nil {
		t.Errorf("ServeUntilSignal after SIGTERM: %v, want nil", err)
	}
}

// stream is an SSE-like handler: an event now and every second, until its
// client leaves or stop is closed.
func stream(stop <-chan struct{}) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			fmt.Fprint(w, "data: tick\n\n")
			if err := rc.Flush(); err != nil {
				return
			}
			select {
			case <-r.Context().Done():
				return
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}
}

// streamFixture serves srv on an in-memory network, opens one stream and
// reads its first event. ended has the stream's end as its client saw it,
// served srv.Serve's return.
func streamFixture(t *testing.T, srv *http.Server) (ended <-chan error, served <-chan error) {
	t.Helper()
	f := newDrainFixture(t) // its network, listener and client; srv replaces its server
	s := make(chan error, 1)
	go func() { s <- srv.Serve(f.ln) }()
	resp, err := f.client.Get("http://" + f.ln.Addr().String() + "/events")
	if err != nil {
		t.Fatal(err)
	}
	first := make([]byte, len("data: tick\n\n"))
	if _, err := io.ReadFull(resp.Body, first); err != nil {
		t.Fatal(err)
	}
	end := make(chan error, 1)
	go func() {
		_, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		end <- err
	}()
	return end, s
}

// Shutdown waits for a stream that never ends on its own, as for any
// request in flight: the drain takes its whole timeout, then Close cuts
// the stream off. (Drain's doc once said Shutdown did not wait for one.)
func TestDrainWaitsForAStreamUntilItsTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := &http.Server{Handler: stream(nil)}
		ended, served := streamFixture(t, srv)
		start := time.Now()
		err := Drain(srv, 3*time.Second)
		if got := time.Since(start); got != 3*time.Second || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Drain returned %v after %v, want a timeout after exactly 3s", err, got)
		}
		if err := <-ended; err == nil {
			t.Error("the stream ended cleanly; want it cut off by Close")
		}
		if got := time.Since(start); got != 3*time.Second {
			t.Errorf("the stream ended %v after the drain began, want 3s", got)
		}
		if err := <-served; !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("Serve: %v, want ErrServerClosed", err)
		}
	})
}

// A stream told of the shutdown through RegisterOnShutdown ends by itself,
// and the drain finishes at Shutdown's next look, long before its timeout.
func TestDrainEndsAStreamToldByRegisterOnShutdown(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		stop := make(chan struct{}) // closed by the function Shutdown starts
		srv := &http.Server{Handler: stream(stop)}
		srv.RegisterOnShutdown(func() { close(stop) })
		ended, served := streamFixture(t, srv)
		start := time.Now()
		if err := Drain(srv, 3*time.Second); err != nil {
			t.Errorf("Drain: %v, want nil: the stream ended when told", err)
		}
		// Shutdown looks at 1ms, 2ms, 4ms... (plus jitter): a few of
		// them, not the timeout.
		if got := time.Since(start); got > 100*time.Millisecond {
			t.Errorf("Drain took %v, want a few of Shutdown's first polls", got)
		}
		if err := <-ended; err != nil {
			t.Errorf("the stream ended with %v, want a clean end", err)
		}
		<-served
	})
}
