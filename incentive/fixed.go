package incentive

import (
	"math"
	"math/bits"

	"github.com/shopspring/decimal"
)

// Why the engine computes awards in int64. An award is a few products and
// one quotient of decimals: the event's value times the rule's points,
// divided by its per, times its multipliers, rounded to the kind's scale.
// In shopspring/decimal every step allocates big.Ints: the base and wanted
// amounts of ¥99.50 at 5 points per ¥10 with one multiplier take 14
// allocations and about twenty times as long as they do here, where every
// step is an int64 operation and nothing is allocated but the result.
//
// How it stays exact. A rule's constants (points, per and factors, which
// Validate bounds to 18 significant digits) and the event's value, when its
// coefficient fits, are held as fx: m × 10^e with m an int64. The award
// before rounding is then held exactly as a quantity, num/den × 10^exp:
// points for a fixed award; value × points / per for a per-unit one, with
// den the coefficient of per; ⌊value / per⌋ × points for whole units.
// Multipliers multiply num. Nothing is rounded or cut on the way: the one
// rounding is the final division to units of the kind's scale, where the
// remainder decides the last unit under the kind's Rounding, as
// Rounding.divRound decides it in decimal. So the result is the exact
// value rounded once, the same integer the decimal computation gives.
//
// Every product is checked with math/bits and every power of ten against
// the table of those that fit; a step that would overflow says so, and the
// award is computed again in decimal (slowAmounts), which cannot overflow.
// Results are counts of units, int64 either way, so an award too large to
// hold is LimitOverflow on both paths. Amounts come back as
// decimal.New(units, -scale), the coefficient and exponent the decimal path
// gives too, from the Engine's table of small amounts when they are in it,
// so that the usual award shares immutable decimals instead of allocating.
//
// Rapid properties pin all of it: TestFastAmountsMatchDecimal (the int64
// amounts against the decimal ones, at and past the edges of int64, under
// every rounding), TestDivRoundMatchesDecimal, TestUnitsMatchDecimal, and
// TestEvaluateMatchesReference (whole awards, caps and all, against exact
// rational arithmetic, decimal for decimal).

// amounts returns the rule's award for the event, before bonus and caps:
// the base (without multipliers) and the wanted amount (with the
// multipliers in mask), both in units of the kind, each rounded once from
// the exact value, and the exact base. It computes in int64 and falls back
// to decimal when a step would overflow. ok is false when a result does not
// fit in an int64.
func (c *crule) amounts(x *evalContext, mask uint32) (base, want int64, q quantity, ok bool) {
	value := x.ev.Value.Decimal
	if c.per.m != 0 && (value.Exponent() > 60 || value.Exponent() < -60) {
		// No real amount: refused as an overflow rather than handed to
		// decimal, which builds 10^|exponent| and panics near int32's.
		return 0, 0, quantity{}, false
	}
	v, vok := x.eventValue()
	if q, ok = c.exactQuantity(v, vok); ok {
		if base, want, ok = c.roundQuantity(q, mask); ok {
			return base, want, q, true
		}
	}
	base, want, ok = c.slowAmounts(value, mask)
	return base, want, quantity{}, ok // den 0: no exact quantity
}

// exactQuantity returns the exact award before multipliers for an event
// value v (vok false if it does not fit an fx), if it fits a quantity.
func (c *crule) exactQuantity(v fx, vok bool) (quantity, bool) {
	switch {
	case c.per.m == 0:
		return quantity{c.points.m, 1, c.points.e}, true
	case vok:
		return c.baseQuantity(v)
	}
	return quantity{}, false
}

// baseQuantity returns the exact award before multipliers of a per-unit
// rule for the event's value v, if it fits.
func (c *crule) baseQuantity(v fx) (quantity, bool) {
	if c.r.WholeUnits {
		// count = floor(v / per), an integer.
		var count int64
		if d := v.e - c.per.e; d >= 0 {
			n, ok := scaleUp(v.m, d)
			if !ok {
				return quantity{}, false
			}
			count = n / c.per.m
		} else {
			p, ok := scaleUp(c.per.m, -d)
			if !ok {
				return quantity{}, false
			}
			count = v.m / p
		}
		n, ok := mul(count, c.points.m)
		return quantity{n, 1, c.points.e}, ok
	}
	n, ok := mul(v.m, c.points.m)
	return quantity{n, c.per.m, v.e + c.points.e - c.per.e}, ok
}

// roundQuantity rounds the exact base q, and q times the multipliers in
// mask, to units of the kind, in int64; ok is false if a step overflows.
func (c *crule) roundQuantity(q quantity, mask uint32) (base, want int64, ok bool) {
	scale, rnd := c.kind.Scale, c.kind.Rounding
	full := q
	fine := true
	for i, f := range c.factors {
		if mask&(1<<i) != 0 && fine {
			full, fine = full.times(f)
		}
	}
	if !fine {
		return 0, 0, false
	}
	base, ok1 := q.round(scale, rnd)
	want, ok2 := full.round(scale, rnd)
	return base, want, ok1 && ok2
}

// unroundedPlaces is how many decimal places [Award.Unrounded] keeps.
const unroundedPlaces = 9

// exactAt reports whether q is exactly units of 10^-scale, so that
// rounding it changed nothing.
func (q quantity) exactAt(scale int32, units int64) bool {
	// q == units × 10^-scale  ⟺  num × 10^(exp+scale) == units × den
	lhs, rhs := q.num, units
	var ok bool
	if shift := q.exp + scale; shift >= 0 {
		lhs, ok = scaleUp(lhs, shift)
	} else {
		rhs, ok = scaleUp(rhs, -shift)
	}
	if !ok {
		return false
	}
	r, ok := mul(rhs, q.den)
	return ok && lhs == r
}

// truncated returns q as a decimal truncated to unroundedPlaces places,
// for [Award.Unrounded].
func (q quantity) truncated() decimal.Decimal {
	if n, ok := q.round(unroundedPlaces, Down); ok {
		return fromUnits(n, unroundedPlaces)
	}
	t, _ := decimal.New(q.num, q.exp).QuoRem(decimal.NewFromInt(q.den), unroundedPlaces)
	return t
}

// slowAmounts computes what amounts does in decimal, which cannot
// overflow; a rapid property pins the two to the same results.
func (c *crule) slowAmounts(value decimal.Decimal, mask uint32) (base, want int64, ok bool) {
	scale, rnd := c.kind.Scale, c.kind.Rounding
	num, den := c.exactBase(value)
	baseDec := rnd.divRound(num, den, scale)
	for i := range c.r.Multipliers {
		if mask&(1<<i) != 0 {
			num = num.Mul(c.r.Multipliers[i].Factor)
		}
	}
	wantDec := rnd.divRound(num, den, scale)
	base, ok1 := units(baseDec, scale)
	want, ok2 := units(wantDec, scale)
	return base, want, ok1 && ok2
}

// exactBase returns the award before multipliers as the fraction num/den.
func (c *crule) exactBase(value decimal.Decimal) (num, den decimal.Decimal) {
	num, den = c.r.Points, one
	if c.per.m != 0 {
		if c.r.WholeUnits {
			count, _ := value.QuoRem(c.r.Per, 0)
			num = count.Mul(c.r.Points)
		} else {
			num, den = value.Mul(c.r.Points), c.r.Per
		}
	}
	return num, den
}

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

func add(a, b int64) (int64, bool) {
	s := a + b
	return s, s >= a
}
