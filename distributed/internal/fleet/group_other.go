//go:build !unix

package fleet

import "syscall"

// ownGroup: no process groups here; SIGTERM cannot be sent either, so the
// SIGTERM variant reports the error.
func ownGroup() *syscall.SysProcAttr { return nil }
