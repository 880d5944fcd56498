//go:build race

package pitfallsdemo

// RaceEnabled is true in a -race build: two pitfalls race by design, and
// the tests that run them skip themselves there.
const RaceEnabled = true
