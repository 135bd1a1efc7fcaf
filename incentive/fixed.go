package incentive

import (
	"math"
	"math/bits"

	"github.com/shopspring/decimal"
)

// The rule engine computes awards in int64 arithmetic, so that evaluating
// rules allocates nothing but its result. Every step checks for overflow;
// when one would overflow, the award is computed again with decimal, which
// cannot, and the two give the same result (a rapid property pins this).
// Amounts of a kind are carried as units: int64 multiples of 10^-Scale.

// fx is an exact decimal m × 10^e held in an int64.
type fx struct {
	m int64
	e int32
}

// fxOf returns d as an fx, with trailing zeros stripped, if it fits.
func fxOf(d decimal.Decimal) (fx, bool) {
	switch n := d.NumDigits(); {
	case n > 19:
		return fx{}, false
	case n == 19 && !d.Coefficient().IsInt64(): // rare: allocates
		return fx{}, false
	}
	m, e := d.CoefficientInt64(), d.Exponent()
	for m != 0 && m%10 == 0 {
		m /= 10
		e++
	}
	if m == 0 {
		e = 0
	}
	return fx{m, e}, true
}

// pow10 holds the powers of ten that fit in an int64.
var pow10 = [...]int64{1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18}

// mul returns a × b for non-negative a and b, and whether it fits.
func mul(a, b int64) (int64, bool) {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	if hi != 0 || lo > math.MaxInt64 {
		return 0, false
	}
	return int64(lo), true
}

// scaleUp returns a × 10^n for n ≥ 0, and whether it fits.
func scaleUp(a int64, n int32) (int64, bool) {
	if n >= int32(len(pow10)) {
		return 0, a == 0
	}
	return mul(a, pow10[n])
}

// divRound returns num/den, for num ≥ 0 and den > 0, rounded with r.
func divRound(num, den int64, r Rounding) int64 {
	q, rem := num/den, num%den
	if rem == 0 {
		return q
	}
	switch r {
	case Up:
		return q + 1
	case HalfUp:
		if rem >= den-rem {
			return q + 1
		}
	case HalfEven:
		if rem > den-rem || rem == den-rem && q%2 == 1 {
			return q + 1
		}
	}
	return q
}

// units returns d, which is not negative, as a count of 10^-scale,
// rounding up what is finer, and whether it fits. Amounts read from accounts are at the scale already;
// rounding up keeps a cap from being exceeded if one is not.
func units(d decimal.Decimal, scale int32) (int64, bool) {
	// Amounts at the scale or coarser, the usual case, need no stripping
	// of trailing zeros: 18 digits fit an int64, and so does the shift
	// when the product stays under 10^18.
	if shift := d.Exponent() + scale; shift >= 0 && shift < int32(len(pow10)) {
		if n := d.NumDigits(); n <= 18 && int(shift)+n <= 18 {
			return d.CoefficientInt64() * pow10[shift], true
		}
	}
	f, ok := fxOf(d)
	if !ok {
		return 0, false
	}
	shift := f.e + scale
	if shift >= 0 {
		return scaleUp(f.m, shift)
	}
	if -shift >= int32(len(pow10)) {
		if f.m > 0 {
			return 1, true
		}
		return 0, true
	}
	p := pow10[-shift]
	q := f.m / p
	if f.m%p > 0 {
		q++
	}
	return q, true
}

// fitsUnits reports whether d can be held as units of the scale.
func fitsUnits(d decimal.Decimal, scale int32) bool {
	_, ok := units(d, scale)
	return ok
}

// fromUnits returns n units of 10^-scale as a decimal.
func fromUnits(n int64, scale int32) decimal.Decimal { return decimal.New(n, -scale) }

// quantity is the exact rational num/den × 10^exp that an award comes to
// before rounding, with num ≥ 0 and den > 0.
type quantity struct {
	num, den int64
	exp      int32
}

// times multiplies q by f, and reports whether it fits.
func (q quantity) times(f fx) (quantity, bool) {
	n, ok := mul(q.num, f.m)
	return quantity{n, q.den, q.exp + f.e}, ok
}

// round returns q in units of 10^-scale rounded with r, and whether it
// fits.
func (q quantity) round(scale int32, r Rounding) (int64, bool) {
	num, den := q.num, q.den
	shift := q.exp + scale
	var ok bool
	if shift >= 0 {
		if num, ok = scaleUp(num, shift); !ok {
			return 0, false
		}
	} else {
		if den, ok = scaleUp(den, -shift); !ok {
			// den is past 10^18 and num below 2^63: the quotient is 0 and
			// the remainder num.
			if num == 0 || r == Down {
				return 0, true
			}
			if r == Up {
				return 1, true
			}
			return 0, false
		}
	}
	return divRound(num, den, r), true
}
