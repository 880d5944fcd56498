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

// DefaultMaxBytes is the largest manifest a Client reads when MaxBytes is
// 0: twice the 1.5 MiB that etcd, and so the API server, takes per object.
const DefaultMaxBytes = 3 << 20

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
	// one after (up to 16 times Backoff); the server's Retry-After, when
	// longer, wins.
	Backoff time.Duration
	// MaxWait, if set, caps each wait before a retry, whatever the server
	// asks: a Retry-After of minutes should not hold a caller whose own
	// budget is seconds. (ctx, too, ends any wait.)
	MaxWait time.Duration
	// MaxBytes is the largest body Get reads; a larger one is an error,
	// never a manifest cut short. 0: DefaultMaxBytes.
	MaxBytes int64
	// OnRetry, if set, is called before each retry, from the caller's
	// goroutine (so from many at once): for a metric of retries.
	OnRetry func()
}

// ThrottledError is a 429 Too Many Requests: the server refused the
// request without serving it. RetryAfter is the wait it asked for (0 if
// it did not say), as sent.
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
	// Read the body whatever the status: a connection is reused only once
	// its response has been read to the end. One byte past the limit says
	// whether there was more.
	limit := c.MaxBytes
	if limit <= 0 {
		limit = DefaultMaxBytes
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		return nil, fmt.Errorf("get %s: %w", req, &ThrottledError{RetryAfter: retryAfter(resp.Header)})
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("get %s: unexpected status %s", req, resp.Status)
	case err != nil:
		return nil, fmt.Errorf("get %s: reading body: %w", req, err)
	case int64(len(body)) > limit:
		return nil, fmt.Errorf("get %s: body larger than %d bytes (Client.MaxBytes)", req, limit)
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
