package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Get fetches one manifest: it waits for the Limiter, if any, sends the
// GET, and retries a 429 up to MaxRetries times, waiting before each retry
// for the longer of the server's Retry-After and the backoff, at most
// MaxWait. It returns the manifest, or the last error, wrapped; the wait
// for a token or a retry ends early, with ctx's error, when ctx is done.
//
// There is no jitter, so the demo does the same at every rehearsal. Real
// clients add some (client-go's wait.Backoff has a Jitter): a herd of
// requests refused together otherwise comes back together, and most of it
// is refused again. The unlimited+retry variant shows that herd.
func (c *Client) Get(ctx context.Context, req ResourceRequest) ([]byte, error) {
	for retry := 0; ; retry++ {
		if c.Limiter != nil {
			// Every attempt takes a token: a retry is a request too.
			if err := c.Limiter.Wait(ctx); err != nil {
				return nil, fmt.Errorf("get %s: waiting for the rate limiter: %w", req, err)
			}
		}
		body, err := c.getOnce(ctx, req)
		var throttled *ThrottledError
		if !errors.As(err, &throttled) {
			return body, err
		}
		if retry >= c.MaxRetries { // >=: a negative MaxRetries fails fast too
			if retry == 0 {
				return nil, err // fail fast
			}
			return nil, fmt.Errorf("gave up after %d retries: %w", retry, err)
		}
		if c.OnRetry != nil {
			c.OnRetry()
		}
		if err := sleep(ctx, c.wait(throttled, retry)); err != nil {
			return nil, fmt.Errorf("get %s: waiting to retry: %w", req, err)
		}
	}
}

// wait is how long to wait before retry n (0 for the first): the server's
// Retry-After or the backoff, whichever is longer, capped by MaxWait. The
// backoff doubles per retry, up to 16 times Backoff, so ten retries never
// wait more than a few seconds each.
func (c *Client) wait(t *ThrottledError, n int) time.Duration {
	d := max(t.RetryAfter, c.Backoff<<min(n, 4))
	if c.MaxWait > 0 {
		d = min(d, c.MaxWait)
	}
	return d
}

// sleep waits for d, or until ctx is done; then it returns ctx's cause.
// A bare time.Sleep here would keep a cancelled request waiting out its
// whole Retry-After.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}
