package ssedemo

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/sse"
)

// ours sees an open stream's goroutines (the broker's loop, the server's
// connection, the client's), and settle waits until none is left once the
// stream is closed and the server is down: what "goroutines after
// shutdown" in the notice relies on.
func TestOursAndSettle(t *testing.T) {
	b := sse.NewBroker(sse.Config{})
	ts := httptest.NewUnstartedServer(newMux(b))
	ts.Config.RegisterOnShutdown(b.Shutdown)
	ts.Start()
	resp, err := openStream(t.Context(), http.DefaultClient, ts.URL+"/events")
	if err != nil {
		t.Fatal(err)
	}
	if n := ours(); n < 3 {
		t.Errorf("ours() = %d with a stream open, want at least the broker's loop and both ends of the connection", n)
	}
	resp.Body.Close()
	b.Shutdown()
	ts.Close()
	http.DefaultClient.CloseIdleConnections()
	settle(t.Context())
	if n := ours(); n != 0 {
		t.Errorf("ours() = %d after settle, want 0", n)
	}
}
