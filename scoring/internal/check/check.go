// Package check holds the small validity checks that package scoring and
// its sub-packages share.
package check

import (
	"errors"
	"math"

	"github.com/qunkit/qun"
)

// NameProblem returns why s is not a valid name in qun's sense (see
// qun.ValidateName), or "" if it is.
func NameProblem(s string) string {
	var ve *qun.ValidationError
	if err := qun.ValidateName(s); errors.As(err, &ve) {
		return ve.Reason
	}
	return ""
}

// Finite reports whether x is neither NaN nor infinite.
func Finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
