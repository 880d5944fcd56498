package ratelimit

import (
	"errors"
	"fmt"
)

// ErrLimit is the error of every response when [GetManifestsByBatch] or
// [GetManifestsWindow] is given a limit below 1: no request is sent. A
// limit of 0 would otherwise loop for ever or never start, and quietly
// taking it as 1 would hide the caller's bug.
var ErrLimit = errors.New("limit must be at least 1")

// refuseAll gives every request an error wrapping ErrLimit, naming what
// the bad limit was (what: "batch size", "limit"). It sends nothing.
func refuseAll(requests []ResourceRequest, what string, limit int) []ResourceResponse {
	results := make([]ResourceResponse, len(requests))
	for i, req := range requests {
		results[i].Error = fmt.Errorf("get %s: not sent: %s %d: %w", req, what, limit, ErrLimit)
	}
	return results
}
