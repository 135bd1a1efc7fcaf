package stats

import (
	"math"
	"strconv"
)

// Interval is a confidence interval [Lo, Hi].
type Interval struct {
	// Lo is the lower bound and Hi the upper, both inclusive, Lo <= Hi:
	// within [0, 1] for a rate ([Wilson]), within [−1, 1] for a difference
	// of two rates ([TwoProportions].CI).
	Lo, Hi float64
}

// Wilson returns the Wilson score interval for a proportion of successes
// out of n trials at the given confidence level (0.95 for 95%). Unlike the
// textbook Wald interval it stays within [0, 1] and behaves at 0 and n
// successes and for small n (Wilson 1927; Newcombe 1998 recommends it).
func Wilson(successes, n int64, confidence float64) (Interval, error) {
	if err := checkCount("successes", "n", successes, n); err != nil {
		return Interval{}, err
	}
	if !(confidence > 0 && confidence < 1) {
		return Interval{}, inputErr("confidence", "must lie in (0, 1), got %v", confidence)
	}
	z := NormalQuantile(1 - (1-confidence)/2)
	nf := float64(n)
	p := float64(successes) / nf
	z2 := z * z
	den := 1 + z2/nf
	center := (p + z2/(2*nf)) / den
	half := z / den * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf))
	iv := Interval{Lo: max(0, center-half), Hi: min(1, center+half)}
	// At 0 and n successes the bounds are exactly 0 and 1.
	if successes == 0 {
		iv.Lo = 0
	}
	if successes == n {
		iv.Hi = 1
	}
	return iv, nil
}

// TwoProportions is the result of comparing two conversion rates.
type TwoProportions struct {
	// P1 and P2 are the two rates, and Diff is P1 − P2.
	P1, P2, Diff float64
	// Z is the pooled two-proportion z statistic; Z² is the chi-square
	// statistic of R's prop.test without continuity correction.
	Z float64
	// P is the two-sided p-value.
	P float64
	// CI is the Wald interval for Diff at the requested confidence, as
	// prop.test reports it without continuity correction.
	CI Interval
}

// TwoProportionZ tests whether two conversion rates differ: x1 of n1 against
// x2 of n2, with the pooled two-proportion z-test, two-sided.
func TwoProportionZ(x1, n1, x2, n2 int64, confidence float64) (TwoProportions, error) {
	if err := checkCount("x1", "n1", x1, n1); err != nil {
		return TwoProportions{}, err
	}
	if err := checkCount("x2", "n2", x2, n2); err != nil {
		return TwoProportions{}, err
	}
	if !(confidence > 0 && confidence < 1) {
		return TwoProportions{}, inputErr("confidence", "must lie in (0, 1), got %v", confidence)
	}
	a, b := float64(n1), float64(n2)
	r := TwoProportions{P1: float64(x1) / a, P2: float64(x2) / b}
	r.Diff = r.P1 - r.P2
	pooled := float64(x1+x2) / (a + b)
	if se := math.Sqrt(pooled * (1 - pooled) * (1/a + 1/b)); se > 0 {
		r.Z = r.Diff / se
		r.P = 2 * NormalSF(math.Abs(r.Z))
	} else {
		r.P = 1 // both rates 0 or both 1: no evidence of a difference
	}
	z := NormalQuantile(1 - (1-confidence)/2)
	half := z * math.Sqrt(r.P1*(1-r.P1)/a+r.P2*(1-r.P2)/b)
	r.CI = Interval{Lo: max(-1, r.Diff-half), Hi: min(1, r.Diff+half)}
	return r, nil
}

// ChiSquareResult is the result of a chi-square test of independence.
type ChiSquareResult struct {
	// Stat is Pearson's X² statistic and DF its degrees of freedom.
	Stat float64
	DF   int
	// P is the p-value, P(χ²(DF) > Stat).
	P float64
}

// ChiSquare tests the independence of the rows and columns of a contingency
// table of counts (Pearson's X², as R's chisq.test without continuity
// correction). Rows and columns whose totals are zero are left out, as
// they carry no information.
func ChiSquare(table [][]int64) (ChiSquareResult, error) {
	if len(table) < 2 {
		return ChiSquareResult{}, inputErr("table", "want at least two rows, got %d", len(table))
	}
	cols := len(table[0])
	for i, row := range table {
		if len(row) != cols {
			return ChiSquareResult{}, inputErr("table["+strconv.Itoa(i)+"]", "has %d columns, table[0] %d", len(row), cols)
		}
		for j, c := range row {
			if c < 0 {
				return ChiSquareResult{}, inputErr("table["+strconv.Itoa(i)+"]["+strconv.Itoa(j)+"]", "negative count %d", c)
			}
		}
	}
	rowSum := make([]float64, len(table))
	colSum := make([]float64, cols)
	var total float64
	for i, row := range table {
		for j, c := range row {
			rowSum[i] += float64(c)
			colSum[j] += float64(c)
			total += float64(c)
		}
	}
	var rows, used int
	for _, s := range rowSum {
		if s > 0 {
			rows++
		}
	}
	for _, s := range colSum {
		if s > 0 {
			used++
		}
	}
	if rows < 2 || used < 2 {
		return ChiSquareResult{}, inputErr("table", "want at least two non-empty rows and columns, got %d and %d", rows, used)
	}
	var stat float64
	for i, row := range table {
		for j, c := range row {
			if rowSum[i] == 0 || colSum[j] == 0 {
				continue
			}
			exp := rowSum[i] * colSum[j] / total
			d := float64(c) - exp
			stat += d * d / exp
		}
	}
	df := (rows - 1) * (used - 1)
	return ChiSquareResult{Stat: stat, DF: df, P: ChiSquareSF(stat, df)}, nil
}

// FunnelChiSquare tests whether variants of a funnel (A/B groups, channels,
// periods) convert through its steps alike. Each variant gives the members
// who reached each step, first step first, as a funnel result does; the
// test compares, across variants, how members are spread over the steps
// they stopped at (the last column holding those who completed the
// funnel), a variants × steps chi-square test of independence.
func FunnelChiSquare(variants [][]int64) (ChiSquareResult, error) {
	if len(variants) < 2 {
		return ChiSquareResult{}, inputErr("variants", "want at least two variants, got %d", len(variants))
	}
	table := make([][]int64, len(variants))
	for i, reached := range variants {
		if len(reached) != len(variants[0]) || len(reached) < 2 {
			return ChiSquareResult{}, inputErr("variants["+strconv.Itoa(i)+"]", "want the same number of steps, at least two, in every variant; got %d and %d", len(reached), len(variants[0]))
		}
		row := make([]int64, len(reached))
		for k := range reached {
			next := int64(0)
			if k+1 < len(reached) {
				next = reached[k+1]
			}
			if reached[k] < next || reached[k] < 0 {
				return ChiSquareResult{}, inputErr("variants["+strconv.Itoa(i)+"]", "step counts must not be negative or increase, got %v", reached)
			}
			row[k] = reached[k] - next // stopped at step k (completed, for the last)
		}
		table[i] = row
	}
	return ChiSquare(table)
}

// SampleSize returns the number of members needed in each of two groups to
// detect a change in conversion rate from p1 to p2 with a two-sided test at
// significance level alpha (0.05) and the given power (0.8), by the normal
// approximation R's power.prop.test solves:
//
//	n = (z₁₋α/₂·√(2·p̄·q̄) + z_power·√(p1·q1 + p2·q2))² / (p1 − p2)²
//
// with p̄ the mean of p1 and p2. A relative lift L from a baseline rate b
// is p1 = b, p2 = b·(1+L). Round the result up to whole members.
//
// Rates so close that no sample size a float64 holds tells them apart are
// refused, as are arguments outside their ranges, with an error matching
// [ErrInput] and qun.ErrInvalid; the result is always finite.
func SampleSize(p1, p2, alpha, power float64) (float64, error) {
	if err := checkRates(p1, p2, alpha); err != nil {
		return 0, err
	}
	if !(power > 0 && power < 1) {
		return 0, inputErr("power", "must lie in (0, 1), got %v", power)
	}
	za := NormalQuantile(1 - alpha/2)
	zb := NormalQuantile(power)
	pbar := (p1 + p2) / 2
	num := za*math.Sqrt(2*pbar*(1-pbar)) + zb*math.Sqrt(p1*(1-p1)+p2*(1-p2))
	r := num / (p1 - p2) // divided before squaring, so tiny rates do not underflow
	n := r * r
	if math.IsInf(n, 0) || math.IsNaN(n) {
		return 0, inputErr("p2", "%v is too close to p1 = %v for any finite sample to tell apart", p2, p1)
	}
	return n, nil
}

// Power returns the power of a two-sided test at significance level alpha
// to detect a change from p1 to p2 with n members in each group, by the
// same approximation as [SampleSize] (R's power.prop.test, strict = FALSE).
// n must be a finite number above 0.
func Power(n, p1, p2, alpha float64) (float64, error) {
	if err := checkRates(p1, p2, alpha); err != nil {
		return 0, err
	}
	if !(n > 0) || math.IsInf(n, 1) {
		return 0, inputErr("n", "must be a finite number above 0, got %v", n)
	}
	za := NormalQuantile(1 - alpha/2)
	pbar := (p1 + p2) / 2
	x := (math.Sqrt(n)*math.Abs(p1-p2) - za*math.Sqrt(2*pbar*(1-pbar))) / math.Sqrt(p1*(1-p1)+p2*(1-p2))
	return NormalCDF(x), nil
}

// checkCount refuses a count of trials n (named nName) that is not
// positive, and a count of successes x (named xName) outside [0, n].
func checkCount(xName, nName string, x, n int64) error {
	switch {
	case n <= 0:
		return inputErr(nName, "must be above 0, got %d", n)
	case x < 0 || x > n:
		return inputErr(xName, "must lie in [0, %s], got %d of %d", nName, x, n)
	}
	return nil
}

// checkRates refuses rates outside (0, 1) or equal, and a significance
// level outside (0, 1).
func checkRates(p1, p2, alpha float64) error {
	switch {
	case !(p1 > 0 && p1 < 1):
		return inputErr("p1", "must lie in (0, 1), got %v", p1)
	case !(p2 > 0 && p2 < 1):
		return inputErr("p2", "must lie in (0, 1), got %v", p2)
	case p1 == p2:
		return inputErr("p2", "must differ from p1, both %v", p1)
	case !(alpha > 0 && alpha < 1):
		return inputErr("alpha", "must lie in (0, 1), got %v", alpha)
	}
	return nil
}
