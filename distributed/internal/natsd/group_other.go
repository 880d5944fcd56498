//go:build !unix

package natsd

import "syscall"

func ownGroup() *syscall.SysProcAttr { return nil }
