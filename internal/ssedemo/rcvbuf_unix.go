//go:build unix

package ssedemo

import "syscall"

// setRcvBuf sets a socket's SO_RCVBUF before it connects, so the window it
// advertises is small from the start: shrinking it on a connected socket
// makes the kernel drop data it already let the sender send, and the
// retransmissions stall the stream for hundreds of milliseconds.
func setRcvBuf(fd uintptr, n int) error {
	return syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, n)
}
