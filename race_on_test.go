//go:build race

package qun_test

// raceEnabled tells tests that run the go command themselves to pass -race
// on.
const raceEnabled = true
