package stats

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/qunkit/qun"
	"pgregory.net/rapid"
)

// Every entry point with nil, zero, negative, NaN and infinite arguments:
// none panics or hangs; each refuses what it cannot use with an error that
// matches ErrInput and qun.ErrInvalid and names the argument, or returns
// the number its doc comment promises.

var (
	nan  = math.NaN()
	inf  = math.Inf(1)
	ninf = math.Inf(-1)
)

// refusal checks that err refuses bad input and names field.
func refusal(t *testing.T, what string, err error, field string) {
	t.Helper()
	var ve *qun.ValidationError
	switch {
	case !errors.Is(err, ErrInput) || !errors.Is(err, qun.ErrInvalid):
		t.Errorf("%s: error %v, want one matching ErrInput and qun.ErrInvalid", what, err)
	case !errors.As(err, &ve) || ve.Field != field:
		t.Errorf("%s: error %v names %q, want %q", what, err, ve.Field, field)
	case !strings.HasPrefix(err.Error(), "stats: invalid "+field):
		t.Errorf("%s: error reads %q", what, err)
	}
}

func TestZeroSweepRefusals(t *testing.T) {
	for _, tt := range []struct {
		name  string
		call  func() error
		field string
	}{
		{"Wilson n 0", func() error { _, err := Wilson(0, 0, 0.95); return err }, "n"},
		{"Wilson n negative", func() error { _, err := Wilson(0, math.MinInt64, 0.95); return err }, "n"},
		{"Wilson successes negative", func() error { _, err := Wilson(-1, 10, 0.95); return err }, "successes"},
		{"Wilson successes above n", func() error { _, err := Wilson(11, 10, 0.95); return err }, "successes"},
		{"Wilson confidence 0", func() error { _, err := Wilson(1, 10, 0); return err }, "confidence"},
		{"Wilson confidence 1", func() error { _, err := Wilson(1, 10, 1); return err }, "confidence"},
		{"Wilson confidence NaN", func() error { _, err := Wilson(1, 10, nan); return err }, "confidence"},
		{"Wilson confidence Inf", func() error { _, err := Wilson(1, 10, inf); return err }, "confidence"},
		{"TwoProportionZ n1 0", func() error { _, err := TwoProportionZ(0, 0, 1, 2, 0.95); return err }, "n1"},
		{"TwoProportionZ x1 above", func() error { _, err := TwoProportionZ(3, 2, 1, 2, 0.95); return err }, "x1"},
		{"TwoProportionZ n2 negative", func() error { _, err := TwoProportionZ(1, 2, 0, -2, 0.95); return err }, "n2"},
		{"TwoProportionZ x2 negative", func() error { _, err := TwoProportionZ(1, 2, -1, 2, 0.95); return err }, "x2"},
		{"TwoProportionZ confidence NaN", func() error { _, err := TwoProportionZ(1, 2, 1, 2, nan); return err }, "confidence"},
		{"TwoProportionZ confidence -Inf", func() error { _, err := TwoProportionZ(1, 2, 1, 2, ninf); return err }, "confidence"},
		{"ChiSquare nil", func() error { _, err := ChiSquare(nil); return err }, "table"},
		{"ChiSquare one row", func() error { _, err := ChiSquare([][]int64{{1, 2}}); return err }, "table"},
		{"ChiSquare nil rows", func() error { _, err := ChiSquare([][]int64{nil, nil}); return err }, "table"},
		{"ChiSquare ragged", func() error { _, err := ChiSquare([][]int64{{1, 2}, {3}}); return err }, "table[1]"},
		{"ChiSquare negative", func() error { _, err := ChiSquare([][]int64{{1, 2}, {3, -4}}); return err }, "table[1][1]"},
		{"ChiSquare zeros", func() error { _, err := ChiSquare([][]int64{{0, 0}, {0, 0}}); return err }, "table"},
		{"ChiSquare one column used", func() error { _, err := ChiSquare([][]int64{{1, 0}, {2, 0}}); return err }, "table"},
		{"FunnelChiSquare nil", func() error { _, err := FunnelChiSquare(nil); return err }, "variants"},
		{"FunnelChiSquare one variant", func() error { _, err := FunnelChiSquare([][]int64{{2, 1}}); return err }, "variants"},
		{"FunnelChiSquare nil variants", func() error { _, err := FunnelChiSquare([][]int64{nil, nil}); return err }, "variants[0]"},
		{"FunnelChiSquare one step", func() error { _, err := FunnelChiSquare([][]int64{{2}, {3}}); return err }, "variants[0]"},
		{"FunnelChiSquare ragged", func() error { _, err := FunnelChiSquare([][]int64{{2, 1}, {3, 2, 1}}); return err }, "variants[1]"},
		{"FunnelChiSquare increasing", func() error { _, err := FunnelChiSquare([][]int64{{2, 1}, {3, 4}}); return err }, "variants[1]"},
		{"FunnelChiSquare negative", func() error { _, err := FunnelChiSquare([][]int64{{2, 1}, {math.MaxInt64, -1}}); return err }, "variants[1]"},
		{"FunnelChiSquare empty", func() error { _, err := FunnelChiSquare([][]int64{{0, 0}, {0, 0}}); return err }, "table"},
		{"SampleSize p1 0", func() error { _, err := SampleSize(0, 0.5, 0.05, 0.8); return err }, "p1"},
		{"SampleSize p1 NaN", func() error { _, err := SampleSize(nan, 0.5, 0.05, 0.8); return err }, "p1"},
		{"SampleSize p2 Inf", func() error { _, err := SampleSize(0.5, inf, 0.05, 0.8); return err }, "p2"},
		{"SampleSize equal rates", func() error { _, err := SampleSize(0.5, 0.5, 0.05, 0.8); return err }, "p2"},
		{"SampleSize rates too close", func() error {
			_, err := SampleSize(2*math.SmallestNonzeroFloat64, math.SmallestNonzeroFloat64, 0.05, 0.8)
			return err
		}, "p2"},
		{"SampleSize alpha NaN", func() error { _, err := SampleSize(0.1, 0.2, nan, 0.8); return err }, "alpha"},
		{"SampleSize alpha 1", func() error { _, err := SampleSize(0.1, 0.2, 1, 0.8); return err }, "alpha"},
		{"SampleSize power 0", func() error { _, err := SampleSize(0.1, 0.2, 0.05, 0); return err }, "power"},
		{"SampleSize power NaN", func() error { _, err := SampleSize(0.1, 0.2, 0.05, nan); return err }, "power"},
		{"Power n 0", func() error { _, err := Power(0, 0.1, 0.2, 0.05); return err }, "n"},
		{"Power n NaN", func() error { _, err := Power(nan, 0.1, 0.2, 0.05); return err }, "n"},
		{"Power n Inf", func() error { _, err := Power(inf, 0.1, 0.2, 0.05); return err }, "n"},
		{"Power p2 negative", func() error { _, err := Power(100, 0.1, -0.2, 0.05); return err }, "p2"},
		{"Power alpha -Inf", func() error { _, err := Power(100, 0.1, 0.2, ninf); return err }, "alpha"},
	} {
		refusal(t, tt.name, tt.call(), tt.field)
	}
}

func TestZeroSweepDistributions(t *testing.T) {
	for _, tt := range []struct {
		name      string
		got, want float64
	}{
		{"Φ(−Inf)", NormalCDF(ninf), 0},
		{"Φ(+Inf)", NormalCDF(inf), 1},
		{"Φ(NaN)", NormalCDF(nan), nan},
		{"1−Φ(−Inf)", NormalSF(ninf), 1},
		{"1−Φ(+Inf)", NormalSF(inf), 0},
		{"1−Φ(NaN)", NormalSF(nan), nan},
		{"Φ⁻¹(NaN)", NormalQuantile(nan), nan},
		{"Φ⁻¹(−0.1)", NormalQuantile(-0.1), nan},
		{"Φ⁻¹(Inf)", NormalQuantile(inf), nan},
		{"Φ⁻¹(0)", NormalQuantile(0), ninf},
		{"Φ⁻¹(1)", NormalQuantile(1), inf},
		{"χ² cdf at NaN", ChiSquareCDF(nan, 3), nan},
		{"χ² cdf at −Inf", ChiSquareCDF(ninf, 3), 0},
		{"χ² cdf at 0", ChiSquareCDF(0, 3), 0},
		{"χ² cdf at +Inf", ChiSquareCDF(inf, 3), 1},
		{"χ² cdf with 0 df", ChiSquareCDF(1, 0), nan},
		{"χ² cdf with negative df", ChiSquareCDF(1, math.MinInt), nan},
		{"χ² cdf with df above MaxDF", ChiSquareCDF(1, MaxDF+1), nan},
		{"χ² tail with the most df", ChiSquareSF(math.MaxInt, math.MaxInt), nan},
		{"χ² tail at NaN", ChiSquareSF(nan, 3), nan},
		{"χ² tail at −Inf", ChiSquareSF(ninf, 3), 1},
		{"χ² tail at 0", ChiSquareSF(0, 3), 1},
		{"χ² tail at +Inf", ChiSquareSF(inf, 3), 0},
		{"χ² tail with 0 df", ChiSquareSF(1, 0), nan},
		{"χ² tail at the largest float", ChiSquareSF(math.MaxFloat64, 1), 0},
		{"χ² cdf at the largest float", ChiSquareCDF(math.MaxFloat64, 1), 1},
		{"χ² tail at the smallest float", ChiSquareSF(math.SmallestNonzeroFloat64, 1), 1},
	} {
		if !(tt.got == tt.want || math.IsNaN(tt.got) && math.IsNaN(tt.want)) {
			t.Errorf("%s = %v, want %v", tt.name, tt.got, tt.want)
		}
	}
}

// Whatever numbers they are handed, the functions answer within their
// ranges or refuse with ErrInput and qun.ErrInvalid.
func TestPropertyAnyNumbers(t *testing.T) {
	float := rapid.OneOf(rapid.Float64(), rapid.Float64Range(0, 1), rapid.SampledFrom([]float64{nan, inf, ninf, 0, 1, -1, math.SmallestNonzeroFloat64, math.MaxFloat64}))
	count := rapid.OneOf(rapid.Int64(), rapid.Int64Range(-2, 1000), rapid.SampledFrom([]int64{0, math.MaxInt64, math.MinInt64}))
	in := func(x, lo, hi float64) bool { return x >= lo && x <= hi }
	rapid.Check(t, func(t *rapid.T) {
		check := func(what string, ok bool, err error) {
			if err != nil && (!errors.Is(err, ErrInput) || !errors.Is(err, qun.ErrInvalid)) {
				t.Fatalf("%s: error %v does not match ErrInput and qun.ErrInvalid", what, err)
			}
			if err == nil && !ok {
				t.Fatalf("%s: an answer out of range", what)
			}
		}
		x1, n1, x2, n2 := count.Draw(t, "x1"), count.Draw(t, "n1"), count.Draw(t, "x2"), count.Draw(t, "n2")
		p1, p2, a, b := float.Draw(t, "p1"), float.Draw(t, "p2"), float.Draw(t, "a"), float.Draw(t, "b")
		iv, err := Wilson(x1, n1, a)
		check("Wilson", in(iv.Lo, 0, 1) && in(iv.Hi, iv.Lo, 1), err)
		tp, err := TwoProportionZ(x1, n1, x2, n2, a)
		check("TwoProportionZ", in(tp.P, 0, 1) && in(tp.CI.Lo, -1, 1) && in(tp.CI.Hi, tp.CI.Lo, 1) && !math.IsNaN(tp.Z), err)
		cs, err := ChiSquare([][]int64{{x1, n1}, {x2, n2}})
		check("ChiSquare", cs.Stat >= 0 && cs.DF == 1 && in(cs.P, 0, 1), err)
		cs, err = FunnelChiSquare([][]int64{{n1, x1}, {n2, x2}})
		check("FunnelChiSquare", cs.Stat >= 0 && cs.DF == 1 && in(cs.P, 0, 1), err)
		n, err := SampleSize(p1, p2, a, b)
		check("SampleSize", n > 0 && !math.IsInf(n, 0), err)
		pw, err := Power(math.Abs(b)*1e6, p1, p2, a)
		check("Power", in(pw, 0, 1), err)
		df := int(count.Draw(t, "df") % 1000)
		for _, p := range []float64{ChiSquareCDF(p1, df), ChiSquareSF(p1, df)} {
			if !in(p, 0, 1) && !(math.IsNaN(p) && (math.IsNaN(p1) || df < 1)) {
				t.Fatalf("χ²(%d) at %v: %v", df, p1, p)
			}
		}
	})
}

// Up to MaxDF the chi-square functions stay within 1e-7 of the
// Wilson–Hilferty approximation, itself within about 1e-8 at a million
// degrees of freedom and more: the series and the continued fraction run
// long enough however many degrees of freedom (with a fixed 10,000 steps,
// the tail at MaxDF was off by 3e-4).
func TestChiSquareLargeDF(t *testing.T) {
	for _, df := range []int{1 << 20, 1 << 22, MaxDF} {
		k := float64(df)
		wh := func(x float64) float64 {
			return NormalSF((math.Cbrt(x/k) - (1 - 2/(9*k))) / math.Sqrt(2/(9*k)))
		}
		for _, f := range []float64{0.999, 1, 1.001} {
			x := k * f
			near(t, "χ² tail", ChiSquareSF(x, df), wh(x), 1e-7)
			near(t, "χ² cdf", ChiSquareCDF(x, df), 1-wh(x), 1e-7)
		}
	}
}
