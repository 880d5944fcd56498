//go:build unix

package fleet

import "syscall"

// ownGroup puts a replica in a process group of its own.
func ownGroup() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }
