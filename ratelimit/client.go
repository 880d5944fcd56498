package ratelimit

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"golang.org/x/time/rate"
)

// ResourceRequest names one object to fetch, as slide 12's ResourceRequest.
type ResourceRequest struct {
	Namespace string // "default"
	Resource  string // plural, as in the API path: "configmaps"
	Name      string
}

func (r ResourceRequest) String() string { return r.Namespace + "/" + r.Resource + "/" + r.Name }

// ResourceResponse is one request's outcome: its manifest, or why not.
type ResourceResponse struct {
	Manifest []byte
	Error    error
}

// GetFunc fetches one object: slide 12's GetResource. [Client.Get] is one.
type GetFunc func(ctx context.Context, req ResourceRequest) ([]byte, error)

// Client fetches manifests from a Kubernetes API server over HTTP. Its
// fields are set before first use and not changed after; a Client is safe
// for use by many goroutines.
type Client struct {
	HTTP    *http.Client // nil: http.DefaultClient
	BaseURL string       // "https://10.0.0.1:6443"

	// Limiter, if set, is waited on before every request, retries
	// included: a rate limit, as client-go's QPS and Burst.
	Limiter *rate.Limiter

	// MaxRetries is how many times a request refused with 429 is tried
	// again; 0 fails fast. Other errors are not retried.
	MaxRetries int
	// Backoff is the least wait before the first retry, doubled for each
	// one after; the server's Retry-After, when longer, wins.
	Backoff time.Duration
	// TimeScale multiplies the Retry-After the server sends (whole
	// seconds), for a world that runs at another speed, as the demo's
	// does; 0 means 1.
	TimeScale float64
	// OnRetry, if set, is called before each retry: the demo counts them.
	// Get calls it from the caller's goroutine, so from many at once.
	OnRetry func()
}

// ThrottledError is a 429 Too Many Requests: the server refused the
// request without serving it. RetryAfter is the wait it asked for (0 if
// it did not say), as sent, before any TimeScale.
type ThrottledError struct {
	RetryAfter time.Duration
}

func (e *ThrottledError) Error() string {
	if e.RetryAfter <= 0 {
		return "429 Too Many Requests"
	}
	return fmt.Sprintf("429 Too Many Requests (Retry-After %v)", e.RetryAfter)
}

// getOnce sends one GET: no rate limit, no retry.
func (c *Client) getOnce(ctx context.Context, req ResourceRequest) ([]byte, error) {
	u := c.BaseURL + "/api/v1/namespaces/" + url.PathEscape(req.Namespace) +
		"/" + url.PathEscape(req.Resource) + "/" + url.PathEscape(req.Name)
	hreq, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", req, err)
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(hreq)
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", req, err)
	}
	defer resp.Body.Close()
	// Read the body whatever the status: a connection is reused only
	// once its response has been read to the end.
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		return nil, fmt.Errorf("get %s: %w", req, &ThrottledError{RetryAfter: retryAfter(resp.Header)})
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("get %s: unexpected status %s", req, resp.Status)
	case err != nil:
		return nil, fmt.Errorf("get %s: reading body: %w", req, err)
	}
	return body, nil
}

// retryAfter reads a Retry-After header: whole seconds, or an HTTP date.
// 0 means absent or unreadable.
func retryAfter(h http.Header) time.Duration {
	v := h.Get("Retry-After")
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0)
	}
	return 0
}
