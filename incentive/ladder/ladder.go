package ladder

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/qunkit/qun"
	"github.com/shopspring/decimal"
)

// Ladder is a ladder of levels (会员等级) as data: the metrics it reads,
// with the window each is counted over, and the levels, lowest first,
// each with its requirements, its rules for keeping it and its benefits.
// Hosts keep it with their other rules and [Compile] it once.
//
// Its JSON form is
//
//	{"calendar":{"zone":"Asia/Shanghai","week_start":"monday"},
//	 "metrics":[{"name":"growth","window":{"months":12}},{"name":"orders","window":{"months":12}}],
//	 "levels":[
//	   {"name":"member"},
//	   {"name":"silver","requirements":[{"metric":"growth","min":"1000"}],
//	    "benefits":{"multiplier":"1.2","privileges":["birthday_coupon"]}},
//	   {"name":"gold","requirements":[{"metric":"growth","min":"5000"},{"metric":"orders","min":"10"}],
//	    "need":1,"low_water":"0.9","min_stay":"90d","validity":"365d",
//	    "benefits":{"multiplier":"1.5","privileges":["free_shipping"]}}]}
type Ladder struct {
	// Calendar is where windows of calendar periods and months are
	// counted. It may be left out when no window needs it.
	Calendar qun.Calendar `json:"calendar,omitzero"`
	// Metrics are the numbers the ladder reads, with distinct names; the
	// host supplies each, counted over its window, at every evaluation.
	Metrics []Metric `json:"metrics,omitempty"`
	// Levels are the levels, lowest first, with distinct names. The first
	// is where every member starts, and has no requirements.
	Levels []Level `json:"levels"`
	// MaxDrop, if not zero, is the most levels one review may take a
	// member down: 1 for programs that step down one level at a time
	// (降一级). Zero lets a review drop a member to the level their
	// metrics keep.
	MaxDrop int `json:"max_drop,omitzero"`
}

// Metric is a number the host supplies for a member: qualifying points,
// growth value (成长值), days visited, posts, likes given or received, a
// contribution score; anything numeric, counted over a window.
type Metric struct {
	// Name names the metric in requirements and in [Metrics].
	Name string `json:"name"`
	// Window is what the host counts the metric over; the zero Window is
	// all time.
	Window Window `json:"window,omitzero"`
}

// Window is the span of time a metric is counted over, ending now: all
// time (the zero Window), the last Last of elapsed time (Discourse's "in
// the last 100 days"), the last Months calendar months ("in the last 12
// months", 近12个月), or the calendar period of grain Period so far ("this
// year"). At most one of the three is set. [Window.Start] tells the host
// where its count begins.
type Window struct {
	// Last is a span of elapsed time: "100d".
	Last qun.Duration `json:"last,omitzero"`
	// Months is a number of calendar months, 1 to 1200.
	Months int `json:"months,omitzero"`
	// Period is a calendar period so far: "year" for this year.
	Period qun.Grain `json:"period,omitzero"`
}

// IsAllTime reports whether w is all time.
func (w Window) IsAllTime() bool { return w == Window{} }

// Validate reports every problem with w.
func (w Window) Validate() error {
	var errs []error
	set := 0
	if w.Last != 0 {
		set++
	}
	if w.Months != 0 {
		set++
	}
	if w.Period != 0 {
		set++
	}
	if set > 1 {
		errs = append(errs, qun.Invalid("", "set one of last, months and period"))
	}
	if w.Last < 0 {
		errs = append(errs, qun.Invalid("last", "must be positive"))
	}
	if w.Months < 0 || w.Months > 1200 {
		errs = append(errs, qun.Invalid("months", "must be 1 to 1200"))
	}
	if w.Period != 0 && !w.Period.IsValid() {
		errs = append(errs, qun.Invalid("period", "not a grain"))
	}
	return errors.Join(errs...)
}

// Start returns the first instant of the window that ends at now, in
// cal; the host counts what happened from Start to now, both included.
// It returns false for all time.
//
// Months go back by calendar months in cal, from the same wall-clock time
// on the same day of the month, or the last day of a shorter month (as
// Rails' 6.months.ago does: six months before August 31 is February 28 or
// 29).
func (w Window) Start(now time.Time, cal qun.Calendar) (time.Time, bool) {
	switch {
	case w.Last > 0:
		return now.Add(-time.Duration(w.Last)), true
	case w.Months > 0:
		loc := cal.Location()
		local := now.In(loc)
		d := qun.DateOf(local)
		m := int(d.Month) - 1 - w.Months
		y := d.Year + floorDiv(m, 12)
		month := time.Month(m - floorDiv(m, 12)*12 + 1)
		day := min(d.Day, daysIn(y, month))
		return qun.Date{Year: y, Month: month, Day: day}.At(local.Hour(), local.Minute(), local.Second(), local.Nanosecond(), loc), true
	case w.Period.IsValid():
		return cal.Start(w.Period, now), true
	}
	return time.Time{}, false
}

func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func daysIn(year int, month time.Month) int {
	return time.Date(year, month+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// Level is one rung of a ladder: what it takes to reach it, what it takes
// to keep it, and what it gives.
type Level struct {
	// Name names the level: "silver", "tl3". It is what incentive's
	// earning rules know as the member's tier.
	Name string `json:"name"`
	// Requirements are what reaching the level takes.
	Requirements []Requirement `json:"requirements,omitempty"`
	// Need, if not zero, is how many of the requirements must hold (K of
	// N: "5000 growth or 10 orders" is need 1); zero means all of them.
	Need int `json:"need,omitzero"`
	// LowWater is the share of each at-least requirement a member must
	// keep at a review to stay at the level: 0.9 keeps the level while
	// the metrics stay above 90% of the requirements (Discourse's TL3).
	// Zero means 1: the level is kept only while the requirements hold in
	// full. A requirement's own LowWater overrides it.
	LowWater decimal.Decimal `json:"low_water,omitzero"`
	// MinStay is the least time at the level, from reaching it, before a
	// review may take the member down: Discourse's two-week grace period
	// after promotion to TL3.
	MinStay qun.Duration `json:"min_stay,omitzero"`
	// Validity, if set, makes the level valid for this long after it was
	// reached (会员有效期): reviews before then keep it whatever the
	// metrics; the first review after, if the member still keeps the
	// level, renews it for another Validity from the end of the last.
	Validity qun.Duration `json:"validity,omitzero"`
	// Lifetime makes the level permanent once reached (终身): no review
	// takes a member below it. Discourse's trust levels 1 and 2 are.
	Lifetime bool `json:"lifetime,omitempty"`
	// Benefits are what the level gives.
	Benefits Benefits `json:"benefits,omitzero"`
}

// Requirement is a condition on one metric: at least Min, or at most Max.
type Requirement struct {
	// Metric names the metric, one of the ladder's.
	Metric string `json:"metric"`
	// Min is the least the metric must be; Max the most. Exactly one is
	// set.
	Min *decimal.Decimal `json:"min,omitempty"`
	Max *decimal.Decimal `json:"max,omitempty"`
	// Of, if set, makes the threshold a share of another metric: Min (or
	// Max) times the metric Of, rounded half away from zero to a whole
	// number, as Discourse asks TL3 members to have read 25% of the
	// posts created in the last 100 days.
	Of string `json:"of,omitempty"`
	// Cap, with Of, bounds that threshold: Discourse caps the 25% at
	// 20,000 posts.
	Cap decimal.Decimal `json:"cap,omitzero"`
	// LowWater overrides the level's low-water factor for this
	// requirement: "1" for one that must be kept in full, as Discourse
	// keeps its all-time requirements. It applies to Min only: an at-most
	// requirement is kept only while it holds.
	LowWater decimal.Decimal `json:"low_water,omitzero"`
}

// Benefits are what a level gives its members (会员权益): a points
// multiplier and named privileges, which the host grants.
type Benefits struct {
	// Multiplier, if set, multiplies the points members at the level earn
	// (1.5 for half again); see [Engine.Multipliers].
	Multiplier decimal.Decimal `json:"multiplier,omitzero"`
	// Privileges name what the level allows: "free_shipping",
	// "flag_posts". Members at a level have the privileges of every level
	// up to it; see [Engine.Privileges].
	Privileges []string `json:"privileges,omitempty"`
}

// UnmarshalJSON reads a ladder strictly, as [qun.UnmarshalStrict] reads.
func (l *Ladder) UnmarshalJSON(data []byte) error {
	type plain Ladder
	return qun.UnmarshalStrict(data, (*plain)(l))
}

// Parse reads a ladder from its JSON form, strictly, and validates it.
func Parse(data []byte) (Ladder, error) {
	var l Ladder
	if err := l.UnmarshalJSON(data); err != nil {
		return Ladder{}, fmt.Errorf("ladder: parse: %w", err)
	}
	if err := l.Validate(); err != nil {
		return Ladder{}, fmt.Errorf("ladder: parse: %w", err)
	}
	return l, nil
}

// Validate reports every problem with l, joined, each naming its field:
// "levels[2].requirements[0].min".
func (l Ladder) Validate() error {
	var errs []error
	errs = append(errs, qun.Within("calendar", l.Calendar.Validate()))
	metrics := map[string]bool{}
	for i, m := range l.Metrics {
		field := "metrics[" + strconv.Itoa(i) + "]"
		errs = append(errs, qun.Within(field+".name", qun.ValidateName(m.Name)))
		if metrics[m.Name] {
			errs = append(errs, qun.Invalid(field+".name", "%q names another metric too", m.Name))
		}
		metrics[m.Name] = true
		errs = append(errs, qun.Within(field+".window", m.Window.Validate()))
	}
	if len(l.Levels) == 0 {
		errs = append(errs, qun.Invalid("levels", "a ladder needs at least one level"))
	}
	if len(l.Levels) > 1000 {
		errs = append(errs, qun.Invalid("levels", "at most 1000"))
	}
	levels := map[string]bool{}
	for i, lv := range l.Levels {
		field := "levels[" + strconv.Itoa(i) + "]"
		errs = append(errs, qun.Within(field, lv.validate(metrics)))
		if levels[lv.Name] {
			errs = append(errs, qun.Invalid(field+".name", "%q names another level too", lv.Name))
		}
		levels[lv.Name] = true
		if i == 0 && len(lv.Requirements) > 0 {
			errs = append(errs, qun.Invalid(field+".requirements", "the first level is where every member starts: it has no requirements"))
		}
	}
	if l.MaxDrop < 0 {
		errs = append(errs, qun.Invalid("max_drop", "must not be negative"))
	}
	return errors.Join(errs...)
}

func (lv Level) validate(metrics map[string]bool) error {
	var errs []error
	errs = append(errs, qun.Within("name", qun.ValidateName(lv.Name)))
	for i, r := range lv.Requirements {
		errs = append(errs, qun.Within("requirements["+strconv.Itoa(i)+"]", r.validate(metrics)))
	}
	if lv.Need < 0 || lv.Need > len(lv.Requirements) {
		errs = append(errs, qun.Invalid("need", "must be 0 (all) to the number of requirements, %d", len(lv.Requirements)))
	}
	errs = append(errs, factorProblem("low_water", lv.LowWater))
	if lv.MinStay < 0 {
		errs = append(errs, qun.Invalid("min_stay", "must not be negative"))
	}
	if lv.Validity < 0 {
		errs = append(errs, qun.Invalid("validity", "must not be negative"))
	}
	if m := lv.Benefits.Multiplier; m.Sign() < 0 || !m.IsZero() && (m.NumDigits() > 18 || m.Exponent() < -9) {
		errs = append(errs, qun.Invalid("benefits.multiplier", "must be positive, with at most 18 digits and 9 decimal places"))
	}
	seen := map[string]bool{}
	for i, p := range lv.Benefits.Privileges {
		field := "benefits.privileges[" + strconv.Itoa(i) + "]"
		errs = append(errs, qun.Within(field, qun.ValidateName(p)))
		if seen[p] {
			errs = append(errs, qun.Invalid(field, "%q is listed twice", p))
		}
		seen[p] = true
	}
	return errors.Join(errs...)
}

func (r Requirement) validate(metrics map[string]bool) error {
	var errs []error
	if !metrics[r.Metric] {
		errs = append(errs, qun.Invalid("metric", "%q is not a metric of the ladder", r.Metric))
	}
	if (r.Min == nil) == (r.Max == nil) {
		errs = append(errs, qun.Invalid("min", "set exactly one of min and max"))
	}
	for _, f := range []struct {
		name string
		d    *decimal.Decimal
	}{{"min", r.Min}, {"max", r.Max}} {
		if f.d != nil && (f.d.NumDigits() > 30 || f.d.Exponent() > 30 || f.d.Exponent() < -30) {
			errs = append(errs, qun.Invalid(f.name, "must have at most 30 digits and an exponent within ±30"))
		}
	}
	if r.Of != "" && !metrics[r.Of] {
		errs = append(errs, qun.Invalid("of", "%q is not a metric of the ladder", r.Of))
	}
	if r.Cap.Sign() < 0 || r.Cap.NumDigits() > 30 || r.Cap.Exponent() > 30 || r.Cap.Exponent() < -30 {
		errs = append(errs, qun.Invalid("cap", "must be positive, with at most 30 digits"))
	}
	if !r.Cap.IsZero() && r.Of == "" {
		errs = append(errs, qun.Invalid("cap", "caps a share of another metric, and of is missing"))
	}
	errs = append(errs, factorProblem("low_water", r.LowWater))
	if !r.LowWater.IsZero() && r.Max != nil {
		errs = append(errs, qun.Invalid("low_water", "applies to min only"))
	}
	return errors.Join(errs...)
}

// factorProblem checks a low-water factor: zero (not set), or in (0, 1].
func factorProblem(field string, f decimal.Decimal) error {
	if f.IsZero() {
		return nil
	}
	if f.Sign() < 0 || f.GreaterThan(decimal.NewFromInt(1)) || f.NumDigits() > 18 || f.Exponent() < -18 {
		return qun.Invalid(field, "must be more than 0 and at most 1")
	}
	return nil
}
