package ratelimitdemo

import (
	"context"
	"net/http"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/apiserver"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/serving"
)

// connectFunc serves api and returns a client for it, its base URL, and
// how to close both: over loopback for the demo, in memory in tests. stop
// is given the variant's context: when it is done, the client has given up
// on every request, and stop closes at once rather than draining.
type connectFunc func(api http.Handler, conns int) (hc *http.Client, baseURL string, stop func(context.Context) error, err error)

// overLoopback is the demo's connectFunc: a real server on a free port of
// 127.0.0.1 and a real client. The servers' net/http errors go to errs.
func overLoopback(errs *serving.ErrorLog) connectFunc {
	return func(api http.Handler, conns int) (*http.Client, string, func(context.Context) error, error) {
		return loopback(api, conns, errs)
	}
}

func loopback(api http.Handler, conns int, errs *serving.ErrorLog) (*http.Client, string, func(context.Context) error, error) {
	ln, err := apiserver.Listen("127.0.0.1:0", api, errs)
	if err != nil {
		return nil, "", nil, err
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = nil // loopback only, whatever the environment says
	// HTTP/2 as client-go: every request on one connection. The server
	// takes 250 streams at once on it; for more, the transport dials
	// another connection rather than queueing, so only the variant
	// limits itself.
	tr.Protocols = apiserver.Protocols()
	tr.MaxIdleConnsPerHost = max(conns/250+1, 2)
	hc := &http.Client{Transport: tr}
	return hc, ln.URL, func(ctx context.Context) error {
		hc.CloseIdleConnections()
		if ctx.Err() != nil {
			// Ctrl-C: our client, the server's only one, has cancelled
			// its requests; nobody waits for an answer. A graceful
			// Close could wait its whole DrainTimeout for an HTTP/2
			// connection whose cancelled streams are not idle yet.
			return ln.CloseNow()
		}
		return ln.Close()
	}, nil
}
