package scoring

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/qunkit/qun"
)

// Component is one component of community health.
type Component uint8

// The components, in the order reports list them.
const (
	// Growth is net member growth over the period: (members at its end −
	// members at its start) / members at its start.
	Growth Component = iota + 1
	// Activity is stickiness, DAU/MAU: the mean number of members active
	// on a day of the period over the number active in the period (a
	// month, for DAU/MAU itself).
	Activity
	// Retention is the share of the previous period's active members who
	// are active again in this one.
	Retention
	// Interaction is the share of the period's active members who
	// interacted with another member: replied, mentioned, liked.
	Interaction
	// Reach is the share of members the period's content reached (viewed
	// or received it).
	Reach
	// Loyalty is the share of the period's active members who were also
	// active in each of the two periods before it.
	Loyalty
)

var componentNames = [...]string{Growth: "growth", Activity: "activity", Retention: "retention", Interaction: "interaction", Reach: "reach", Loyalty: "loyalty"}

// components lists the components in order.
var components = [...]Component{Growth, Activity, Retention, Interaction, Reach, Loyalty}

// String returns the component's name, such as "activity".
func (c Component) String() string {
	if c < Growth || c > Loyalty {
		return fmt.Sprintf("Component(%d)", uint8(c))
	}
	return componentNames[c]
}

// MarshalText writes the component's name.
func (c Component) MarshalText() ([]byte, error) {
	if c < Growth || c > Loyalty {
		return nil, fmt.Errorf("scoring: marshal component %d: %w", uint8(c), qun.Invalid("", "not a component"))
	}
	return []byte(componentNames[c]), nil
}

// UnmarshalText reads a component's name.
func (c *Component) UnmarshalText(text []byte) error {
	for _, v := range components {
		if componentNames[v] == string(text) {
			*c = v
			return nil
		}
	}
	return qun.Invalid("", "want growth, activity, retention, interaction, reach or loyalty")
}

// Vitals hold one number per component: a community's measured rates for
// a period (DOMAIN.md §4: package funnel measures them from events, or the
// host does), or, in [HealthRules], targets, weights or thresholds. The
// rates are float64 shares (0.2 is 20%) as the components define them.
type Vitals struct {
	// Growth is the number for [Growth], and so on for each component.
	Growth      float64 `json:"growth"`
	Activity    float64 `json:"activity"`    // for [Activity]
	Retention   float64 `json:"retention"`   // for [Retention]
	Interaction float64 `json:"interaction"` // for [Interaction]
	Reach       float64 `json:"reach"`       // for [Reach]
	Loyalty     float64 `json:"loyalty"`     // for [Loyalty]
}

// Of returns the number for component c (0 for an invalid component).
func (v Vitals) Of(c Component) float64 {
	switch c {
	case Growth:
		return v.Growth
	case Activity:
		return v.Activity
	case Retention:
		return v.Retention
	case Interaction:
		return v.Interaction
	case Reach:
		return v.Reach
	case Loyalty:
		return v.Loyalty
	}
	return 0
}

// validate reports the components that are not finite, or negative when
// positive says they must be positive (or, with zeroOK, not negative).
func (v Vitals) validate(positive, zeroOK bool) error {
	var errs []error
	for _, c := range components {
		x := v.Of(c)
		switch {
		case !finite(x):
			errs = append(errs, qun.Invalid(c.String(), "must be a finite number"))
		case positive && !zeroOK && x <= 0:
			errs = append(errs, qun.Invalid(c.String(), "must be positive"))
		case positive && zeroOK && x < 0:
			errs = append(errs, qun.Invalid(c.String(), "must not be negative"))
		}
	}
	return errors.Join(errs...)
}

// HealthRules weigh a community's vitals into one health score, 0 to 100,
// with weights that follow its stage (DOMAIN.md §1 and §6): a community
// being built is judged on growth and early activity, a growing one on
// retention and interaction, a mature one on loyalty and reach. Each
// component scores its value over its target, capped at 1; the composite
// is the weighted mean, times 100. Against a baseline (the same period
// last year, the mean of the last four), a component that fell by more
// than its threshold raises an early warning (预警).
//
// Its JSON form is
//
//	{"targets":{"growth":0.1,"activity":0.2,"retention":0.4,"interaction":0.1,"reach":0.3,"loyalty":0.3},
//	 "weights":{"building":{"growth":0.3,...},"growth":{...},"mature":{...},"declining":{...}},
//	 "thresholds":{"growth":0.2,"activity":0.2,...}}
type HealthRules struct {
	// Targets are the values at which components score full marks.
	Targets Vitals `json:"targets"`
	// Weights are the components' weights in each stage; every stage
	// needs weights, not negative, that do not all vanish.
	Weights map[qun.Stage]Vitals `json:"weights"`
	// Thresholds are the relative falls against the baseline beyond which
	// a component warns: 0.2 warns when it fell by more than 20%.
	Thresholds Vitals `json:"thresholds"`
}

// DefaultHealthRules returns rules to start from. The targets are rules of
// thumb (DAU/MAU of 20%, four in ten members retained, a tenth interacting,
// growth of 10% a period); the weights put the stage's focus first (0.3 to
// each of its two components); every threshold is a 20% fall.
func DefaultHealthRules() HealthRules {
	return HealthRules{
		Targets: Vitals{Growth: 0.10, Activity: 0.20, Retention: 0.40, Interaction: 0.10, Reach: 0.30, Loyalty: 0.30},
		Weights: map[qun.Stage]Vitals{
			qun.Building:  {Growth: 0.30, Activity: 0.30, Retention: 0.10, Interaction: 0.15, Reach: 0.10, Loyalty: 0.05},
			qun.Growth:    {Growth: 0.10, Activity: 0.15, Retention: 0.30, Interaction: 0.30, Reach: 0.10, Loyalty: 0.05},
			qun.Mature:    {Growth: 0.05, Activity: 0.10, Retention: 0.15, Interaction: 0.10, Reach: 0.30, Loyalty: 0.30},
			qun.Declining: {Growth: 0.10, Activity: 0.20, Retention: 0.30, Interaction: 0.15, Reach: 0.05, Loyalty: 0.20},
		},
		Thresholds: Vitals{Growth: 0.2, Activity: 0.2, Retention: 0.2, Interaction: 0.2, Reach: 0.2, Loyalty: 0.2},
	}
}

// Validate reports every problem with r, joined: positive finite targets,
// weights for every stage (finite, not negative, not all zero) and
// thresholds that are finite and not negative.
func (r HealthRules) Validate() error {
	var errs []error
	errs = append(errs, qun.Within("targets", r.Targets.validate(true, false)))
	for _, s := range []qun.Stage{qun.Building, qun.Growth, qun.Mature, qun.Declining} {
		w, ok := r.Weights[s]
		field := "weights." + s.String()
		if !ok {
			errs = append(errs, qun.Invalid(field, "is required"))
			continue
		}
		if err := w.validate(true, true); err != nil {
			errs = append(errs, qun.Within(field, err))
		} else if total(w) <= 0 {
			errs = append(errs, qun.Invalid(field, "must not all be zero"))
		}
	}
	for s := range r.Weights {
		if !s.IsValid() {
			errs = append(errs, qun.Invalid("weights", "%v is not a stage", s))
		}
	}
	errs = append(errs, qun.Within("thresholds", r.Thresholds.validate(true, true)))
	return errors.Join(errs...)
}

func total(v Vitals) float64 {
	t := 0.0
	for _, c := range components {
		t += v.Of(c)
	}
	return t
}

// UnmarshalJSON reads rules from JSON strictly: unknown fields and invalid
// rules are refused with errors that match [qun.ErrInvalid].
func (r *HealthRules) UnmarshalJSON(data []byte) error {
	type plain HealthRules
	var v plain
	if isNull(data) {
		return nil
	}
	if err := qun.UnmarshalStrict(data, &v); err != nil {
		return err
	}
	if err := HealthRules(v).Validate(); err != nil {
		return err
	}
	*r = HealthRules(v)
	return nil
}

// Health is compiled [HealthRules]. It is safe for concurrent use.
// The zero Health, not made with [HealthRules.Compile], refuses to
// assess.
type Health struct {
	rules HealthRules
}

// Compile validates r and compiles it.
func (r HealthRules) Compile() (*Health, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	c := r
	c.Weights = make(map[qun.Stage]Vitals, len(r.Weights))
	for s, w := range r.Weights {
		c.Weights[s] = w
	}
	return &Health{rules: c}, nil
}

// HealthReport is a community's health for a period, against a baseline.
type HealthReport struct {
	// Stage is the stage whose weights were applied.
	Stage qun.Stage `json:"stage"`
	// Score is the composite health, 0 to 100.
	Score float64 `json:"score"`
	// Baseline is the baseline's composite under the same weights.
	Baseline float64 `json:"baseline"`
	// Change is Score − Baseline, in points.
	Change float64 `json:"change"`
	// Components explain the score: their Points add up to it.
	Components []ComponentScore `json:"components"`
	// Warnings are the components that fell beyond their thresholds, the
	// largest fall first.
	Warnings []Warning `json:"warnings,omitempty"`
}

// ComponentScore is one component's part in a health score.
type ComponentScore struct {
	// Component is which component this is.
	Component Component `json:"component"`
	// Value is the component's current value.
	Value float64 `json:"value"`
	// Baseline is its value in the baseline.
	Baseline float64 `json:"baseline"`
	// Change is the relative change from the baseline: −0.25 fell by a
	// quarter. It is 0 when the baseline is 0.
	Change float64 `json:"change"`
	// Score is Value over the target, between 0 and 1.
	Score float64 `json:"score"`
	// Weight is the component's share of the composite in this stage.
	Weight float64 `json:"weight"`
	// Points is what the component adds to the composite: 100 × Weight ×
	// Score.
	Points float64 `json:"points"`
}

// Warning is an early warning (预警): a component that fell by more than
// its threshold against the baseline.
type Warning struct {
	// Component is the component that fell.
	Component Component `json:"component"`
	// From is its baseline value, To its current value.
	From float64 `json:"from"`
	To   float64 `json:"to"` // the current value
	// Change is the relative change, negative.
	Change float64 `json:"change"`
	// Threshold is the fall the change went beyond.
	Threshold float64 `json:"threshold"`
}

// String says what fell, by how much, and past which threshold.
func (w Warning) String() string {
	return fmt.Sprintf("%v fell %.0f%% (%.3g → %.3g), more than the %.0f%% threshold",
		w.Component, -100*w.Change, w.From, w.To, 100*w.Threshold)
}

// Assess scores the community's current vitals in the given stage against
// its baseline vitals, and warns of every component that fell beyond its
// threshold. It refuses an invalid stage, and vitals that are not finite
// (a rate divided by zero members is not a measurement); a zero Health,
// not made with [HealthRules.Compile], has no weights and refuses all.
// Refusals match [qun.ErrInvalid].
func (h *Health) Assess(stage qun.Stage, current, baseline Vitals) (HealthReport, error) {
	if h.rules.Weights == nil {
		return HealthReport{}, qun.Invalid("", "the Health was not made with HealthRules.Compile")
	}
	if !stage.IsValid() {
		return HealthReport{}, qun.Invalid("stage", "not a stage")
	}
	if err := errors.Join(qun.Within("current", current.validate(false, false)), qun.Within("baseline", baseline.validate(false, false))); err != nil {
		return HealthReport{}, err
	}
	weights := h.rules.Weights[stage]
	sum := total(weights)
	report := HealthReport{Stage: stage}
	for _, c := range components {
		v, b := current.Of(c), baseline.Of(c)
		cs := ComponentScore{Component: c, Value: v, Baseline: b, Weight: weights.Of(c) / sum}
		target := h.rules.Targets.Of(c)
		cs.Score = clamp01(v / target)
		cs.Points = 100 * cs.Weight * cs.Score
		report.Score += cs.Points
		report.Baseline += 100 * cs.Weight * clamp01(b/target)
		if b != 0 {
			cs.Change = (v - b) / math.Abs(b)
		}
		if threshold := h.rules.Thresholds.Of(c); b != 0 && cs.Change < -threshold {
			report.Warnings = append(report.Warnings, Warning{Component: c, From: b, To: v, Change: cs.Change, Threshold: threshold})
		}
		report.Components = append(report.Components, cs)
	}
	report.Change = report.Score - report.Baseline
	slices.SortStableFunc(report.Warnings, func(a, b Warning) int { return cmp.Compare(a.Change, b.Change) })
	return report, nil
}

func clamp01(x float64) float64 { return math.Max(0, math.Min(1, x)) }

// MeanVitals returns the mean of the vitals, component by component: a baseline
// from several past periods. The mean of none is the zero Vitals.
func MeanVitals(periods ...Vitals) Vitals {
	var m Vitals
	if len(periods) == 0 {
		return m
	}
	n := float64(len(periods))
	for _, p := range periods {
		m.Growth += p.Growth / n
		m.Activity += p.Activity / n
		m.Retention += p.Retention / n
		m.Interaction += p.Interaction / n
		m.Reach += p.Reach / n
		m.Loyalty += p.Loyalty / n
	}
	return m
}
