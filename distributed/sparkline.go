package main

import "strings"

// sparkWidth is the width of one sparkline: two fit a 100-column line.
const sparkWidth = 24

var bars = []rune(" ▁▂▃▄▅▆▇█")

// sparkline draws vals in width characters, each the peak of the values it
// covers, on a scale from 0 to top.
func sparkline(vals []int, width, top int) string {
	if len(vals) == 0 || top <= 0 {
		return strings.Repeat(" ", width)
	}
	var b strings.Builder
	for i := range width {
		lo, hi := i*len(vals)/width, (i+1)*len(vals)/width
		if hi <= lo {
			hi = lo + 1
		}
		if lo >= len(vals) {
			b.WriteRune(' ')
			continue
		}
		peak := 0
		for _, v := range vals[lo:min(hi, len(vals))] {
			peak = max(peak, v)
		}
		b.WriteRune(bars[min(len(bars)-1, (peak*(len(bars)-1)+top-1)/top)])
	}
	return b.String()
}

func maxOf(vals []int) int {
	m := 0
	for _, v := range vals {
		m = max(m, v)
	}
	return m
}
