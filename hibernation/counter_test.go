package hibernation

import (
	"sync"
	"testing"
)

// Many goroutines recording at once lose no count (run it with -race: a
// plain uint64 here would be reported).
func TestCounterUnderContention(t *testing.T) {
	var c Counter
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 1000 {
				c.Record(Verdict{CanHibernate: (g+i)%3 == 0, Hibernated: (g+i)%3 == 1})
			}
		})
	}
	wg.Wait()
	got := c.Counts()
	var want Counts
	for g := range 8 {
		for i := range 1000 {
			switch (g + i) % 3 {
			case 0:
				want.CanBeHibernated++
			case 1:
				want.Hibernated++
			}
		}
	}
	want.Checked = 8000
	if got != want {
		t.Errorf("counts %+v, want %+v", got, want)
	}
}
