//go:build goexperiment.goroutineleakprofile

package pitfallsdemo

import (
	"errors"
	"io"
	"runtime/pprof"
)

// leakProfileBuilt: this build has the runtime's goroutine leak profile
// (GOEXPERIMENT=goroutineleakprofile), an experiment of Go 1.26.
const leakProfileBuilt = true

// writeLeakProfile asks the runtime which goroutines are leaked and writes
// its answer as text (pprof's debug=1: one entry per stack, with a count
// and the goroutines' labels). Writing the profile is what runs the
// garbage collection that finds them: Count alone only repeats the last
// answer.
func writeLeakProfile(w io.Writer) error {
	p := pprof.Lookup("goroutineleak")
	if p == nil {
		return errors.New(`this runtime has no "goroutineleak" profile, though built with the experiment`)
	}
	return p.WriteTo(w, 1)
}
