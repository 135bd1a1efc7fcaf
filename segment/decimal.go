package segment

import (
	"cmp"
	"math"

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

// fastDec is the decimal m × 10^e.
type fastDec struct {
	m int64
	e int32
}

// fastOf returns d as a fastDec, if its coefficient fits an int64.
func fastOf(d decimal.Decimal) (fastDec, bool) {
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
	p := pow10[k]
	if m > math.MaxInt64/p || m < math.MinInt64/p {
		return 0, false
	}
	return m * p, true
}

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

// prefixSums keeps the running totals of a run of event values, all at
// one exponent, so that the sum over any window is one subtraction. exact
// is false once a total no longer fits; the values are then summed with
// decimal.Decimal when asked.
type prefixSums struct {
	sums  []int64 // sums[i] is the total of the first i values
	exp   int32
	exact bool
}

// rebuild recomputes the totals from position from on, for vals.
func (p *prefixSums) rebuild(vals []decimal.Decimal, from int) {
	if cap(p.sums) < len(vals)+1 {
		grown := make([]int64, len(vals)+1, 2*len(vals)+2)
		copy(grown, p.sums)
		p.sums = grown
	}
	p.sums = p.sums[:len(vals)+1]
	if from == 0 {
		p.sums[0] = 0
		p.exact = true
		p.exp = 0
		for _, v := range vals {
			p.exp = min(p.exp, v.Exponent())
		}
	}
	if !p.exact {
		return
	}
	for i := from; i < len(vals); i++ {
		f, ok := fastOf(vals[i])
		if !ok {
			p.exact = false
			return
		}
		if f.e < p.exp {
			// A finer value: rescale the totals so far.
			k := int64(p.exp) - int64(f.e)
			for j := 0; j <= i; j++ {
				if p.sums[j], ok = mulPow10(p.sums[j], k); !ok {
					p.exact = false
					return
				}
			}
			p.exp = f.e
		}
		m, ok := mulPow10(f.m, int64(f.e)-int64(p.exp))
		if !ok {
			p.exact = false
			return
		}
		s := p.sums[i] + m
		if (m > 0 && s < p.sums[i]) || (m < 0 && s > p.sums[i]) {
			p.exact = false
			return
		}
		p.sums[i+1] = s
	}
}

// window returns the sum of vals[lo:hi].
func (p *prefixSums) window(vals []decimal.Decimal, lo, hi int) decOperand {
	if p.exact {
		a, b := p.sums[hi], p.sums[lo]
		d := a - b
		if (b < 0 && d < a) || (b > 0 && d > a) {
			// The difference overflows; add exactly below.
		} else {
			return decOperand{f: fastDec{d, p.exp}, ok: true}
		}
	}
	total := decimal.Zero
	for _, v := range vals[lo:hi] {
		total = total.Add(v)
	}
	return decOperand{exact: total}
}
