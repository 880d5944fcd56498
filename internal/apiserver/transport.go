package apiserver

import (
	"net/http"
	"net/http/httptest"
)

// Transport returns an http.RoundTripper that serves every request with h
// in memory, on the caller's goroutine: no socket, no listener. Inside a
// testing/synctest bubble a real socket would block virtual time; this
// does not, and h still sees the request's context, so a cancelled client
// cancels the handler as over the network.
func Transport(h http.Handler) http.RoundTripper { return handlerTransport{h} }

type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	// A RoundTripper must not change req, and ServeMux records the
	// pattern it matched on the request it serves: give it a copy.
	in := req.Clone(req.Context())
	in.RequestURI = req.URL.RequestURI()
	in.RemoteAddr = "192.0.2.1:1234"
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, in)
	if err := req.Context().Err(); err != nil {
		return nil, err // as a real transport reports a cancelled request
	}
	return rec.Result(), nil
}
