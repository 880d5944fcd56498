package render

import (
	"testing"
	"time"
)

func TestDur(t *testing.T) {
	for ms, want := range map[float64]string{
		0.059: "59µs", 412: "412ms", 999.4: "999ms", 999.6: "1s", 2013: "2.01s", 3000: "3s", 1500: "1.5s",
		24884.353: "24.9s", 25000: "25s", 9996: "10s", 59960: "1m00s", 185000: "3m05s", 3114000: "51m54s",
		3723000: "1h02m",
	} {
		if got := Dur(ms); got != want {
			t.Errorf("Dur(%v) = %q, want %q", ms, got, want)
		}
	}
	if got := DurOf(600 * time.Millisecond); got != "600ms" {
		t.Errorf("DurOf(600ms) = %q", got)
	}
}

func TestPlural(t *testing.T) {
	if got := Plural(1, "cluster"); got != "1 cluster" {
		t.Error(got)
	}
	if got := Plural(5, "cluster"); got != "5 clusters" {
		t.Error(got)
	}
	if got := Plural(2, "batch", "batches"); got != "2 batches" {
		t.Error(got)
	}
}

func TestWrap(t *testing.T) {
	got := Wrap("one two three four five", 9, "  ")
	if want := "one two\n  three\n  four\n  five"; got != want {
		t.Errorf("Wrap = %q, want %q", got, want)
	}
}
