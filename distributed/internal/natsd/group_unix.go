//go:build unix

package natsd

import "syscall"

// ownGroup puts a member in a process group of its own, so a terminal's
// Ctrl-C reaches the parent alone.
func ownGroup() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }
