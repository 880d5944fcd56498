package apiserver

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/serving"
)

// DrainTimeout is how long Listener.Close lets requests in flight finish
// before it closes their connections.
const DrainTimeout = time.Second

// Listener is a handler served over real HTTP until Close or CloseNow,
// either of which is called once.
type Listener struct {
	URL string // "http://127.0.0.1:PORT"

	srv  *http.Server
	done chan error // receives Serve's result once; never closed

	// Handlers in flight. http.Server.Close does not wait for them, so
	// CloseNow does; closing (under mu) stops new ones from joining
	// after the wait has begun.
	mu       sync.Mutex
	closing  bool
	handlers sync.WaitGroup
}

// Listen serves h on addr until Close. addr "127.0.0.1:0" takes a free
// port on loopback; URL says which. It speaks HTTP/1.1 and, for clients
// that ask ([Protocols]), HTTP/2 without TLS, with the limits of every
// server of the demo (serving.NewServer: header and idle timeouts, small
// headers); net/http's errors go to errs (nil: dropped), never to stderr.
func Listen(addr string, h http.Handler, errs *serving.ErrorLog) (*Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	l := &Listener{URL: "http://" + ln.Addr().String(), done: make(chan error, 1)}
	l.srv = newServer(l.track(h), errs)
	go func() { l.done <- l.srv.Serve(ln) }() // ends when Close or CloseNow shuts srv down
	return l, nil
}

// newServer is a Listener's http.Server for h.
func newServer(h http.Handler, errs *serving.ErrorLog) *http.Server {
	srv := serving.NewServer(h, errs)
	srv.Protocols = serverProtocols()
	return srv
}

// track counts h's calls in flight, and refuses new ones once closing.
func (l *Listener) track(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l.mu.Lock()
		if l.closing {
			l.mu.Unlock()
			http.Error(w, "shutting down", http.StatusServiceUnavailable)
			return
		}
		l.handlers.Add(1)
		l.mu.Unlock()
		defer l.handlers.Done()
		h.ServeHTTP(w, r)
	})
}

// Close stops accepting, lets requests in flight finish for at most
// DrainTimeout (Shutdown), then closes every connection left (Close), and
// returns once the serving goroutine has ended. No port stays open.
//
// A client that has gone away can make Close wait out the whole
// DrainTimeout: an HTTP/2 connection whose last stream it cancelled is not
// idle yet when Shutdown looks, and Shutdown waits for the client to close
// it. When the clients are known to be gone (cancelled, as on Ctrl-C), use
// [Listener.CloseNow].
func (l *Listener) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), DrainTimeout)
	defer cancel()
	err := l.srv.Shutdown(ctx)
	if err != nil {
		// The drain gave up: cut what is left, and wait for the handlers
		// Close cut off, as CloseNow does, so none outlives Close.
		l.mu.Lock()
		l.closing = true
		l.mu.Unlock()
		err = l.srv.Close()
		l.handlers.Wait()
	}
	return l.wait(err)
}

// CloseNow closes the listener and every connection at once, without
// letting requests in flight finish (their handlers see their contexts
// cancelled), and returns once those handlers and the serving goroutine
// have ended. It is for a stop whose clients have already given up: nobody
// waits for an answer.
func (l *Listener) CloseNow() error {
	l.mu.Lock()
	l.closing = true
	l.mu.Unlock()
	err := l.srv.Close()
	l.handlers.Wait() // Close does not wait for handlers; a Run must not outlive its own
	return l.wait(err)
}

// wait waits for Serve to return and joins its error, if unexpected, to err.
func (l *Listener) wait(err error) error {
	if serveErr := <-l.done; !errors.Is(serveErr, http.ErrServerClosed) {
		return errors.Join(err, serveErr)
	}
	return err
}

// Protocols is what a client of a Listener should speak: HTTP/2 without
// TLS, as client-go speaks HTTP/2 to the real API server: one connection
// carries every request, so 100 requests sent at once arrive at once,
// rather than as fast as 100 new connections can be dialled.
func Protocols() *http.Protocols {
	p := new(http.Protocols)
	p.SetUnencryptedHTTP2(true)
	return p
}

func serverProtocols() *http.Protocols {
	p := Protocols()
	p.SetHTTP1(true) // for curl and friends
	return p
}
