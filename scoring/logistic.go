package scoring

import (
	"errors"
	"math"
	"strconv"

	"github.com/qunkit/qun"
)

// Logistic is a logistic regression model: the probability of an outcome
// is σ(Intercept + Σ Coefficients[j]·x[j]), where σ(z) = 1/(1+e^−z). It is
// the interpretable form behind churn risk: each coefficient is the change
// in log-odds per unit of its feature.
type Logistic struct {
	// Intercept is the log-odds when every feature is zero.
	Intercept float64 `json:"intercept"`
	// Coefficients holds the change in log-odds per unit of each feature.
	Coefficients []float64 `json:"coefficients"`
}

// LogOdds returns Intercept + Σ Coefficients[j]·x[j], over the features
// both have.
func (l Logistic) LogOdds(x []float64) float64 {
	z := l.Intercept
	for j := range min(len(x), len(l.Coefficients)) {
		z += l.Coefficients[j] * x[j]
	}
	return z
}

// Predict returns the probability of the outcome for the features x.
func (l Logistic) Predict(x []float64) float64 { return sigmoid(l.LogOdds(x)) }

// sigmoid is 1/(1+e^−z), computed without overflow; it stays in [0, 1].
func sigmoid(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

// softplus is log(1+e^z), computed without overflow.
func softplus(z float64) float64 {
	if z > 0 {
		return z + math.Log1p(math.Exp(-z))
	}
	return math.Log1p(math.Exp(z))
}

// FitOptions control [FitLogistic]. The zero value fits as scikit-learn's
// LogisticRegression does by default (C = 1), on standardised features.
type FitOptions struct {
	// C is the inverse strength of the L2 penalty, as in scikit-learn: the
	// fit minimises Σ log-loss + ‖β‖²/(2C) over the coefficients β of the
	// standardised features (the intercept is not penalised). Zero means
	// 1.
	C float64 `json:"c,omitempty"`
	// MaxIterations caps the Newton steps; zero means 100. It is at most
	// MaxFitIterations.
	MaxIterations int `json:"max_iterations,omitempty"`
	// Tolerance ends the fit once no standardised coefficient moves by
	// more than it in a step; zero means 1e-10.
	Tolerance float64 `json:"tolerance,omitempty"`
}

// MaxFitIterations bounds FitOptions.MaxIterations. Newton's method
// converges in tens of steps; a tolerance finer than float64 resolves is
// never met, and the cap keeps such a fit from running for ever.
const MaxFitIterations = 10_000

// Validate reports whether the options are finite and not negative, with
// at most [MaxFitIterations] iterations.
func (o FitOptions) Validate() error {
	var errs []error
	if !finite(o.C) || o.C < 0 {
		errs = append(errs, qun.Invalid("c", "must be a positive number, or zero for 1"))
	}
	if o.MaxIterations < 0 || o.MaxIterations > MaxFitIterations {
		errs = append(errs, qun.Invalid("max_iterations", "must be 0 to %d", MaxFitIterations))
	}
	if !finite(o.Tolerance) || o.Tolerance < 0 {
		errs = append(errs, qun.Invalid("tolerance", "must be a positive number, or zero for 1e-10"))
	}
	return errors.Join(errs...)
}

// UnmarshalJSON reads options from JSON strictly.
func (o *FitOptions) UnmarshalJSON(data []byte) error {
	type plain FitOptions
	var v plain
	if isNull(data) {
		return nil
	}
	if err := qun.UnmarshalStrict(data, &v); err != nil {
		return err
	}
	if err := FitOptions(v).Validate(); err != nil {
		return err
	}
	*o = FitOptions(v)
	return nil
}

func (o FitOptions) withDefaults() FitOptions {
	if o.C == 0 {
		o.C = 1
	}
	if o.MaxIterations == 0 {
		o.MaxIterations = 100
	}
	if o.Tolerance == 0 {
		o.Tolerance = 1e-10
	}
	return o
}

// FitReport tells how a fit went and how well the fitted model is
// calibrated on the data it was fitted to.
type FitReport struct {
	// Iterations is the number of Newton steps taken.
	Iterations int `json:"iterations"`
	// Converged reports whether the steps fell below the tolerance before
	// the iteration cap.
	Converged bool `json:"converged"`
	// LogLoss is the mean log-loss of the fitted model, without the
	// penalty.
	LogLoss float64 `json:"log_loss"`
	// Brier is the mean squared error of its predictions.
	Brier float64 `json:"brier"`
	// Calibration compares predicted and observed rates by decile of
	// prediction (see [Calibrate]).
	Calibration []Bin `json:"calibration"`
}

// FitLogistic fits a [Logistic] model to the rows of x and their outcomes
// y, deterministically: the same data gives the same model, bit for bit.
//
// It standardises each feature (mean 0, standard deviation 1; a constant
// feature gets coefficient 0), minimises the L2-penalised log-loss of
// [FitOptions] by Newton's method (iteratively reweighted least squares,
// with step halving whenever a step would not lower the objective), and
// returns the coefficients in the features' own units. The objective is
// scikit-learn's for LogisticRegression(C=C) applied after StandardScaler;
// Newton's method reaches its minimum in a handful of steps where
// scikit-learn's default L-BFGS takes dozens.
//
// x must have at least one row, all rows the same number of finite
// features, and y both outcomes.
func FitLogistic(x [][]float64, y []bool, opts FitOptions) (Logistic, FitReport, error) {
	if err := validateFit(x, y, opts); err != nil {
		return Logistic{}, FitReport{}, err
	}
	opts = opts.withDefaults()
	n, d := len(x), len(x[0])
	lambda := 1 / opts.C

	// Standardise.
	mean, sd := make([]float64, d), make([]float64, d)
	for j := range d {
		for i := range n {
			mean[j] += x[i][j]
		}
		mean[j] /= float64(n)
		for i := range n {
			dev := x[i][j] - mean[j]
			sd[j] += dev * dev
		}
		sd[j] = math.Sqrt(sd[j] / float64(n))
	}
	z := make([][]float64, n) // rows with a leading 1 for the intercept
	for i := range n {
		z[i] = make([]float64, d+1)
		z[i][0] = 1
		for j := range d {
			if sd[j] > 0 {
				z[i][j+1] = (x[i][j] - mean[j]) / sd[j]
			}
		}
	}

	// Start from the base rate.
	positives := 0
	for _, yi := range y {
		if yi {
			positives++
		}
	}
	rate := float64(positives) / float64(n)
	beta := make([]float64, d+1)
	beta[0] = math.Log(rate / (1 - rate))

	objective := func(b []float64) float64 {
		loss := 0.0
		for i := range n {
			eta := dot(z[i], b)
			loss += softplus(eta)
			if y[i] {
				loss -= eta
			}
		}
		for j := 1; j <= d; j++ {
			loss += lambda * b[j] * b[j] / 2
		}
		return loss
	}

	var report FitReport
	grad, hess := make([]float64, d+1), make([][]float64, d+1)
	for j := range hess {
		hess[j] = make([]float64, d+1)
	}
	next := make([]float64, d+1)
	current := objective(beta)
	for report.Iterations < opts.MaxIterations {
		report.Iterations++
		clear(grad)
		for j := range hess {
			clear(hess[j])
		}
		for i := range n {
			p := sigmoid(dot(z[i], beta))
			r := p
			if y[i] {
				r = p - 1
			}
			w := p * (1 - p)
			for j, zj := range z[i] {
				grad[j] += r * zj
				for k := 0; k <= j; k++ {
					hess[j][k] += w * zj * z[i][k]
				}
			}
		}
		for j := 1; j <= d; j++ {
			grad[j] += lambda * beta[j]
			hess[j][j] += lambda
		}
		step, ok := solveSPD(hess, grad)
		if !ok {
			break
		}
		// Halve the step until the objective does not rise.
		t := 1.0
		for {
			for j := range beta {
				next[j] = beta[j] - t*step[j]
			}
			if v := objective(next); v <= current || t < 1e-12 {
				current = v
				break
			}
			t /= 2
		}
		moved := 0.0
		for j := range beta {
			moved = math.Max(moved, math.Abs(next[j]-beta[j]))
		}
		copy(beta, next)
		if moved < opts.Tolerance {
			report.Converged = true
			break
		}
	}

	// Back to the features' own units.
	model := Logistic{Intercept: beta[0], Coefficients: make([]float64, d)}
	for j := range d {
		if sd[j] > 0 {
			model.Coefficients[j] = beta[j+1] / sd[j]
			model.Intercept -= beta[j+1] * mean[j] / sd[j]
		}
	}
	predicted := make([]float64, n)
	for i := range n {
		eta := model.LogOdds(x[i])
		predicted[i] = sigmoid(eta)
		report.LogLoss += softplus(eta)
		if y[i] {
			report.LogLoss -= eta
			report.Brier += (1 - predicted[i]) * (1 - predicted[i])
		} else {
			report.Brier += predicted[i] * predicted[i]
		}
	}
	report.LogLoss /= float64(n)
	report.Brier /= float64(n)
	report.Calibration = Calibrate(predicted, y, 10)
	return model, report, nil
}

func validateFit(x [][]float64, y []bool, opts FitOptions) error {
	if err := opts.Validate(); err != nil {
		return qun.Within("options", err)
	}
	switch {
	case len(x) == 0:
		return qun.Invalid("x", "must have at least one row")
	case len(y) != len(x):
		return qun.Invalid("y", "has %d outcomes for %d rows", len(y), len(x))
	}
	d := len(x[0])
	for i, row := range x {
		if len(row) != d {
			return qun.Invalid("x["+strconv.Itoa(i)+"]", "has %d features, row 0 has %d", len(row), d)
		}
		for j, v := range row {
			if !finite(v) {
				return qun.Invalid("x["+strconv.Itoa(i)+"]["+strconv.Itoa(j)+"]", "must be a finite number")
			}
		}
	}
	positives := 0
	for _, yi := range y {
		if yi {
			positives++
		}
	}
	if positives == 0 || positives == len(y) {
		return qun.Invalid("y", "must hold both outcomes: a model cannot be fitted to one")
	}
	return nil
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// solveSPD solves H s = g for a symmetric positive definite H, given by
// its lower triangle, by Cholesky decomposition; ok is false if H is not
// positive definite.
func solveSPD(h [][]float64, g []float64) (s []float64, ok bool) {
	n := len(g)
	l := make([][]float64, n)
	for i := range n {
		l[i] = make([]float64, n)
		for j := 0; j <= i; j++ {
			sum := h[i][j]
			for k := range j {
				sum -= l[i][k] * l[j][k]
			}
			if i == j {
				if sum <= 0 || !finite(sum) {
					return nil, false
				}
				l[i][i] = math.Sqrt(sum)
			} else {
				l[i][j] = sum / l[j][j]
			}
		}
	}
	// L u = g, then Lᵀ s = u.
	u := make([]float64, n)
	for i := range n {
		sum := g[i]
		for k := range i {
			sum -= l[i][k] * u[k]
		}
		u[i] = sum / l[i][i]
	}
	s = make([]float64, n)
	for i := n - 1; i >= 0; i-- {
		sum := u[i]
		for k := i + 1; k < n; k++ {
			sum -= l[k][i] * s[k]
		}
		s[i] = sum / l[i][i]
	}
	return s, true
}
