package segment

import (
	"cmp"
	"fmt"
	"math"
	"strings"

	"github.com/qunkit/qun"
	"github.com/shopspring/decimal"
)

// Decimals are compared exactly. decimal.Decimal keeps its coefficient in
// a *big.Int, and comparing two with different exponents allocates, so
// the evaluator keeps each decimal also as fastDec, the coefficient and
// exponent in machine words, whenever the coefficient fits an int64 (any
// amount of money with up to 18 significant digits). Two fastDecs compare
// exactly without allocating (see cmpFast); only a value whose
// coefficient does not fit falls back to decimal.Decimal.Cmp, with the
// same result, allocating.

// Decimals that enter a record or a rule are bounded as qun bounds an
// event's value (qun.MaxValueDigits): at most 64 significant digits and an
// exponent within ±64. Exact comparison brings two decimals to a common
// exponent, so without a bound one member's spend of 10^-200000000 would
// cost minutes and gigabytes to compare with a literal of 23 digits.
// qun.ValidateValue checks a decimal against it; numberTextProblem checks
// a literal's text before it becomes one.

// numberTextProblem returns why the number text s, in plain decimal
// notation, is beyond the bound, or "". Its exponent is minus the number
// of its fraction digits.
func numberTextProblem(s string) string {
	whole, frac, _ := strings.Cut(strings.TrimPrefix(s, "-"), ".")
	if len(frac) > qun.MaxValueDigits || len(strings.TrimLeft(whole+frac, "0")) > qun.MaxValueDigits {
		return fmt.Sprintf("has more than %d significant or fraction digits", qun.MaxValueDigits)
	}
	return ""
}

// fastDec is the decimal m × 10^e.
type fastDec struct {
	m int64
	e int32
}

// fastOf returns d as a fastDec, if its coefficient fits an int64. It
// does not allocate when the coefficient has at most 18 digits.
func fastOf(d decimal.Decimal) (fastDec, bool) {
	if d.NumDigits() <= 18 {
		return fastDec{d.CoefficientInt64(), d.Exponent()}, true
	}
	c := d.Coefficient()
	if !c.IsInt64() {
		return fastDec{}, false
	}
	return fastDec{c.Int64(), d.Exponent()}, true
}

// decimal returns f as a decimal.Decimal.
func (f fastDec) decimal() decimal.Decimal { return decimal.New(f.m, f.e) }

var pow10 = [19]int64{
	1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9,
	1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
}

// mulPow10 returns m × 10^k for k ≥ 0; ok is false when it overflows an
// int64.
func mulPow10(m int64, k int64) (int64, bool) {
	if m == 0 {
		return 0, true
	}
	if k > 18 {
		return 0, false
	}
	if m > maxMul[k] || m < -maxMul[k] {
		return 0, false
	}
	return m * pow10[k], true
}

// maxMul[k] is the largest magnitude that can be multiplied by 10^k
// without overflowing an int64. (The one more negative value that could,
// −2^63 / 10^k, is not a whole number for k ≥ 1.)
var maxMul = func() (t [19]int64) {
	for k, p := range pow10 {
		t[k] = math.MaxInt64 / p
	}
	return t
}()

// cmpFast compares a and b exactly. It brings the one with the larger
// exponent down to the other's. When that overflows, the scaled
// magnitude exceeds every int64, so it exceeds the other's magnitude, and
// its sign decides; the comparison is exact either way.
func cmpFast(a, b fastDec) int {
	switch {
	case a.e == b.e:
		return cmp.Compare(a.m, b.m)
	case a.e > b.e:
		am, ok := mulPow10(a.m, int64(a.e)-int64(b.e))
		if !ok {
			return sign(a.m)
		}
		return cmp.Compare(am, b.m)
	}
	bm, ok := mulPow10(b.m, int64(b.e)-int64(a.e))
	if !ok {
		return -sign(b.m)
	}
	return cmp.Compare(a.m, bm)
}

func sign(m int64) int {
	switch {
	case m > 0:
		return 1
	case m < 0:
		return -1
	}
	return 0
}

// decOperand is a decimal an evaluator compares: fast when ok, else
// exact.
type decOperand struct {
	f     fastDec
	ok    bool
	exact decimal.Decimal
}

// decLit is a decimal literal of a compiled rule, in both forms.
type decLit struct {
	f     fastDec
	ok    bool
	exact decimal.Decimal
}

func newDecLit(d decimal.Decimal) decLit {
	f, ok := fastOf(d)
	return decLit{f: f, ok: ok, exact: d}
}

// cmpDec compares v with the literal exactly.
func cmpDec(v decOperand, lit *decLit) int {
	if v.ok && lit.ok {
		return cmpFast(v.f, lit.f)
	}
	x := v.exact
	if v.ok {
		x = v.f.decimal()
	}
	return x.Cmp(lit.exact)
}

// insertTotal inserts the value v at position i of a run whose running
// totals are totals (totals[k] is the sum of the first k values, as a
// count of 10^exp), rescaling them if v is finer. ok is false when v or a
// total does not fit an int64; the inputs are then returned unchanged.
func insertTotal(totals []int64, exp int32, i int, v decimal.Decimal) ([]int64, int32, bool) {
	f, ok := fastOf(v)
	if !ok {
		return totals, exp, false
	}
	newExp := min(exp, f.e)
	scale := int64(exp) - int64(newExp)
	vm, ok := mulPow10(f.m, int64(f.e)-int64(newExp))
	if !ok {
		return totals, exp, false
	}
	out := make([]int64, len(totals)+1)
	for k, t := range totals {
		t, ok := mulPow10(t, scale)
		if !ok {
			return totals, exp, false
		}
		if k < i+1 {
			out[k] = t
		}
		if k >= i {
			s := t + vm
			if (vm > 0 && s < t) || (vm < 0 && s > t) {
				return totals, exp, false
			}
			out[k+1] = s
		}
	}
	return out, newExp, true
}

// windowTotal returns the sum of the values lo to hi of a summed run: the
// difference of two running totals, or, when the totals do not fit,
// the exact values added up (allocating).
func windowTotal(hdr uint64, sums []uint64, vals []decimal.Decimal, lo, hi int) decOperand {
	if hdr&inexactBit == 0 {
		a, b := int64(sums[hi]), int64(sums[lo])
		d := a - b
		if !((b < 0 && d < a) || (b > 0 && d > a)) {
			return decOperand{f: fastDec{d, int32(uint32(hdr))}, ok: true}
		}
		total := decimal.New(a, int32(uint32(hdr))).Sub(decimal.New(b, int32(uint32(hdr))))
		return decOperand{exact: total}
	}
	total := decimal.Zero
	for _, v := range vals[lo:hi] {
		total = total.Add(v)
	}
	return decOperand{exact: total}
}
