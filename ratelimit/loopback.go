package ratelimit

import (
	"net/http"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/apiserver"
)

// connectFunc serves api and returns a client for it, its base URL, and
// how to close both: over loopback for the demo, in memory in tests.
type connectFunc func(api http.Handler, conns int) (hc *http.Client, baseURL string, stop func() error, err error)

// overLoopback is the demo's connectFunc: a real server on a free port of
// 127.0.0.1 and a real client.
func overLoopback(api http.Handler, conns int) (*http.Client, string, func() error, error) {
	ln, err := apiserver.Listen("127.0.0.1:0", api)
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
	return hc, ln.URL, func() error {
		hc.CloseIdleConnections()
		return ln.Close()
	}, nil
}
