//go:build !linux && !darwin

package ssedemo

// setNotSentLowat does nothing here: the slow lane's connection queues
// what its send buffer holds, so it is evicted later.
func setNotSentLowat(fd uintptr, n int) error { return nil }
