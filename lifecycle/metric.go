package lifecycle

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/qunkit/qun"
)

// Metric names one measure of a community in a [Snapshot]: what stage
// criteria are written in.
type Metric uint8

// The metrics. Rates are fractions (0.05 is 5%), measured over the trailing
// 30 days at the snapshot's instant, so that snapshots taken weekly or
// monthly read on the same scale.
const (
	// MetricMembers is the number of members at the snapshot: "members".
	MetricMembers Metric = iota + 1
	// MetricNetGrowth is the net growth of membership over the trailing
	// 30 days, (members now − members 30 days ago) ÷ members 30 days ago:
	// "net_growth". Joins and leaves both count.
	MetricNetGrowth
	// MetricActiveGrowth is the growth of the active base, (MAU now − MAU
	// 30 days ago) ÷ MAU 30 days ago: "active_growth". In a chat group
	// members seldom leave, they fall silent, so decline shows here first.
	MetricActiveGrowth
	// MetricStickiness is DAU ÷ MAU, averaged over the trailing 30 days:
	// "stickiness". 0.2 means the average monthly member shows up about
	// six days a month.
	MetricStickiness
	// MetricRetention is the monthly retention of the active base: of the
	// members active in the 30 days before the trailing 30, the share
	// active again in the trailing 30: "retention_30d".
	MetricRetention
	// MetricInteractionRate is interactions (replies, comments, likes,
	// mentions) per active member over the trailing 30 days:
	// "interaction_rate".
	MetricInteractionRate
	// MetricCoreShare is the share of members who are core contributors
	// (the host's own definition, such as a contribution score above a
	// bar): "core_share".
	MetricCoreShare
	// MetricMemberShare is the share of activity (posts, replies, events)
	// created by members rather than by the operators' own staff:
	// "member_share". Millington's lifecycle reads the stages from it.
	MetricMemberShare

	numMetrics = int(MetricMemberShare)
)

var metricNames = [...]string{
	MetricMembers: "members", MetricNetGrowth: "net_growth", MetricActiveGrowth: "active_growth",
	MetricStickiness: "stickiness", MetricRetention: "retention_30d", MetricInteractionRate: "interaction_rate",
	MetricCoreShare: "core_share", MetricMemberShare: "member_share",
}

// ParseMetric reads a metric's name, such as "net_growth".
func ParseMetric(s string) (Metric, error) {
	for m := MetricMembers; int(m) <= numMetrics; m++ {
		if metricNames[m] == s {
			return m, nil
		}
	}
	return 0, fmt.Errorf("lifecycle: parse metric %q: %w", s,
		qun.Invalid("", "want one of %s", strings.Join(metricNames[1:], ", ")))
}

// IsValid reports whether m is one of the metrics.
func (m Metric) IsValid() bool { return m >= MetricMembers && int(m) <= numMetrics }

// String returns the metric's name.
func (m Metric) String() string {
	if !m.IsValid() {
		return fmt.Sprintf("Metric(%d)", uint8(m))
	}
	return metricNames[m]
}

// MarshalText writes the metric's name; it refuses an invalid metric.
func (m Metric) MarshalText() ([]byte, error) {
	if !m.IsValid() {
		return nil, fmt.Errorf("lifecycle: marshal metric %d: %w", uint8(m), qun.Invalid("", "not a metric"))
	}
	return []byte(metricNames[m]), nil
}

// UnmarshalText reads a metric's name as [ParseMetric] does.
func (m *Metric) UnmarshalText(text []byte) error {
	v, err := ParseMetric(string(text))
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// Snapshot is a community's metrics at one instant, as the host measures
// them (package funnel and package scoring compute most of them). Stage
// detection reads a series of snapshots, taken at a steady cadence, weekly
// or monthly.
//
// Every metric is a number; a host that does not measure one removes the
// thresholds on it from its [StageModel].
type Snapshot struct {
	// At is the instant the metrics were measured at.
	At time.Time `json:"at"`
	// Members is [MetricMembers].
	Members int64 `json:"members"`
	// NetGrowth is [MetricNetGrowth].
	NetGrowth float64 `json:"net_growth"`
	// ActiveGrowth is [MetricActiveGrowth].
	ActiveGrowth float64 `json:"active_growth"`
	// Stickiness is [MetricStickiness].
	Stickiness float64 `json:"stickiness"`
	// Retention is [MetricRetention].
	Retention float64 `json:"retention_30d"`
	// InteractionRate is [MetricInteractionRate].
	InteractionRate float64 `json:"interaction_rate"`
	// CoreShare is [MetricCoreShare].
	CoreShare float64 `json:"core_share"`
	// MemberShare is [MetricMemberShare].
	MemberShare float64 `json:"member_share"`
}

// Value returns the metric m of s; NaN for an invalid metric.
func (s Snapshot) Value(m Metric) float64 {
	switch m {
	case MetricMembers:
		return float64(s.Members)
	case MetricNetGrowth:
		return s.NetGrowth
	case MetricActiveGrowth:
		return s.ActiveGrowth
	case MetricStickiness:
		return s.Stickiness
	case MetricRetention:
		return s.Retention
	case MetricInteractionRate:
		return s.InteractionRate
	case MetricCoreShare:
		return s.CoreShare
	case MetricMemberShare:
		return s.MemberShare
	}
	return math.NaN()
}

// Validate reports every problem with s: the instant must be set, the
// member count not negative, every rate a finite number, and the ratios
// (stickiness, retention, the shares) within 0 to 1. Growth may be any
// finite number above −1 or equal to it (a community cannot lose more than
// all its members).
func (s Snapshot) Validate() error {
	var errs []error
	if s.At.IsZero() {
		errs = append(errs, qun.Invalid("at", "must be set"))
	}
	if s.Members < 0 {
		errs = append(errs, qun.Invalid("members", "must not be negative"))
	}
	for m := MetricNetGrowth; int(m) <= numMetrics; m++ {
		v := s.Value(m)
		switch {
		case math.IsNaN(v) || math.IsInf(v, 0):
			errs = append(errs, qun.Invalid(m.String(), "must be a finite number"))
		case (m == MetricNetGrowth || m == MetricActiveGrowth) && v < -1:
			errs = append(errs, qun.Invalid(m.String(), "cannot fall below -1 (all gone)"))
		case m != MetricNetGrowth && m != MetricActiveGrowth && m != MetricInteractionRate && (v < 0 || v > 1):
			errs = append(errs, qun.Invalid(m.String(), "is a share: want 0 to 1"))
		case m == MetricInteractionRate && v < 0:
			errs = append(errs, qun.Invalid(m.String(), "must not be negative"))
		}
	}
	return errors.Join(errs...)
}

// Threshold is one bound on one metric, such as "net_growth gte 0.05". Its
// JSON form is {"metric":"net_growth","op":"gte","value":0.05}. The
// operators are those of [qun.Condition] that compare numbers: gt, gte, lt
// and lte.
type Threshold struct {
	// Metric is the metric bounded.
	Metric Metric `json:"metric"`
	// Op is the comparison: qun.OpGT, OpGTE, OpLT or OpLTE.
	Op qun.Op `json:"op"`
	// Value is the bound.
	Value float64 `json:"value"`
}

// Validate reports whether t names a metric, a comparison and a finite
// value.
func (t Threshold) Validate() error {
	var errs []error
	if !t.Metric.IsValid() {
		errs = append(errs, qun.Invalid("metric", "not a metric"))
	}
	switch t.Op {
	case qun.OpGT, qun.OpGTE, qun.OpLT, qun.OpLTE:
	default:
		errs = append(errs, qun.Invalid("op", "want gt, gte, lt or lte"))
	}
	if math.IsNaN(t.Value) || math.IsInf(t.Value, 0) {
		errs = append(errs, qun.Invalid("value", "must be a finite number"))
	}
	return errors.Join(errs...)
}

// Holds reports whether the value v meets t. NaN meets no threshold.
func (t Threshold) Holds(v float64) bool {
	switch t.Op {
	case qun.OpGT:
		return v > t.Value
	case qun.OpGTE:
		return v >= t.Value
	case qun.OpLT:
		return v < t.Value
	case qun.OpLTE:
		return v <= t.Value
	}
	return false
}

// String writes t as "net_growth ≥ 0.05".
func (t Threshold) String() string {
	return t.Metric.String() + " " + opSymbol(t.Op) + " " + formatValue(t.Value)
}

func opSymbol(op qun.Op) string {
	switch op {
	case qun.OpGT:
		return ">"
	case qun.OpGTE:
		return "≥"
	case qun.OpLT:
		return "<"
	case qun.OpLTE:
		return "≤"
	}
	return op.String()
}

func formatValue(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// Check is a threshold and what a snapshot showed: the reason a stage
// changed, one bound at a time.
type Check struct {
	Threshold
	// Observed is the snapshot's value of the metric.
	Observed float64 `json:"observed"`
	// Held reports whether the value met the threshold.
	Held bool `json:"held"`
}

// String writes c as "net_growth 0.07 ≥ 0.05" or, when it failed,
// "member_share 0.62, not ≤ 0.6".
func (c Check) String() string {
	if c.Held {
		return c.Metric.String() + " " + formatValue(c.Observed) + " " + opSymbol(c.Op) + " " + formatValue(c.Value)
	}
	return c.Metric.String() + " " + formatValue(c.Observed) + ", not " + opSymbol(c.Op) + " " + formatValue(c.Value)
}

// interval is the set of values that a list of thresholds admits for one
// metric: from lo to hi, each end open or closed.
type interval struct {
	lo, hi         float64
	loOpen, hiOpen bool
}

var everything = interval{lo: math.Inf(-1), hi: math.Inf(1)}

// narrow intersects iv with the values that t admits.
func (iv interval) narrow(t Threshold) interval {
	switch t.Op {
	case qun.OpGT, qun.OpGTE:
		open := t.Op == qun.OpGT
		if t.Value > iv.lo || t.Value == iv.lo && open {
			iv.lo, iv.loOpen = t.Value, open
		}
	case qun.OpLT, qun.OpLTE:
		open := t.Op == qun.OpLT
		if t.Value < iv.hi || t.Value == iv.hi && open {
			iv.hi, iv.hiOpen = t.Value, open
		}
	}
	return iv
}

// empty reports whether no value lies in iv.
func (iv interval) empty() bool {
	return iv.lo > iv.hi || iv.lo == iv.hi && (iv.loOpen || iv.hiOpen)
}

// contains reports whether every value in o lies in iv (o not empty).
func (iv interval) contains(o interval) bool {
	loOK := iv.lo < o.lo || iv.lo == o.lo && (!iv.loOpen || o.loOpen)
	hiOK := iv.hi > o.hi || iv.hi == o.hi && (!iv.hiOpen || o.hiOpen)
	return loOK && hiOK
}

// holds reports whether v lies in iv.
func (iv interval) holds(v float64) bool {
	lo := v > iv.lo || v == iv.lo && !iv.loOpen
	hi := v < iv.hi || v == iv.hi && !iv.hiOpen
	return lo && hi
}

// String writes iv in interval notation.
func (iv interval) String() string {
	l, r := "[", "]"
	if iv.loOpen || math.IsInf(iv.lo, -1) {
		l = "("
	}
	if iv.hiOpen || math.IsInf(iv.hi, 1) {
		r = ")"
	}
	return l + formatValue(iv.lo) + ", " + formatValue(iv.hi) + r
}

// criteria is a compiled list of thresholds: the interval each metric must
// lie in.
type criteria struct {
	list   []Threshold
	bounds [numMetrics + 1]interval
	used   [numMetrics + 1]bool
}

func compileCriteria(list []Threshold) criteria {
	c := criteria{list: list}
	for i := range c.bounds {
		c.bounds[i] = everything
	}
	for _, t := range list {
		if t.Metric.IsValid() {
			c.bounds[t.Metric] = c.bounds[t.Metric].narrow(t)
			c.used[t.Metric] = true
		}
	}
	return c
}

// holds reports whether s meets every threshold.
func (c *criteria) holds(s *Snapshot) bool {
	for _, t := range c.list {
		if !t.Holds(s.Value(t.Metric)) {
			return false
		}
	}
	return true
}

// checks returns each threshold with the value s showed.
func (c *criteria) checks(s *Snapshot) []Check {
	out := make([]Check, len(c.list))
	for i, t := range c.list {
		v := s.Value(t.Metric)
		out[i] = Check{Threshold: t, Observed: v, Held: t.Holds(v)}
	}
	return out
}
