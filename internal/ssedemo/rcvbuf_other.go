//go:build !unix

package ssedemo

// setRcvBuf does nothing here: the slow client's connection keeps the
// system's buffers, so it is evicted later, or not within the demo's events.
func setRcvBuf(fd uintptr, n int) error { return nil }
