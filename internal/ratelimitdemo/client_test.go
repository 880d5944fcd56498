package ratelimitdemo

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/apiserver"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/ratelimit"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/workerpool"
)

var reqA = ratelimit.ResourceRequest{Namespace: "default", Resource: "configmaps", Name: "a"}

func TestGetGivesUp(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// "slow" holds the only seat for 10 s; b is refused three times.
		c, _ := inMemory(apiserver.Config{MaxInflight: 1, Latency: func(name string) time.Duration {
			if name == "slow" {
				return 10 * time.Second
			}
			return 0
		}})
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		wg.Go(func() {
			c.Get(ctx, ratelimit.ResourceRequest{Namespace: "default", Resource: "configmaps", Name: "slow"})
		})
		synctest.Wait() // slow is being served

		retrying := *c
		var retries atomic.Int64
		// Waits: Retry-After 1 s capped by MaxWait, 200 ms, twice (the
		// backoff, 150 then 300 ms, is capped too).
		retrying.MaxRetries, retrying.MaxWait, retrying.Backoff = 2, 200*time.Millisecond, 150*time.Millisecond
		retrying.OnRetry = func() { retries.Add(1) }
		var err error
		took := timed(func() { _, err = retrying.Get(context.Background(), reqA) })
		var te *ratelimit.ThrottledError
		if !errors.As(err, &te) || !strings.Contains(err.Error(), "gave up after 2 retries") {
			t.Errorf("Get = %v, want a 429 after giving up", err)
		}
		if took != 400*time.Millisecond || retries.Load() != 2 {
			t.Errorf("gave up after %v and %d retries, want 400ms and 2", took, retries.Load())
		}
		cancel()
		wg.Wait()
	})
}

// A window of exactly the server's limit never sees a 429, over real
// HTTP/2 as in the demo: the server frees a seat before it answers.
func TestWindowAtTheLimitOverHTTP(t *testing.T) {
	s := apiserver.New(apiserver.Config{MaxInflight: 5, Latency: fixed(2 * time.Millisecond)})
	ln, err := apiserver.Listen("127.0.0.1:0", s, nil)
	if err != nil {
		t.Fatal(err)
	}
	hc := &http.Client{Transport: &http.Transport{Protocols: apiserver.Protocols()}}
	c := &ratelimit.Client{HTTP: hc, BaseURL: ln.URL} // fail fast: a 429 would show
	reqs := requests(50)
	checkManifests(t, reqs, fromResults(workerpool.Window(t.Context(), reqs, 5, c.Get)))
	hc.CloseIdleConnections()
	if err := ln.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if st := s.Stats(); st.Served != 50 || st.Throttled != 0 {
		t.Errorf("server %+v, want 50 served and no 429", st)
	}
}
