package stats

import (
	"errors"
	"math"
	"testing"

	"pgregory.net/rapid"
)

func near(t *testing.T, name string, got, want, tol float64) {
	t.Helper()
	if math.IsNaN(got) || math.Abs(got-want) > tol {
		t.Errorf("%s = %.10g, want %.10g (±%g)", name, got, want, tol)
	}
}

// Reference values of Φ, to 16 digits, from the NIST Digital Library of
// Mathematical Functions' relation Φ(x) = erfc(−x/√2)/2 and the standard
// normal table of the NIST/SEMATECH e-Handbook of Statistical Methods
// (§1.3.6.7.1, "Cumulative distribution function of the standard normal").
func TestNormal(t *testing.T) {
	for _, tt := range []struct{ x, p float64 }{
		{0, 0.5},
		{1, 0.8413447460685429},
		{-1, 0.15865525393145707},
		{1.96, 0.9750021048517795},
		{2.5758293035489004, 0.995},
		{-3, 0.0013498980316301035},
		{-8, 6.22096057427178e-16},
	} {
		near(t, "Φ", NormalCDF(tt.x), tt.p, math.Abs(tt.p)*1e-12)
	}
	// Critical values from the e-Handbook's table (§1.3.6.7.1): z at
	// 0.975 is 1.960, at 0.95 is 1.645, at 0.995 is 2.576.
	for _, tt := range []struct{ p, z, tol float64 }{
		{0.975, 1.959963984540054, 1e-14},
		{0.95, 1.6448536269514722, 1e-14},
		{0.995, 2.5758293035489004, 1e-14},
		{0.5, 0, 0},
		{0.8, 0.8416212335729143, 1e-14},
		{1e-10, -6.361340902404056, 1e-12},
		{1e-300, -37.0471, 1e-3},
	} {
		near(t, "Φ⁻¹", NormalQuantile(tt.p), tt.z, tt.tol)
	}
	if !math.IsInf(NormalQuantile(0), -1) || !math.IsInf(NormalQuantile(1), 1) || !math.IsNaN(NormalQuantile(2)) {
		t.Error("Φ⁻¹ at the ends")
	}
	// The quantile inverts the distribution function everywhere (on the
	// lower half, where p keeps its precision; Φ⁻¹ is odd).
	rapid.Check(t, func(t *rapid.T) {
		x := -math.Abs(rapid.Float64Range(-37, 37).Draw(t, "x"))
		p := NormalCDF(x)
		if back := NormalQuantile(p); math.Abs(back-x) > 1e-9*math.Max(1, math.Abs(x)) {
			t.Fatalf("Φ⁻¹(Φ(%v)) = %v", x, back)
		}
	})
}

// Upper critical values of the chi-square distribution from the
// NIST/SEMATECH e-Handbook of Statistical Methods, §1.3.6.7.4, "Critical
// Values of the Chi-Square Distribution" (upper tail 0.05 and 0.01).
func TestChiSquareDistribution(t *testing.T) {
	for _, tt := range []struct {
		df      int
		x, tail float64
	}{
		{1, 3.841, 0.05}, {2, 5.991, 0.05}, {3, 7.815, 0.05}, {5, 11.070, 0.05}, {10, 18.307, 0.05}, {30, 43.773, 0.05}, {100, 124.342, 0.05},
		{1, 6.635, 0.01}, {2, 9.210, 0.01}, {10, 23.209, 0.01}, {100, 135.807, 0.01},
	} {
		near(t, "χ² upper tail", ChiSquareSF(tt.x, tt.df), tt.tail, tt.tail*4e-4) // the table rounds x to 3 decimals
		near(t, "χ² cdf", ChiSquareCDF(tt.x, tt.df), 1-tt.tail, tt.tail*4e-4)
	}
	// df = 2 has a closed form: P(X > x) = e^(−x/2).
	for _, x := range []float64{0.1, 1, 10, 100, 1000} {
		near(t, "χ²(2) tail", ChiSquareSF(x, 2), math.Exp(-x/2), 1e-12*math.Exp(-x/2))
	}
	// df = 1: P(X > z²) = 2(1 − Φ(z)).
	for _, z := range []float64{0.5, 1.96, 4, 8} {
		near(t, "χ²(1) tail", ChiSquareSF(z*z, 1), 2*NormalSF(z), 1e-12*NormalSF(z))
	}
	if ChiSquareSF(0, 3) != 1 || ChiSquareCDF(-1, 3) != 0 {
		t.Error("χ² at 0")
	}
}

// Newcombe (1998), "Two-sided confidence intervals for the single
// proportion: comparison of seven methods", Statistics in Medicine
// 17:857–872, Table II, method 3 (the Wilson score interval without
// continuity correction), 95%.
func TestWilson(t *testing.T) {
	for _, tt := range []struct {
		x, n   int64
		lo, hi float64
	}{
		{81, 263, 0.2553, 0.3662},
		{15, 148, 0.0624, 0.1605},
		{0, 20, 0.0000, 0.1611},
		{1, 29, 0.0061, 0.1718},
	} {
		iv, err := Wilson(tt.x, tt.n, 0.95)
		if err != nil {
			t.Fatal(err)
		}
		near(t, "lower", iv.Lo, tt.lo, 5e-5)
		near(t, "upper", iv.Hi, tt.hi, 5e-5)
	}
	if iv, _ := Wilson(20, 20, 0.95); iv.Hi != 1 {
		t.Errorf("all successes: %v", iv)
	}
	for _, bad := range [][2]int64{{-1, 5}, {6, 5}, {0, 0}} {
		if _, err := Wilson(bad[0], bad[1], 0.95); !errors.Is(err, ErrInput) {
			t.Errorf("Wilson(%v) err = %v", bad, err)
		}
	}
	if _, err := Wilson(1, 5, 1); !errors.Is(err, ErrInput) {
		t.Error("confidence 1 accepted")
	}
}

// R's prop.test(c(94, 39), c(214, 128), correct = FALSE), as printed in
// "Two-sample test for independent proportions - using R",
// influentialpoints.com/notes/n9rmf3.htm: X-squared = 6.1026, df = 1,
// p-value = 0.01350, 95 percent confidence interval 0.03074072 to
// 0.23838896, proportions 0.4392523 and 0.3046875.
func TestTwoProportionZ(t *testing.T) {
	r, err := TwoProportionZ(94, 214, 39, 128, 0.95)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "p1", r.P1, 0.4392523, 5e-8)
	near(t, "p2", r.P2, 0.3046875, 5e-8)
	near(t, "z²", r.Z*r.Z, 6.1026, 5e-5)
	near(t, "p", r.P, 0.01350, 5e-6)
	near(t, "ci lo", r.CI.Lo, 0.03074072, 5e-9)
	near(t, "ci hi", r.CI.Hi, 0.23838896, 5e-9)
	// The z-test and the 2×2 chi-square test agree.
	c, _ := ChiSquare([][]int64{{94, 214 - 94}, {39, 128 - 39}})
	near(t, "chi-square", c.Stat, r.Z*r.Z, 1e-12)
	near(t, "chi-square p", c.P, r.P, 1e-12)
	if r, _ := TwoProportionZ(0, 10, 0, 20, 0.95); r.P != 1 || r.Z != 0 {
		t.Errorf("no successes: %+v", r)
	}
	if _, err := TwoProportionZ(5, 4, 1, 2, 0.95); !errors.Is(err, ErrInput) {
		t.Error("x > n accepted")
	}
}

func TestChiSquare(t *testing.T) {
	// R's chisq.test help page: party identification by gender (Agresti
	// 2007, p. 39): X-squared = 30.07, df = 2, p-value = 2.954e-07.
	r, err := ChiSquare([][]int64{{762, 327, 468}, {484, 239, 477}})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "X²", r.Stat, 30.07, 5e-3)
	near(t, "p", r.P, 2.954e-07, 5e-10)
	if r.DF != 2 {
		t.Errorf("df = %d", r.DF)
	}
	// R's prop.test help page: smokers in four groups of patients,
	// prop.test(c(83, 90, 129, 70), c(86, 93, 136, 82)): X-squared = 12.6,
	// df = 3, p-value = 0.005585.
	r, _ = ChiSquare([][]int64{{83, 3}, {90, 3}, {129, 7}, {70, 12}})
	near(t, "X²", r.Stat, 12.6, 0.05)
	near(t, "p", r.P, 0.005585, 5e-7)
	if r.DF != 3 {
		t.Errorf("df = %d", r.DF)
	}
	for _, bad := range [][][]int64{{{1, 2}}, {{1, 2}, {3}}, {{1, -2}, {3, 4}}, {{0, 0}, {3, 4}}} {
		if _, err := ChiSquare(bad); !errors.Is(err, ErrInput) {
			t.Errorf("ChiSquare(%v) err = %v", bad, err)
		}
	}
}

func TestFunnelChiSquare(t *testing.T) {
	// Two variants with the same step counts cannot be told apart.
	r, err := FunnelChiSquare([][]int64{{100, 50, 20}, {200, 100, 40}})
	if err != nil {
		t.Fatal(err)
	}
	if r.Stat > 1e-12 || math.Abs(r.P-1) > 1e-12 || r.DF != 2 {
		t.Errorf("identical funnels: %+v", r)
	}
	// The table it tests: who stopped at each step.
	want, _ := ChiSquare([][]int64{{50, 30, 20}, {60, 60, 80}})
	got, _ := FunnelChiSquare([][]int64{{100, 50, 20}, {200, 140, 80}})
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if _, err := FunnelChiSquare([][]int64{{10, 20}, {10, 5}}); !errors.Is(err, ErrInput) {
		t.Error("increasing counts accepted")
	}
}

// R's power.prop.test help page: power.prop.test(n = 50, p1 = .50, p2 =
// .75) gives power = 0.7401659, and power.prop.test(p1 = .50, p2 = .75,
// power = .90) gives n = 76.7 per group.
func TestSampleSize(t *testing.T) {
	pw, err := Power(50, 0.5, 0.75, 0.05)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "power", pw, 0.7401659, 5e-8)
	n, err := SampleSize(0.5, 0.75, 0.05, 0.90)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "n", n, 76.7, 0.05)
	// SampleSize and Power invert each other.
	rapid.Check(t, func(t *rapid.T) {
		p1 := rapid.Float64Range(0.01, 0.9).Draw(t, "p1")
		p2 := p1 * (1 + rapid.Float64Range(0.05, 0.9).Draw(t, "lift"))
		if p2 >= 1 {
			t.Skip("rate above 1")
		}
		power := rapid.Float64Range(0.5, 0.99).Draw(t, "power")
		n, err := SampleSize(p1, p2, 0.05, power)
		if err != nil {
			t.Fatal(err)
		}
		back, _ := Power(n, p1, p2, 0.05)
		if math.Abs(back-power) > 1e-9 {
			t.Fatalf("Power(SampleSize) = %v, want %v", back, power)
		}
	})
	if _, err := SampleSize(0.1, 0.1, 0.05, 0.8); !errors.Is(err, ErrInput) {
		t.Error("equal rates accepted")
	}
}
