package scoring_test

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/qunkit/qun"
	"github.com/qunkit/qun/scoring"
	"pgregory.net/rapid"
)

func genChurnModel(t *rapid.T) *scoring.Churn {
	m := scoring.DefaultChurnModel()
	m.Intercept = rapid.Float64Range(-50, 50).Draw(t, "intercept")
	m.Recency = rapid.Float64Range(0, 10).Draw(t, "recency")
	m.Trend = rapid.Float64Range(-10, 10).Draw(t, "trend")
	m.Slope = rapid.Float64Range(-10, 10).Draw(t, "slope")
	c, err := m.Compile()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func genFeatures(t *rapid.T) scoring.ChurnFeatures {
	f := rapid.OneOf(rapid.Float64(), rapid.Float64Range(-100, 1000))
	return scoring.ChurnFeatures{Recency: f.Draw(t, "recency"), Trend: f.Draw(t, "trend"), Slope: f.Draw(t, "slope")}
}

// Churn risk stays in [0, 1], for any features, and rises (never falls)
// as recency grows with all else fixed.
func TestChurnRiskProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := genChurnModel(t)
		f := genFeatures(t)
		risk, factors := c.Risk(f)
		if !(risk >= 0 && risk <= 1) {
			t.Fatalf("Risk(%+v) = %v", f, risk)
		}
		if len(factors) != 3 || factors[0].Effect < factors[1].Effect || factors[1].Effect < factors[2].Effect {
			t.Fatalf("factors not in order of effect: %+v", factors)
		}
		later := f
		later.Recency += rapid.Float64Range(0, 1000).Draw(t, "more days")
		if riskLater, _ := c.Risk(later); riskLater < risk {
			t.Fatalf("risk fell from %v to %v as recency grew from %v to %v", risk, riskLater, f.Recency, later.Recency)
		}
	})
}

func TestChurnFeatures(t *testing.T) {
	m := scoring.DefaultChurnModel()
	m.Calendar = qun.Calendar{Zone: shanghai, WeekStart: time.Monday}
	m.Activity = []qun.EventFilter{{Name: "post"}, {Name: "check_in"}}
	c, err := m.Compile()
	if err != nil {
		t.Fatal(err)
	}
	loc := shanghai.Location()
	now := time.Date(2026, 11, 22, 21, 0, 0, 0, loc)
	at := func(daysAgo int) time.Time { return now.AddDate(0, 0, -daysAgo).Add(-time.Hour) }
	var events []qun.Event
	// "steady" checks in every day for a year and posted an hour ago.
	for d := range 365 {
		events = append(events, ev("steady", "check_in", at(d)))
	}
	// "fading" was active every day of the baseline, then stopped ten
	// days ago; views do not count as activity.
	for d := 10; d < 98; d++ {
		events = append(events, ev("fading", "post", at(d)))
	}
	events = append(events, ev("fading", "view", at(0)), ev("ghost", "view", at(0)))
	features := c.Features(slices.Values(events), now)
	if _, ok := features["ghost"]; ok {
		t.Error("a member without activity has features")
	}
	steady := features["steady"]
	if diff := gocmp.Diff(scoring.ChurnFeatures{Recency: 1.0 / 24, Trend: 0, Slope: 0}, steady, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
		t.Errorf("steady (-want +got):\n%s", diff)
	}
	fading := features["fading"]
	// Recent: 4 active days of 14; baseline: 84 of 84.
	wantTrend := math.Log2((4.0/14 + 1.0/28) / (1 + 1.0/28))
	// Weeks (oldest first): 7,7,7,7,7,7 active days, then 4 (days 13..7)
	// and 0 (days 6..0).
	wantSlope := leastSquares([]float64{7, 7, 7, 7, 7, 7, 4, 0}) / 7
	if diff := gocmp.Diff(scoring.ChurnFeatures{Recency: 10 + 1.0/24, Trend: wantTrend, Slope: wantSlope}, fading, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
		t.Errorf("fading (-want +got):\n%s", diff)
	}
	assessed := c.Assess(slices.Values(events), now)
	// Ten days away from a daily habit: the fall in frequency weighs
	// most, then the absence itself.
	if len(assessed) != 2 || assessed[0].Member != "fading" || assessed[0].Factors[0].Name != "trend" || assessed[0].Factors[1].Name != "recency" {
		t.Errorf("Assess: %+v", assessed)
	}
	if assessed[1].Risk > 0.1 || assessed[0].Risk < 0.5 {
		t.Errorf("risks: steady %v, fading %v", assessed[1].Risk, assessed[0].Risk)
	}
}

func leastSquares(ys []float64) float64 {
	n := float64(len(ys))
	var sx, sy, sxy, sxx float64
	for i, y := range ys {
		x := float64(i)
		sx, sy, sxy, sxx = sx+x, sy+y, sxy+x*y, sxx+x*x
	}
	return (n*sxy - sx*sy) / (n*sxx - sx*sx)
}

// synthetic draws n rows of three features and outcomes from a known
// logistic model.
func synthetic(n int, truth scoring.Logistic) ([][]float64, []bool) {
	rng := rand.New(rand.NewPCG(7, 11))
	x := make([][]float64, n)
	y := make([]bool, n)
	for i := range n {
		x[i] = []float64{rng.Float64() * 60, rng.NormFloat64() * 2, rng.NormFloat64() * 0.3}
		y[i] = rng.Float64() < truth.Predict(x[i])
	}
	return x, y
}

// The fit recovers the model that generated the data, is deterministic,
// and is calibrated on it.
func TestFitLogisticRecovers(t *testing.T) {
	truth := scoring.Logistic{Intercept: -2.5, Coefficients: []float64{0.12, -0.8, -2}}
	x, y := synthetic(20000, truth)
	got, report, err := scoring.FitLogistic(x, y, scoring.FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !report.Converged || report.Iterations > 20 {
		t.Errorf("report: %+v", report)
	}
	if math.Abs(got.Intercept-truth.Intercept) > 0.15 {
		t.Errorf("intercept %v, want about %v", got.Intercept, truth.Intercept)
	}
	for j, want := range truth.Coefficients {
		if math.Abs(got.Coefficients[j]-want) > 0.1*math.Abs(want)+0.02 {
			t.Errorf("coefficient %d = %v, want about %v", j, got.Coefficients[j], want)
		}
	}
	again, _, _ := scoring.FitLogistic(x, y, scoring.FitOptions{})
	if diff := gocmp.Diff(got, again); diff != "" {
		t.Errorf("fit is not deterministic (-first +second):\n%s", diff)
	}
	if len(report.Calibration) != 10 {
		t.Fatalf("calibration has %d bins", len(report.Calibration))
	}
	for i, b := range report.Calibration {
		if b.Count != 2000 || math.Abs(b.Predicted-b.Observed) > 0.05 {
			t.Errorf("decile %d: %+v", i, b)
		}
	}
}

// The fitted coefficients minimise the penalised objective: nudging any
// of them in the standardised space the penalty is measured in raises it.
func TestFitLogisticIsOptimal(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(4, 40).Draw(t, "n")
		x := make([][]float64, n)
		y := make([]bool, n)
		for i := range n {
			x[i] = []float64{rapid.Float64Range(-5, 5).Draw(t, "x0"), rapid.Float64Range(0, 100).Draw(t, "x1")}
			y[i] = i%2 == 0 || rapid.Bool().Draw(t, "y")
		}
		y[n-1] = false
		c := rapid.Float64Range(0.01, 100).Draw(t, "C")
		l, report, err := scoring.FitLogistic(x, y, scoring.FitOptions{C: c})
		if err != nil {
			t.Fatal(err)
		}
		if !report.Converged {
			t.Skip("did not converge") // separable data with a weak penalty
		}
		sd := make([]float64, 2)
		for j := range 2 {
			var m, v float64
			for i := range n {
				m += x[i][j]
			}
			m /= float64(n)
			for i := range n {
				v += (x[i][j] - m) * (x[i][j] - m)
			}
			sd[j] = math.Sqrt(v / float64(n))
		}
		objective := func(l scoring.Logistic) float64 {
			total := 0.0
			for i := range n {
				p := l.Predict(x[i])
				if y[i] {
					total -= math.Log(p)
				} else {
					total -= math.Log(1 - p)
				}
			}
			for j, b := range l.Coefficients {
				total += (b * sd[j]) * (b * sd[j]) / (2 * c)
			}
			return total
		}
		best := objective(l)
		for j := -1; j < 2; j++ {
			for _, h := range []float64{1e-3, -1e-3} {
				nudged := scoring.Logistic{Intercept: l.Intercept, Coefficients: slices.Clone(l.Coefficients)}
				if j < 0 {
					nudged.Intercept += h
				} else if sd[j] > 0 {
					nudged.Coefficients[j] += h / sd[j]
				}
				if v := objective(nudged); v < best-1e-9*math.Max(1, best) {
					t.Fatalf("nudging %d by %v lowers the objective from %v to %v", j, h, best, v)
				}
			}
		}
	})
}

func TestFitLogisticRefuses(t *testing.T) {
	for _, tc := range []struct {
		name string
		x    [][]float64
		y    []bool
		opts scoring.FitOptions
	}{
		{"no rows", nil, nil, scoring.FitOptions{}},
		{"one outcome", [][]float64{{1}, {2}}, []bool{true, true}, scoring.FitOptions{}},
		{"lengths", [][]float64{{1}, {2}}, []bool{true}, scoring.FitOptions{}},
		{"ragged", [][]float64{{1}, {2, 3}}, []bool{true, false}, scoring.FitOptions{}},
		{"NaN", [][]float64{{1}, {math.NaN()}}, []bool{true, false}, scoring.FitOptions{}},
		{"options", [][]float64{{1}, {2}}, []bool{true, false}, scoring.FitOptions{C: -1}},
	} {
		if _, _, err := scoring.FitLogistic(tc.x, tc.y, tc.opts); !errors.Is(err, qun.ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", tc.name, err)
		}
	}
}

func TestChurnModelFit(t *testing.T) {
	truth := scoring.Logistic{Intercept: -2.5, Coefficients: []float64{0.12, -0.8, -2}}
	x, y := synthetic(5000, truth)
	samples := make([]scoring.ChurnSample, len(x))
	for i := range x {
		samples[i] = scoring.ChurnSample{Features: scoring.ChurnFeatures{Recency: x[i][0], Trend: x[i][1], Slope: x[i][2]}, Churned: y[i]}
	}
	m, report, err := scoring.DefaultChurnModel().Fit(samples, scoring.FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if m.Weeks != 8 || math.Abs(m.Recency-0.12) > 0.03 || !report.Converged {
		t.Errorf("fitted %+v, report %+v", m, report)
	}
	// History in which the absent stay: a negative recency coefficient.
	for i := range samples {
		samples[i].Churned = samples[i].Features.Recency < 20
	}
	if _, _, err := scoring.DefaultChurnModel().Fit(samples, scoring.FitOptions{}); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("implausible history: %v", err)
	}
}

func TestCalibrate(t *testing.T) {
	predicted := []float64{0.9, 0.1, 0.5, 0.3, 0.7, 0.2, 0.8}
	observed := []bool{true, false, true, false, true, false, false}
	got := scoring.Calibrate(predicted, observed, 3)
	want := []scoring.Bin{
		{Count: 3, Low: 0.1, High: 0.3, Predicted: 0.2, Observed: 0},
		{Count: 2, Low: 0.5, High: 0.7, Predicted: 0.6, Observed: 1},
		{Count: 2, Low: 0.8, High: 0.9, Predicted: 0.85, Observed: 0.5},
	}
	if diff := gocmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
		t.Errorf("Calibrate (-want +got):\n%s", diff)
	}
	if got := scoring.Calibrate(predicted[:2], observed[:2], 0); len(got) != 2 {
		t.Errorf("two predictions in ten bins: %+v", got)
	}
	if got := scoring.Calibrate(nil, nil, 10); got != nil {
		t.Errorf("no predictions: %+v", got)
	}
}

func TestChurnModelValidate(t *testing.T) {
	m := scoring.DefaultChurnModel()
	m.Recent, m.Baseline, m.Weeks, m.Recency, m.Trend = qun.Duration(time.Hour), 0, 0, -1, math.Inf(1)
	want := []string{"recent", "baseline", "weeks", "trend", "recency"}
	if diff := gocmp.Diff(want, fields(m.Validate())); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
	data, _ := json.Marshal(scoring.DefaultChurnModel())
	var back scoring.ChurnModel
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if diff := gocmp.Diff(scoring.DefaultChurnModel(), back, gocmp.Comparer(func(a, b qun.Zone) bool { return a.Equal(b) })); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

func FuzzChurnModelJSON(f *testing.F) {
	data, _ := json.Marshal(scoring.DefaultChurnModel())
	f.Add(data)
	f.Add([]byte(`{"calendar":{"zone":"Asia/Shanghai","week_start":"monday"},"recent":"14d","baseline":"84d","weeks":8,"recency":-1}`))
	f.Add([]byte(`{"recent":"1h","baseline":"84d","weeks":8,"activity":[{"name":""}]}`))
	fuzzConfig[scoring.ChurnModel](f)
}

func FuzzFitOptionsJSON(f *testing.F) {
	f.Add([]byte(`{"c":0.5,"max_iterations":20,"tolerance":1e-8}`))
	f.Add([]byte(`{"c":-1}`))
	fuzzConfig[scoring.FitOptions](f)
}
