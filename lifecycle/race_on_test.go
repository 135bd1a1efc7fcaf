//go:build race

package lifecycle_test

// raceEnabled tells allocation tests that the race detector, which
// allocates on its own, is on.
const raceEnabled = true
