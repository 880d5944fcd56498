package hibernation

import "sync/atomic"

// Verdict is the answer of one resource's check.
type Verdict struct {
	CanHibernate bool // a workload with replicas that could be scaled to zero
	Hibernated   bool // a workload already scaled to zero
}

// Counts are the totals of a hibernation check.
type Counts struct {
	CanBeHibernated uint64
	Hibernated      uint64
	Checked         uint64 // checks that answered, whatever the verdict
}

// Counter is slide 19's two counters, safe to update from many goroutines:
// the zero Counter is ready to use. Do not copy one after first use (go vet
// checks).
//
// The slide declares them as plain uint64 and updates them with
// atomic.AddUint64(&canBeHibernated, 1): correct, but nothing stops the
// next line from reading canBeHibernated without atomic.LoadUint64, which
// is a data race. atomic.Uint64 has no non-atomic way in.
type Counter struct {
	canBeHibernated atomic.Uint64
	hibernated      atomic.Uint64
	checked         atomic.Uint64
}

// Record counts one check's verdict.
func (c *Counter) Record(v Verdict) {
	if v.CanHibernate {
		c.canBeHibernated.Add(1)
	}
	if v.Hibernated {
		c.hibernated.Add(1)
	}
	c.checked.Add(1)
}

// Counts returns the totals so far. Read while checks run, each total is
// exact at its own moment, not all three at the same one; once every check
// has returned, all three are final.
func (c *Counter) Counts() Counts {
	return Counts{
		CanBeHibernated: c.canBeHibernated.Load(),
		Hibernated:      c.hibernated.Load(),
		Checked:         c.checked.Load(),
	}
}
