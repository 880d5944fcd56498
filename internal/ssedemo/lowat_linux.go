package ssedemo

import "syscall"

// tcpNotSentLowat is Linux's TCP_NOTSENT_LOWAT (include/uapi/linux/tcp.h),
// which package syscall does not name.
const tcpNotSentLowat = 25

// setNotSentLowat caps the bytes a socket queues unsent: past n, a write
// waits, as if the send buffer were full. Even at its minimum a send
// buffer queues about 4 KB, a dozen of the demo's events; with this, a
// write waits once one event is queued.
func setNotSentLowat(fd uintptr, n int) error {
	return syscall.SetsockoptInt(int(fd), syscall.IPPROTO_TCP, tcpNotSentLowat, n)
}
