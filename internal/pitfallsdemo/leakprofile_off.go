//go:build !goexperiment.goroutineleakprofile

package pitfallsdemo

import (
	"errors"
	"io"
)

// leakProfileBuilt: this build has no goroutine leak profile; it needs
// GOEXPERIMENT=goroutineleakprofile (see leakprofile_on.go).
const leakProfileBuilt = false

func writeLeakProfile(io.Writer) error {
	return errors.New("built without GOEXPERIMENT=goroutineleakprofile")
}
