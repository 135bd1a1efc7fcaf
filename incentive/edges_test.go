package incentive

import (
	"math/big"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// The generators below lean on the edges of int64 arithmetic: amounts of
// 18, 19 and 20 digits about math.MaxInt64, and exponents that scale them
// past it. The properties of the int64 arithmetic (here) and of whole
// evaluations (reference_test.go) share them.

// drawCoefficient draws a positive coefficient of up to maxDigits digits,
// often one at an edge.
func drawCoefficient(t *rapid.T, label string, maxDigits int) *big.Int {
	var edges []*big.Int
	for _, s := range []string{"1", "2", "5", "9", "10", "99", "999999999999999999", "1000000000000000000",
		"9223372036854775806", "9223372036854775807", "9223372036854775808", "9999999999999999999",
		"10000000000000000000", "18446744073709551615", "18446744073709551616", "99999999999999999999"} {
		if n, _ := new(big.Int).SetString(s, 10); len(s) <= maxDigits {
			edges = append(edges, n)
		}
	}
	if rapid.Bool().Draw(t, label+" at an edge") {
		return rapid.SampledFrom(edges).Draw(t, label)
	}
	digits := rapid.IntRange(1, maxDigits).Draw(t, label+" digits")
	lo := pow10Int(int32(digits - 1))
	span := new(big.Int).Sub(pow10Int(int32(digits)), lo)
	// Two 64-bit draws cover the span of any 20-digit coefficient.
	hi := new(big.Int).Lsh(new(big.Int).SetUint64(rapid.Uint64().Draw(t, label+" high")), 64)
	r := hi.Add(hi, new(big.Int).SetUint64(rapid.Uint64().Draw(t, label+" low")))
	return r.Add(r.Mod(r, span), lo)
}

// drawConstant draws a rule constant within Validate's bounds: up to 18
// significant digits, exponent -9 to maxExp.
func drawConstant(t *rapid.T, label string, minExp int32, maxExp int32) decimal.Decimal {
	c := drawCoefficient(t, label, 18)
	return decimal.NewFromBigInt(c, int32(rapid.IntRange(int(minExp), int(maxExp)).Draw(t, label+" exponent")))
}

func pow10Int(n int32) *big.Int { return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil) }
