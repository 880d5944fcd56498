package ssedemo

import "syscall"

// tcpNotSentLowat is macOS's TCP_NOTSENT_LOWAT (netinet/tcp.h), which
// package syscall does not name.
const tcpNotSentLowat = 0x201

// setNotSentLowat caps the bytes a socket queues unsent: see the Linux
// version.
func setNotSentLowat(fd uintptr, n int) error {
	return syscall.SetsockoptInt(int(fd), syscall.IPPROTO_TCP, tcpNotSentLowat, n)
}
