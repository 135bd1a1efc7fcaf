// Package stats is the statistics operators need to read funnels and
// experiments honestly: the Wilson score interval for a conversion rate,
// the two-proportion z-test, the chi-square test of a funnel's steps across
// variants, and the sample size that detects a lift at a power, on the
// normal and chi-square distributions, written here on the standard
// library's math.Erfc and a regularized incomplete gamma function.
//
// Every function is checked in its tests against published reference
// values: R's prop.test, chisq.test and power.prop.test outputs, Newcombe
// (1998), and the NIST/SEMATECH e-Handbook's tables.
//
// Nothing here panics or hangs on its arguments. The tests refuse
// arguments outside their domain (a negative count, more successes than
// trials, a NaN or a probability outside (0, 1)) with an error that
// matches both [ErrInput] and qun.ErrInvalid, as every refusal of bad data
// in qun does, and names the argument. The distribution functions, which
// return a number alone, return NaN where their argument is NaN or outside
// their domain, as math's functions do.
package stats

import (
	"errors"
	"fmt"
	"math"

	"github.com/qunkit/qun"
)

// ErrInput is matched (with errors.Is) by every error that refuses an
// argument outside a function's domain: a negative count, more successes
// than trials, a NaN or a probability outside (0, 1). Those errors also
// match qun.ErrInvalid: each is a *qun.ValidationError naming the argument
// at fault, wrapping ErrInput.
var ErrInput = errors.New("stats: invalid input")

// inputErr refuses the argument field, for the reason formatted as by
// fmt.Sprintf.
func inputErr(field, format string, args ...any) error {
	return fmt.Errorf("stats: %w", &qun.ValidationError{Field: field, Reason: fmt.Sprintf(format, args...), Err: ErrInput})
}

// NormalCDF returns the standard normal distribution function Φ(x): 0 at
// −Inf, 1 at +Inf, NaN for NaN.
func NormalCDF(x float64) float64 { return 0.5 * math.Erfc(-x/math.Sqrt2) }

// NormalSF returns the upper tail 1 − Φ(x), accurate far into the tail: 1
// at −Inf, 0 at +Inf, NaN for NaN.
func NormalSF(x float64) float64 { return 0.5 * math.Erfc(x/math.Sqrt2) }

// NormalQuantile returns Φ⁻¹(p), the x with Φ(x) = p, for p in (0, 1); it
// returns ∓Inf at 0 and 1 and NaN outside. It uses Wichura's algorithm
// AS 241 (PPND16, Applied Statistics 37:477–484, 1988), accurate to about
// 1e-16.
func NormalQuantile(p float64) float64 {
	switch {
	case math.IsNaN(p) || p < 0 || p > 1:
		return math.NaN()
	case p == 0:
		return math.Inf(-1)
	case p == 1:
		return math.Inf(1)
	}
	q := p - 0.5
	if math.Abs(q) <= 0.425 {
		r := 0.180625 - q*q
		return q * (((((((2509.0809287301226727*r+33430.575583588128105)*r+67265.770927008700853)*r+
			45921.953931549871457)*r+13731.693765509461125)*r+1971.5909503065514427)*r+133.14166789178437745)*r +
			3.387132872796366608) /
			(((((((5226.4952788528545610*r+28729.085735721942674)*r+39307.89580009271061)*r+
				21213.794301586595867)*r+5394.1960214247511077)*r+687.1870074920579083)*r+42.313330701600911252)*r + 1)
	}
	r := p
	if q > 0 {
		r = 1 - p
	}
	r = math.Sqrt(-math.Log(r))
	var x float64
	if r <= 5 {
		r -= 1.6
		x = (((((((7.7454501427834140764e-4*r+0.0227238449892691845833)*r+0.24178072517745061177)*r+
			1.27045825245236838258)*r+3.64784832476320460504)*r+5.7694972214606914055)*r+4.6303378461565452959)*r +
			1.42343711074968357734) /
			(((((((1.05075007164441684324e-9*r+5.475938084995344946e-4)*r+0.0151986665636164571966)*r+
				0.14810397642748007459)*r+0.68976733498510000455)*r+1.6763848301838038494)*r+2.05319162663775882187)*r + 1)
	} else {
		r -= 5
		x = (((((((2.01033439929228813265e-7*r+2.71155556874348757815e-5)*r+0.0012426609473880784386)*r+
			0.026532189526576123093)*r+0.29656057182850489123)*r+1.7848265399172913358)*r+5.4637849111641143699)*r +
			6.6579046435011037772) /
			(((((((2.04426310338993978564e-15*r+1.4215117583164458887e-7)*r+1.8463183175100546818e-5)*r+
				7.868691311456132591e-4)*r+0.0148753612908506148525)*r+0.13692988092273580531)*r+0.59983220655588793769)*r + 1)
	}
	if q < 0 {
		return -x
	}
	return x
}

// MaxDF is the most degrees of freedom the chi-square functions take:
// 2^24, more than a contingency table of a funnel's steps across variants
// ever has. Their rounding error grows with df, as the logarithm of the
// gamma function loses digits to cancellation: about 1e-8 relative near
// MaxDF, where a normal approximation (Wilson–Hilferty) is as good.
const MaxDF = 1 << 24

// ChiSquareCDF returns P(X ≤ x) for X chi-square distributed with df
// degrees of freedom: the regularized lower incomplete gamma P(df/2, x/2).
// It is 0 for x <= 0 and 1 at +Inf; it is NaN for a NaN x, for df < 1,
// which is no chi-square distribution, and for df above [MaxDF].
func ChiSquareCDF(x float64, df int) float64 {
	switch {
	case math.IsNaN(x) || df < 1 || int64(df) > MaxDF:
		return math.NaN()
	case x <= 0:
		return 0
	case math.IsInf(x, 1):
		return 1
	}
	p, _ := gammaPQ(float64(df)/2, x/2)
	return p
}

// ChiSquareSF returns P(X > x), the p-value of a chi-square statistic x
// with df degrees of freedom, accurate in the far tail. It is 1 for
// x <= 0 and 0 at +Inf; it is NaN for a NaN x, for df < 1 and for df
// above [MaxDF].
func ChiSquareSF(x float64, df int) float64 {
	switch {
	case math.IsNaN(x) || df < 1 || int64(df) > MaxDF:
		return math.NaN()
	case x <= 0:
		return 1
	case math.IsInf(x, 1):
		return 0
	}
	_, q := gammaPQ(float64(df)/2, x/2)
	return q
}

// gammaPQ returns the regularized incomplete gamma functions P(a, x) and
// Q(a, x) = 1 − P(a, x), by the series for x < a+1 and by Lentz's continued
// fraction otherwise (Numerical Recipes, 3rd ed., §6.2), each computing the
// smaller of the two directly so neither loses precision.
//
// Near x = a both converge in about √a steps, so the number of steps
// allowed grows with √a (about 70,000 at [MaxDF]).
func gammaPQ(a, x float64) (p, q float64) {
	lga, _ := math.Lgamma(a)
	front := math.Exp(-x + a*math.Log(x) - lga)
	steps := 10000 + int(20*math.Sqrt(a))
	if x < a+1 {
		sum, term := 1/a, 1/a
		for n := 1; n < steps; n++ {
			term *= x / (a + float64(n))
			sum += term
			if math.Abs(term) < math.Abs(sum)*1e-17 {
				break
			}
		}
		p = front * sum
		return p, 1 - p
	}
	const tiny = 1e-300
	b := x + 1 - a
	c := 1 / tiny
	d := 1 / b
	h := d
	for i := 1; i < steps; i++ {
		an := -float64(i) * (float64(i) - a)
		b += 2
		d = an*d + b
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = b + an/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		del := d * c
		h *= del
		if math.Abs(del-1) < 1e-16 {
			break
		}
	}
	q = front * h
	return 1 - q, q
}
