package draw_test

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive/draw"
)

// The goodness-of-fit tests draw many times with fixed seeds and compare
// the counts with the disclosed odds by Pearson's chi-square test, at the
// significance level alpha = 0.001. The critical value is computed here
// from the chi-square distribution (its CDF is the regularized lower
// incomplete gamma function, P(k/2, x/2), evaluated by its series and its
// continued fraction as in Numerical Recipes, 3rd ed., §6.2, with
// math.Lgamma), and TestChiSquareCriticalValues checks the computation
// against the table of the NIST/SEMATECH e-Handbook of Statistical
// Methods, §1.3.6.7.4 (https://www.itl.nist.gov/div898/handbook/eda/section3/eda3674.htm).
// The seeds are fixed, so each test passes or fails the same way on every
// run; a correct implementation fails one seed with probability 0.001.
const alpha = 0.001

// gammaP returns the regularized lower incomplete gamma function P(a, x).
func gammaP(a, x float64) float64 {
	if x <= 0 {
		return 0
	}
	lg, _ := math.Lgamma(a)
	front := math.Exp(-x + a*math.Log(x) - lg)
	if x < a+1 {
		// The series: P = front · Σ xⁿ / (a (a+1) … (a+n)).
		term, sum := 1/a, 1/a
		for n := 1; n < 10000; n++ {
			term *= x / (a + float64(n))
			sum += term
			if math.Abs(term) < math.Abs(sum)*1e-16 {
				break
			}
		}
		return front * sum
	}
	// The continued fraction for Q = 1 - P, by the modified Lentz method.
	const tiny = 1e-300
	b := x + 1 - a
	c := 1 / tiny
	d := 1 / b
	h := d
	for i := 1; i < 10000; i++ {
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
	return 1 - front*h
}

// chiSquareCDF returns P(X ≤ x) for X chi-square with k degrees of
// freedom.
func chiSquareCDF(x float64, k int) float64 { return gammaP(float64(k)/2, x/2) }

// criticalValue returns the x with P(X > x) = alpha, by bisection.
func criticalValue(alpha float64, k int) float64 {
	lo, hi := 0.0, 1000.0
	for range 200 {
		mid := (lo + hi) / 2
		if 1-chiSquareCDF(mid, k) > alpha {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2
}

func TestChiSquareCriticalValues(t *testing.T) {
	// Upper-tail critical values from the NIST/SEMATECH table.
	table := []struct {
		k     int
		alpha float64
		want  float64
	}{
		{1, 0.05, 3.841}, {4, 0.05, 9.488}, {5, 0.05, 11.070}, {9, 0.05, 16.919},
		{4, 0.01, 13.277}, {9, 0.01, 21.666},
		{1, 0.001, 10.828}, {3, 0.001, 16.266}, {4, 0.001, 18.467}, {5, 0.001, 20.515},
		{9, 0.001, 27.877}, {10, 0.001, 29.588}, {20, 0.001, 45.315},
	}
	for _, c := range table {
		if got := criticalValue(c.alpha, c.k); math.Abs(got-c.want) > 0.0015 {
			t.Errorf("critical value for %d degrees at %g: %.4f, table %.3f", c.k, c.alpha, got, c.want)
		}
	}
}

// chiSquare returns Pearson's statistic of the observed counts against
// the expected probabilities over n draws.
func chiSquare(observed []int64, probs []float64, n int64) float64 {
	var x float64
	for i, o := range observed {
		e := probs[i] * float64(n)
		x += (float64(o) - e) * (float64(o) - e) / e
	}
	return x
}

func seedOf(b byte) draw.Seed {
	var s draw.Seed
	for i := range s {
		s[i] = b + byte(i)
	}
	return s
}

// TestDrawsMatchTheDisclosedOdds: 100,000 ordinary draws per seed fall on
// each prize and on nothing as the disclosed Chance says.
func TestDrawsMatchTheDisclosedOdds(t *testing.T) {
	if testing.Short() {
		t.Skip("many draws")
	}
	pool := draw.Pool{
		ID: "fit", Calendar: qun.Calendar{},
		Prizes: []draw.Prize{
			{ID: "a", Weight: 1, Unlimited: true},
			{ID: "b", Weight: 4, Unlimited: true},
			{ID: "c", Weight: 15, Unlimited: true},
			{ID: "d", Weight: 30, Unlimited: true},
			{ID: "e", Weight: 7, Unlimited: true},
		},
		Blank: 43,
	}
	odds := pool.Odds()
	probs := []float64{odds.Nothing}
	for _, p := range odds.Prizes {
		probs = append(probs, p.Chance)
	}
	crit := criticalValue(alpha, len(probs)-1) // 5 degrees of freedom: 20.515
	const n = 100_000
	at := time.Date(2026, 12, 24, 20, 0, 0, 0, time.UTC)
	for _, s := range []byte{1, 2, 3} {
		d, err := draw.New("c", pool, seedOf(s))
		if err != nil {
			t.Fatal(err)
		}
		observed := make([]int64, len(probs))
		for i := range n {
			r, err := d.Enter(draw.Entry{Key: fmt.Sprint("k", i), Member: qun.MemberID(fmt.Sprint("m", i%1000))}, at)
			if err != nil {
				t.Fatal(err)
			}
			k := 0
			for j, p := range pool.Prizes {
				if p.ID == r.Prize {
					k = j + 1
				}
			}
			observed[k]++
		}
		if x := chiSquare(observed, probs, n); x > crit {
			t.Errorf("seed %d: chi-square %.2f > %.3f (alpha %g, %d degrees): counts %v, probabilities %v", s, x, crit, alpha, len(probs)-1, observed, probs)
		}
	}
}

// TestGuaranteeMatchesTheDisclosedOdds: with a pity prize of chance p and a
// guarantee after 9 losing draws, the number of draws a member makes up to
// and including their first pity prize is t with probability
// (1-p)^(t-1) p for t ≤ 9 and (1-p)^9 for t = 10. 20,000 members per seed
// fit that distribution, and their mean matches the disclosed E[T].
func TestGuaranteeMatchesTheDisclosedOdds(t *testing.T) {
	if testing.Short() {
		t.Skip("many draws")
	}
	pool := draw.Pool{
		ID: "pity-fit",
		Prizes: []draw.Prize{
			{ID: "rare", Weight: 3, Unlimited: true},
			{ID: "common", Weight: 27, Unlimited: true},
		},
		Blank: 70,
		Pity:  &draw.Pity{After: 9, Prizes: []string{"rare"}},
	}
	odds := pool.Odds()
	p := odds.Pity.Chance
	probs := make([]float64, 10)
	for k := range 9 {
		probs[k] = math.Pow(1-p, float64(k)) * p
	}
	probs[9] = math.Pow(1-p, 9)
	crit := criticalValue(alpha, len(probs)-1) // 9 degrees of freedom: 27.877
	const members = 20_000
	at := time.Date(2026, 12, 24, 20, 0, 0, 0, time.UTC)
	for _, s := range []byte{4, 5, 6} {
		d, err := draw.New("c", pool, seedOf(s))
		if err != nil {
			t.Fatal(err)
		}
		observed := make([]int64, len(probs))
		var draws int64
		for m := range members {
			member := qun.MemberID(fmt.Sprint("m", m))
			for k := 1; ; k++ {
				r, err := d.Enter(draw.Entry{Key: fmt.Sprint(member, "-", k), Member: member}, at)
				if err != nil {
					t.Fatal(err)
				}
				draws++
				if r.Prize == "rare" {
					if r.Guaranteed != (k == 10) {
						t.Fatalf("draw %d of %s: guaranteed %v", k, member, r.Guaranteed)
					}
					observed[k-1]++
					break
				}
				if k == 10 {
					t.Fatalf("%s drew 10 times without the guaranteed prize", member)
				}
			}
		}
		if x := chiSquare(observed, probs, members); x > crit {
			t.Errorf("seed %d: chi-square %.2f > %.3f: counts %v", s, x, crit, observed)
		}
		// The mean of T has standard deviation below 3/sqrt(20000) here.
		if mean := float64(draws) / members; math.Abs(mean-odds.Pity.Mean) > 0.1 {
			t.Errorf("seed %d: mean draws per pity prize %.3f, disclosed %.3f", s, mean, odds.Pity.Mean)
		}
	}
}
