package render

import "testing"

func TestSparkline(t *testing.T) {
	tests := []struct {
		vals       []int
		width, top int
		want       string
	}{
		{[]int{0, 8, 4, 8}, 4, 8, " █▄█"},
		{[]int{1, 1, 1, 1, 100, 1, 1, 1}, 4, 100, "▁▁█▁"}, // a one-sample spike survives
		{[]int{5, 5}, 4, 10, "▄▄▄▄"},                      // fewer samples than columns: stretched
		{nil, 3, 10, "   "},
	}
	for _, tt := range tests {
		if got := sparkline(tt.vals, tt.width, tt.top); got != tt.want {
			t.Errorf("sparkline(%v, %d, %d) = %q, want %q", tt.vals, tt.width, tt.top, got, tt.want)
		}
	}
}
