package ssedemo

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/memnet"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/serving"
)

// What a client can hold on the --serve server is bounded: headers to
// serving.MaxHeaderBytes (a 1 MiB Last-Event-ID gets 431), streams to
// serveStreams (one more gets 503 with Retry-After), so the heap grows by
// a bounded amount however many streams with big headers arrive. Before,
// 1,000 streams with a 1 MB Last-Event-ID took the process from 10 MB to
// 2.2 GB.
func TestServeBoundsWhatClientsHold(t *testing.T) {
	const (
		streams = 200     // tried; serveStreams are let in
		bigID   = 7 << 10 // a Last-Event-ID just under the header limit
		hugeID  = 1 << 20 // and one far over it
		huge    = 20
	)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ctx, cancel := context.WithCancel(t.Context())
	served := make(chan error, 1)
	go func() { served <- serveOn(ctx, ln, stage{seed: 1, interval: time.Hour}, func(string) {}) }()
	defer func() {
		cancel()
		if err := <-served; err != nil {
			t.Errorf("serveOn: %v", err)
		}
	}()
	waitForClients(t, addr, 3) // the lanes
	before := heapInUse()

	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	codes := map[int]int{}
	retryAfter := ""
	big := strings.Repeat("7", bigID)
	for range streams {
		c, resp := rawGet(t, addr, big)
		codes[resp.StatusCode]++
		if resp.StatusCode != http.StatusOK {
			retryAfter = resp.Header.Get("Retry-After")
			c.Close() // refused: only the streams stay open
			continue
		}
		conns = append(conns, c)
	}
	admitted := serveStreams - 3
	if codes[http.StatusOK] != admitted || codes[http.StatusServiceUnavailable] != streams-admitted || retryAfter == "" {
		t.Errorf("%d streams with a %d KiB Last-Event-ID: %v, Retry-After %q; want %d admitted, the rest 503 with Retry-After",
			streams, bigID>>10, codes, retryAfter, admitted)
	}

	hugeCodes := map[int]int{}
	var wg sync.WaitGroup
	var mu sync.Mutex
	hugeValue := strings.Repeat("9", hugeID)
	for range huge {
		wg.Go(func() {
			code := hugeGet(addr, hugeValue)
			mu.Lock()
			hugeCodes[code]++
			mu.Unlock()
		})
	}
	wg.Wait()
	if hugeCodes[http.StatusRequestHeaderFieldsTooLarge] != huge {
		t.Errorf("%d requests with a 1 MiB Last-Event-ID: %v (0: reset before an answer), want all 431", huge, hugeCodes)
	}

	grew := int64(heapInUse()) - int64(before)
	perStream := grew / int64(max(codes[http.StatusOK], 1))
	t.Logf("%d streams open (%d KiB Last-Event-ID each), %d refused, %d huge headers refused: heap +%d KiB, %d KiB per stream",
		codes[http.StatusOK], bigID>>10, codes[http.StatusServiceUnavailable], huge, grew>>10, perStream>>10)
	if limit := int64(64 << 10); perStream > limit {
		t.Errorf("the heap grew by %d KiB per open stream, want under %d KiB", perStream>>10, limit>>10)
	}
}

// rawGet opens the stream on a connection of its own with the given
// Last-Event-ID and returns the connection, open, and the response's head.
func rawGet(t *testing.T, addr, lastID string) (net.Conn, *http.Response) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(c, "GET /events HTTP/1.1\r\nHost: sse.test\r\nLast-Event-ID: %s\r\n\r\n", lastID)
	resp, err := http.ReadResponse(bufio.NewReaderSize(c, 512), nil)
	if err != nil {
		t.Fatal(err)
	}
	return c, resp
}

// hugeGet sends a request whose Last-Event-ID is value and returns the
// answer's status, or 0 if the connection was reset before one came.
func hugeGet(addr, value string) int {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return 0
	}
	defer c.Close()
	go fmt.Fprintf(c, "GET /events HTTP/1.1\r\nHost: sse.test\r\nLast-Event-ID: %s\r\n\r\n", value) // fails once refused
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// waitForClients waits until the broker at addr has n streams open, for
// at most 10 s.
func waitForClients(t *testing.T, addr string, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var st stageStats
		resp, err := http.Get("http://" + addr + "/stats")
		if err == nil {
			err = json.NewDecoder(resp.Body).Decode(&st)
			resp.Body.Close()
		}
		if err == nil && st.Clients == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the broker has %d streams open, want %d (%v)", st.Clients, n, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// The scenario's servers have the demo's limits too: a connection kept
// alive after its request is closed after serving.IdleTimeout (it used to
// stay until the client closed it), in virtual time.
func TestScenarioServerClosesIdleConnections(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := newRealBroker(2)
		defer b.Shutdown()
		srv := newServer(b, newMux(b), nil)
		ln := memnet.Listen()
		served := make(chan error, 1)
		go func() { served <- srv.Serve(ln) }()
		defer func() { srv.Close(); <-served }()
		c, err := ln.Dial(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		start := time.Now()
		go io.WriteString(c, "GET /stats HTTP/1.1\r\nHost: sse.test\r\n\r\n")
		r := bufio.NewReader(c)
		resp, err := http.ReadResponse(r, nil)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if _, err := r.ReadByte(); err == nil || time.Since(start) != serving.IdleTimeout {
			t.Errorf("the idle connection was closed after %v (%v), want after %v", time.Since(start), err, serving.IdleTimeout)
		}
	})
}
