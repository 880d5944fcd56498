package render

import (
	"fmt"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/apiserver"
)

// RateLimitLive is ratelimit --serve's live line, printed while requests
// arrive: what the fake API server is doing, and has done, at a moment.
func RateLimitLive(at time.Time, st apiserver.Stats, retryAfter int) string {
	line := fmt.Sprintf("%s  in flight %d, served %d, answered 429 to %d (Retry-After: %d)",
		at.Format(time.TimeOnly), st.Inflight, st.Served, st.Throttled, retryAfter)
	if st.Abandoned > 0 {
		line += fmt.Sprintf(", %d left by their client", st.Abandoned)
	}
	return line
}
