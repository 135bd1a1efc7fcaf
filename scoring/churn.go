package scoring

import (
	"cmp"
	"errors"
	"iter"
	"maps"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/qunkit/qun"
)

// ChurnModel estimates how likely a member is to churn (流失): stop coming
// back. It is an interpretable logistic model of three features of the
// member's activity, each measured against the member's own history, as
// Orbit's presence gauge reads a member against their own baseline
// (github.com/orbit-love/orbit-model, pages/love.mdx):
//
//   - recency: days since the member's last activity;
//   - trend: how the member's frequency of active days in the recent
//     window compares with their own baseline before it, as log2 of the
//     ratio of the two rates (−1: half as often as usual; 0: as usual);
//   - slope: the least-squares slope of the member's active days per week
//     over the last Weeks weeks, as a share of the week per week (−1/7:
//     one active day fewer each week).
//
// Risk = σ(Intercept + Recency·recency + Trend·trend + Slope·slope), in [0,
// 1]. The coefficients are the host's: [DefaultChurnModel] gives a
// documented starting point, and [ChurnModel.Fit] fits them to the
// community's own history. Recency must not be negative, so that a longer
// absence never lowers the risk.
//
// Its JSON form is
//
//	{"calendar":{"zone":"Asia/Shanghai","week_start":"monday"},"activity":[{"name":"post"},{"name":"check_in"}],
//	 "recent":"14d","baseline":"84d","weeks":8,"intercept":-2.5,"recency":0.12,"trend":-0.8,"slope":-2}
type ChurnModel struct {
	// Calendar is the community's calendar, whose local days are the
	// days a member is active on.
	Calendar qun.Calendar `json:"calendar"`
	// Activity selects the events that count as activity; empty, every
	// event does.
	Activity []qun.EventFilter `json:"activity,omitempty"`
	// Recent is the recent window, in whole days, whose rate of active
	// days the trend compares with the baseline's.
	Recent qun.Duration `json:"recent"`
	// Baseline is the window before Recent, in whole days: the member's
	// usual pace.
	Baseline qun.Duration `json:"baseline"`
	// Weeks is the number of weeks the slope is fitted over.
	Weeks int `json:"weeks"`
	// Intercept is the log-odds of churn of a member active today at
	// their usual, steady pace.
	Intercept float64 `json:"intercept"`
	// Recency is the log-odds each day of absence adds; it must not be
	// negative.
	Recency float64 `json:"recency"`
	// Trend is the log-odds per doubling of the member's recent frequency
	// over their baseline (negative: coming more often lowers the risk).
	Trend float64 `json:"trend"`
	// Slope is the log-odds per unit of weekly slope of the share of
	// active days (negative: a rising habit lowers the risk).
	Slope float64 `json:"slope"`
}

// DefaultChurnModel returns a model with windows and coefficients chosen
// by hand as a starting point, with weeks beginning on Monday in UTC: a
// member active today at their usual, steady pace has a risk of 8%
// (σ(−2.5)); each day of absence adds 0.12 to the log-odds (thirty days,
// 3.6); each halving of their usual frequency adds 0.8; losing one active
// day a week, week after week, adds 2/7. They are not fitted to any data:
// fit your own with [ChurnModel.Fit].
func DefaultChurnModel() ChurnModel {
	return ChurnModel{
		Calendar:  qun.Calendar{WeekStart: time.Monday},
		Recent:    qun.Days(14),
		Baseline:  qun.Days(84),
		Weeks:     8,
		Intercept: -2.5,
		Recency:   0.12,
		Trend:     -0.8,
		Slope:     -2,
	}
}

// Validate reports every problem with m, joined: a valid calendar and
// activity filters, windows of whole days (at least one), 1 to 520 weeks,
// finite coefficients and a Recency coefficient that is not negative.
func (m ChurnModel) Validate() error {
	var errs []error
	errs = append(errs, qun.Within("calendar", m.Calendar.Validate()))
	for i, f := range m.Activity {
		errs = append(errs, qun.Within("activity["+strconv.Itoa(i)+"]", f.Validate()))
	}
	const dayLen = qun.Duration(24 * time.Hour)
	for _, w := range []struct {
		name string
		d    qun.Duration
	}{{"recent", m.Recent}, {"baseline", m.Baseline}} {
		if w.d < dayLen || w.d%dayLen != 0 || w.d > qun.Days(3660) {
			errs = append(errs, qun.Invalid(w.name, "must be a whole number of days, 1d to 3660d"))
		}
	}
	if m.Weeks < 1 || m.Weeks > 520 {
		errs = append(errs, qun.Invalid("weeks", "must be 1 to 520"))
	}
	for _, c := range []struct {
		name string
		v    float64
	}{{"intercept", m.Intercept}, {"recency", m.Recency}, {"trend", m.Trend}, {"slope", m.Slope}} {
		if !finite(c.v) {
			errs = append(errs, qun.Invalid(c.name, "must be a finite number"))
		}
	}
	if m.Recency < 0 {
		errs = append(errs, qun.Invalid("recency", "must not be negative: a longer absence cannot lower churn risk"))
	}
	return errors.Join(errs...)
}

// UnmarshalJSON reads a model from JSON strictly: unknown fields and
// invalid models are refused with errors that match [qun.ErrInvalid].
func (m *ChurnModel) UnmarshalJSON(data []byte) error {
	type plain ChurnModel
	var v plain
	if isNull(data) {
		return nil
	}
	if err := qun.UnmarshalStrict(data, &v); err != nil {
		return err
	}
	if err := ChurnModel(v).Validate(); err != nil {
		return err
	}
	*m = ChurnModel(v)
	return nil
}

// ChurnFeatures are the features of one member's activity at an instant.
type ChurnFeatures struct {
	// Recency is the number of days (fractional) since the member's last
	// activity.
	Recency float64 `json:"recency"`
	// Trend is log2 of the member's recent rate of active days over their
	// baseline rate.
	Trend float64 `json:"trend"`
	// Slope is the weekly change of the share of active days in a week.
	Slope float64 `json:"slope"`
}

// Factor is one feature's part in a member's churn risk: its value and the
// log-odds it adds (its coefficient times its value; a member active today
// at their usual, steady pace has every effect zero).
type Factor struct {
	// Name is the feature's: "recency", "trend" or "slope".
	Name string `json:"name"`
	// Value is the feature's value.
	Value float64 `json:"value"`
	// Effect is the log-odds it adds to the risk.
	Effect float64 `json:"effect"`
}

// Churn is a compiled [ChurnModel]. It is safe for concurrent use.
// The zero Churn, not made with [ChurnModel.Compile], measures no one.
type Churn struct {
	model                 ChurnModel
	byName                map[string][]qun.EventFilter
	recent, baseline, all int // days
}

// Compile validates m and compiles it.
func (m ChurnModel) Compile() (*Churn, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	c := &Churn{model: m, byName: make(map[string][]qun.EventFilter)}
	c.model.Activity = slices.Clone(m.Activity)
	for _, f := range m.Activity {
		c.byName[f.Name] = append(c.byName[f.Name], f)
	}
	c.recent = int(time.Duration(m.Recent) / (24 * time.Hour))
	c.baseline = int(time.Duration(m.Baseline) / (24 * time.Hour))
	c.all = max(c.recent+c.baseline, 7*m.Weeks)
	return c, nil
}

// Model returns the model c was compiled from.
func (c *Churn) Model() ChurnModel {
	m := c.model
	m.Activity = slices.Clone(m.Activity)
	return m
}

// Risk returns the churn risk of a member with the features f, in [0, 1],
// and the factors behind it, the one that raises the risk most first. A
// feature that is NaN is read as 0, its steady value. A zero Churn, not
// made with [ChurnModel.Compile], has an intercept and coefficients of
// zero: every risk is 0.5, with no effects.
func (c *Churn) Risk(f ChurnFeatures) (float64, []Factor) {
	m := c.model
	factors := []Factor{
		{Name: "recency", Value: f.Recency, Effect: effect(m.Recency, f.Recency)},
		{Name: "trend", Value: f.Trend, Effect: effect(m.Trend, f.Trend)},
		{Name: "slope", Value: f.Slope, Effect: effect(m.Slope, f.Slope)},
	}
	z := m.Intercept
	for _, fa := range factors {
		z += fa.Effect
	}
	slices.SortStableFunc(factors, func(a, b Factor) int { return cmp.Compare(b.Effect, a.Effect) })
	if math.IsNaN(z) { // +Inf and −Inf effects together
		z = math.Inf(1)
	}
	return sigmoid(z), factors
}

// effect is coef·x, with NaN read as 0 and 0·∞ as 0.
func effect(coef, x float64) float64 {
	if math.IsNaN(x) || coef == 0 || x == 0 {
		return 0
	}
	return coef * x
}

// Assessment is one member's churn risk at an instant, with the features
// and factors behind it.
type Assessment struct {
	// Member is who was assessed.
	Member qun.MemberID `json:"member"`
	// Risk is the churn risk, in [0, 1].
	Risk float64 `json:"risk"`
	// Features are the member's measured features.
	Features ChurnFeatures `json:"features"`
	// Factors are the features' effects, the largest first.
	Factors []Factor `json:"factors"`
}

// Assess measures the churn risk of every member with activity at or
// before now, the highest risk first (and by member ID among equals). Like
// [Churn.Features], it assesses no one from a nil events or with a zero
// Churn.
func (c *Churn) Assess(events iter.Seq[qun.Event], now time.Time) []Assessment {
	features := c.Features(events, now)
	out := make([]Assessment, 0, len(features))
	for _, member := range slices.Sorted(maps.Keys(features)) {
		f := features[member]
		risk, factors := c.Risk(f)
		out = append(out, Assessment{Member: member, Risk: risk, Features: f, Factors: factors})
	}
	slices.SortStableFunc(out, func(a, b Assessment) int { return cmp.Compare(b.Risk, a.Risk) })
	return out
}

// Features measures the features of every member with activity at or
// before now. Hosts that fit their own coefficients measure them at a past
// instant and label each member by whether they churned after it.
//
// A nil events holds no activity. A zero Churn, not made with
// [ChurnModel.Compile], has no windows to measure in: it measures no one,
// and returns nil.
func (c *Churn) Features(events iter.Seq[qun.Event], now time.Time) map[qun.MemberID]ChurnFeatures {
	if events == nil || c.all == 0 {
		return nil
	}
	loc := c.model.Calendar.Location()
	nowN, _ := nanos(now)
	clock := newDayClock(loc)
	today := clock.day(nowN)
	first := today - int64(c.all) + 1
	words := (c.all + 63) / 64
	type activity struct {
		last time.Time
		days []uint64 // bit d: active on day first+d
	}
	acts := make(map[qun.MemberID]*activity)
	for e := range events {
		if e.Time.After(now) || !c.isActivity(e) {
			continue
		}
		a := acts[e.Member]
		if a == nil {
			a = &activity{last: e.Time, days: make([]uint64, words)}
			acts[e.Member] = a
		}
		if e.Time.After(a.last) {
			a.last = e.Time
		}
		n, _ := nanos(e.Time)
		if d := clock.day(n) - first; d >= 0 && d < int64(c.all) {
			a.days[d/64] |= 1 << (d % 64)
		}
	}
	out := make(map[qun.MemberID]ChurnFeatures, len(acts))
	for member, a := range acts {
		// activeDays counts the active days among the n days that end
		// back days before today.
		activeDays := func(back, n int) int {
			total := 0
			for d := c.all - back - n; d < c.all-back; d++ {
				if d >= 0 && a.days[d/64]&(1<<(d%64)) != 0 {
					total++
				}
			}
			return total
		}
		r := float64(activeDays(0, c.recent)) / float64(c.recent)
		b := float64(activeDays(c.recent, c.baseline)) / float64(c.baseline)
		const prior = 1.0 / 28 // one active day in four weeks
		weeks := make([]float64, c.model.Weeks)
		for j := range weeks {
			weeks[j] = float64(activeDays(7*(len(weeks)-1-j), 7))
		}
		out[member] = ChurnFeatures{
			Recency: now.Sub(a.last).Hours() / 24,
			Trend:   math.Log2((r + prior) / (b + prior)),
			Slope:   slope(weeks) / 7,
		}
	}
	return out
}

// isActivity reports whether e counts as activity.
func (c *Churn) isActivity(e qun.Event) bool {
	if len(c.model.Activity) == 0 {
		return true
	}
	for _, f := range c.byName[e.Name] {
		if f.Match(e) {
			return true
		}
	}
	return false
}

// slope returns the least-squares slope of ys against 0, 1, 2, ….
func slope(ys []float64) float64 {
	n := float64(len(ys))
	if len(ys) < 2 {
		return 0
	}
	meanX := (n - 1) / 2
	meanY := 0.0
	for _, y := range ys {
		meanY += y
	}
	meanY /= n
	num, den := 0.0, 0.0
	for i, y := range ys {
		dx := float64(i) - meanX
		num += dx * (y - meanY)
		den += dx * dx
	}
	return num / den
}

// ChurnSample is a member's features at a past instant and whether they
// churned after it: one row of labelled history.
type ChurnSample struct {
	// Features are the member's features at the instant.
	Features ChurnFeatures `json:"features"`
	// Churned reports whether the member churned after it.
	Churned bool `json:"churned"`
}

// Fit returns m with its intercept and coefficients fitted to labelled
// history by [FitLogistic], and the fit's report (calibration by decile
// included). It refuses to return a model whose recency coefficient came
// out negative: such history says that a longer absence lowers churn risk,
// which is a sign of mislabelled data; the report is returned all the same.
func (m ChurnModel) Fit(samples []ChurnSample, opts FitOptions) (ChurnModel, FitReport, error) {
	x := make([][]float64, len(samples))
	y := make([]bool, len(samples))
	for i, s := range samples {
		x[i] = []float64{s.Features.Recency, s.Features.Trend, s.Features.Slope}
		y[i] = s.Churned
	}
	l, report, err := FitLogistic(x, y, opts)
	if err != nil {
		return m, report, err
	}
	fitted := m
	fitted.Intercept, fitted.Recency, fitted.Trend, fitted.Slope = l.Intercept, l.Coefficients[0], l.Coefficients[1], l.Coefficients[2]
	if err := fitted.Validate(); err != nil {
		return m, report, err
	}
	return fitted, report, nil
}
