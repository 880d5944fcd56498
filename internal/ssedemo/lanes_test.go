package ssedemo

import (
	"testing"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/sse"
)

// A lane's view: behind by the numbers while it reads, "falling behind"
// from two events, and frozen where the broker ended its stream, by an
// eviction or by a write that timed out (the way it ends from scale 1 up,
// where two events take longer than the write timeout).
func TestLaneView(t *testing.T) {
	b := sse.NewBroker(sse.Config{})
	defer b.Shutdown()
	ls := newLanes(b, slowReads, make(chan string, 1))
	slow := ls.list[2]
	if v := slow.view(0); v.Name != "slow" || !v.Slow || v.ReadsOne != slowReads || v.State != laneConnecting {
		t.Errorf("before it connects: %+v", v)
	}
	slow.join(3) // 3 published before it joined
	slow.got("e-4")
	for published, want := range map[int]struct {
		state  string
		behind int
	}{4: {laneLive, 0}, 5: {laneLive, 1}, 9: {laneBehind, 5}} {
		if v := slow.view(published); v.State != want.state || v.Behind != want.behind || v.Received != 1 || !v.InOrder {
			t.Errorf("%d published: %+v, want %s, %d behind", published, v, want.state, want.behind)
		}
	}
	slow.got("e-6") // 5 skipped: a lane never misses one while it is subscribed
	if slow.view(9).InOrder {
		t.Error("a gap in the ids is not noticed")
	}

	for _, tc := range []struct {
		evicted bool
		state   string
	}{{true, laneEvicted}, {false, laneCutOff}, {true, laneEvicted}} {
		behind, _ := slow.ended(12, tc.evicted)
		if v := slow.view(20); behind != 6 || v.State != tc.state || v.Behind != 6 || v.EvictedMS == 0 {
			t.Errorf("ended (evicted %v): behind %d, %+v; want %s, 6 behind, frozen", tc.evicted, behind, v, tc.state)
		}
	}
	if v := slow.view(20); v.Evictions != 2 || v.Cuts != 1 {
		t.Errorf("counts %+v, want 2 evictions and 1 cut", v)
	}
}
