//go:build race

package pitfalls

// raceEnabled is true in a -race build: tests then skip the two pitfalls
// that race by design, which the detector would (rightly) fail.
const raceEnabled = true
