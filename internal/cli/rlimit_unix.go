//go:build unix

package cli

import "syscall"

// openFiles is how many file descriptors the process may open (the soft
// limit, what ulimit -n says), or 0 when it cannot tell.
func openFiles() int {
	var r syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &r); err != nil || r.Cur > 1<<30 {
		return 0
	}
	return int(r.Cur)
}
