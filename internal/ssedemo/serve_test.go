package ssedemo

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/memnet"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/sse"
)

// --serve: the page, the counters with the lanes, the stream, the
// profiles, then a clean exit when ctx ends, with a stream still open.
func TestServe(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	served := make(chan error, 1)
	var said []string // written by serveOn before it returns
	go func() {
		served <- serveOn(ctx, ln, stage{seed: 1, interval: 10 * time.Millisecond}, func(line string) { said = append(said, line) })
	}()

	page := get(t, base+"/")
	for _, id := range []string{`id="events"`, `id="clients"`, `id="evicted"`, `id="lanes"`, `id="state"`, `new EventSource("/events")`} {
		if !strings.Contains(page, id) {
			t.Errorf("page lacks %s", id)
		}
	}
	resp, err := openStream(t.Context(), http.DefaultClient, base+"/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	d := sse.NewDecoder(resp.Body)
	var ids []string
	for len(ids) < 3 {
		ev, err := d.Next()
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, ev.ID)
	}
	var st stageStats
	if err := json.Unmarshal([]byte(get(t, base+"/stats")), &st); err != nil || st.Clients < 1 || st.Published < 3 ||
		len(st.Lanes) != 3 || st.Buffer != serveBuffer || st.IntervalMS != 10 {
		t.Errorf("/stats = %+v, %v; want this client, 3 published, the lanes and the settings", st, err)
	}
	for i, id := range ids {
		n, _ := strconv.Atoi(strings.TrimPrefix(id, st.Epoch+"-"))
		if first, _ := strconv.Atoi(strings.TrimPrefix(ids[0], st.Epoch+"-")); !strings.HasPrefix(id, st.Epoch+"-") || n != first+i {
			t.Errorf("event ids %v, want consecutive ids of epoch %q", ids, st.Epoch)
			break
		}
	}
	if prof := get(t, base+"/debug/pprof/goroutine?debug=1"); !strings.Contains(prof, "goroutine profile: total") {
		t.Errorf("no goroutine profile: %.80q", prof)
	}

	cancel()
	start := time.Now()
	if err := <-served; err != nil {
		t.Errorf("serve returned %v, want nil", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("serve took %v to stop, want well under a second", d)
	}
	if all := strings.Join(said, "\n"); !strings.Contains(all, "draining: 1 stream open") ||
		!strings.Contains(all, "every stream ended by the broker's shutdown") {
		t.Errorf("announced %q, want the drain's summary, counting this client's stream alone", all)
	}
	if _, err := io.ReadAll(resp.Body); err != nil {
		t.Errorf("open stream ended with %v, want a clean end", err)
	}
	http.DefaultClient.CloseIdleConnections()
}

// A clean drain is a clean exit even with connections open that are idle
// or have not sent a request yet (a browser's spare ones): serveOn
// returns nil, so the binary exits 0. It used to wait out its drain
// timeout for a connection less than 5 s old, and fail: exit 1.
func TestServeDrainsWithIdleConnections(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	served := make(chan error, 1)
	go func() { served <- serveOn(ctx, ln, stage{seed: 1, interval: 10 * time.Millisecond}, func(string) {}) }()

	// An idle keep-alive connection: one request answered, kept open.
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Get("http://" + ln.Addr().String() + "/stats")
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	// And one that has sent nothing.
	spare, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer spare.Close()

	cancel()
	if err := <-served; err != nil {
		t.Errorf("serveOn = %v with an idle and a new connection open, want nil: a clean drain", err)
	}
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s, %v", url, resp.Status, err)
	}
	return string(b)
}

// A request that does not end by itself holds the drain to its timeout;
// shutdown then closes it and says so, rather than reporting a clean drain.
func TestShutdownFallsBackToClose(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ln := memnet.Listen()
		started := make(chan struct{})
		srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			close(started)
			<-r.Context().Done() // a stream nothing ends but its connection
		})}
		served := make(chan error, 1)
		go func() { served <- srv.Serve(ln) }()
		client := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) { return ln.Dial(ctx) }}}
		defer client.CloseIdleConnections()
		got := make(chan error, 1)
		go func() {
			resp, err := client.Get("http://sse.test/")
			if err == nil {
				_, err = io.ReadAll(resp.Body)
				resp.Body.Close()
			}
			got <- err
		}()
		<-started
		start := time.Now()
		err := shutdown(srv)
		if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) != drainTimeout {
			t.Errorf("shutdown = %v after %v; want DeadlineExceeded after %v", err, time.Since(start), drainTimeout)
		}
		if err := <-got; err == nil {
			t.Error("the request cut off by Close got a whole answer")
		}
		<-served
	})
}
