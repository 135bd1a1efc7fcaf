// Package check holds the small validity checks that package scoring and
// its sub-packages share.
package check

import (
	"math"
	"unicode"
	"unicode/utf8"
)

// NameProblem returns why s is not a valid name, or "": as qun requires of
// event names and member IDs, 1 to 256 bytes of UTF-8 without control
// characters.
func NameProblem(s string) string {
	switch {
	case s == "":
		return "must not be empty"
	case len(s) > 256:
		return "must be at most 256 bytes"
	case !utf8.ValidString(s):
		return "must be valid UTF-8"
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return "must not contain control characters"
		}
	}
	return ""
}

// Finite reports whether x is neither NaN nor infinite.
func Finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
