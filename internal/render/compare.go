package render

import "fmt"

// sameWithin is how near two measured times must be to count as the same:
// within 5% of each other.
const sameWithin = 1.05

// faster compares after with before: "2.0x faster than", "1.3x slower
// than", or "no faster than" when they are within 5% of each other.
func faster(beforeMS, afterMS float64) string {
	switch {
	case beforeMS >= afterMS*sameWithin:
		return fmt.Sprintf("%.1fx faster than", beforeMS/afterMS)
	case afterMS >= beforeMS*sameWithin:
		return fmt.Sprintf("%.1fx slower than", afterMS/beforeMS)
	}
	return "no faster than"
}
