package ratelimit_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"golang.org/x/time/rate"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/ratelimit"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/workerpool"
)

// getResource stands in for a Kubernetes client in the examples.
func getResource(ctx context.Context, req ratelimit.ResourceRequest) ([]byte, error) {
	if req.Name == "missing" {
		return nil, fmt.Errorf("get %s: not found", req)
	}
	return []byte("kind: ConfigMap, name: " + req.Name), nil
}

var requests = []ratelimit.ResourceRequest{
	{Namespace: "default", Resource: "configmaps", Name: "app-001"},
	{Namespace: "default", Resource: "configmaps", Name: "missing"},
	{Namespace: "default", Resource: "configmaps", Name: "app-003"},
}

func ExampleGetManifestsByBatch() {
	// At most 2 requests at once; results come back in request order,
	// each with its manifest or its error.
	for _, r := range ratelimit.GetManifestsByBatch(context.Background(), requests, 2, getResource) {
		fmt.Printf("%s | %v\n", r.Manifest, r.Error)
	}
	// Output:
	// kind: ConfigMap, name: app-001 | <nil>
	//  | get default/configmaps/missing: not found
	// kind: ConfigMap, name: app-003 | <nil>
}

// The better shape for the same limit: a sliding window, which starts the
// next request as soon as one ends instead of waiting for a whole batch.
func Example_window() {
	for _, r := range workerpool.Window(context.Background(), requests, 2, getResource) {
		fmt.Printf("%s | %v\n", r.Value, r.Err)
	}
	// Output:
	// kind: ConfigMap, name: app-001 | <nil>
	//  | get default/configmaps/missing: not found
	// kind: ConfigMap, name: app-003 | <nil>
}

// apiServer is a stand-in for the Kubernetes API server: it answers every
// GET with a one-line manifest.
func apiServer() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"kind":"ConfigMap","path":%q}`, r.URL.Path)
	}))
}

func ExampleClient_Get() {
	srv := apiServer()
	defer srv.Close()

	c := &ratelimit.Client{BaseURL: srv.URL}
	m, err := c.Get(context.Background(), requests[0])
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s\n", m)
	// Output:
	// {"kind":"ConfigMap","path":"/api/v1/namespaces/default/configmaps/app-001"}
}

// A rate limit, as client-go's QPS and Burst: every request, retries
// included, waits for a token. Six workers do not make it faster: past the
// burst of 2, the tokens come one per 10 ms, so the last of 6 starts 40 ms
// after the first, however many fetch at once. A concurrency limit (the
// window's) bounds how many run at once; a token bucket bounds how many
// start per second.
func ExampleClient_limiter() {
	srv := apiServer()
	defer srv.Close()

	c := &ratelimit.Client{BaseURL: srv.URL,
		Limiter: rate.NewLimiter(100, 2)} // 100 per second, 2 at once after a quiet spell
	var reqs []ratelimit.ResourceRequest
	for i := range 6 {
		reqs = append(reqs, ratelimit.ResourceRequest{Namespace: "default", Resource: "configmaps", Name: fmt.Sprint("app-", i)})
	}
	start := time.Now()
	fetched := 0
	for _, r := range workerpool.Window(context.Background(), reqs, 6, c.Get) {
		if r.Err == nil {
			fetched++
		}
	}
	fmt.Println(fetched, "fetched by 6 workers")
	fmt.Println("took at least the 4 tokens past the burst, 40ms:", time.Since(start) >= 40*time.Millisecond)
	// Output:
	// 6 fetched by 6 workers
	// took at least the 4 tokens past the burst, 40ms: true
}

func ExampleThrottledError() {
	// A server that throttles everyone, as an overloaded API server does.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "2")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()

	var retries int
	c := &ratelimit.Client{BaseURL: srv.URL, MaxRetries: 2,
		MaxWait: 2 * time.Millisecond, // wait 2 ms rather than the 2 s asked
		OnRetry: func() { retries++ }}
	_, err := c.Get(context.Background(), requests[0])
	fmt.Println(err)
	fmt.Println(retries, "retries")
	// Output:
	// gave up after 2 retries: get default/configmaps/app-001: 429 Too Many Requests (Retry-After 2s)
	// 2 retries
}
