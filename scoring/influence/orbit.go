package influence

import (
	"errors"
	"fmt"
	"iter"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/qunkit/qun"
)

// OrbitRules place members in Orbit levels (github.com/orbit-love/orbit-model,
// pages/love/orbit-levels.mdx), from their love: the commitment of what
// they did (the highest weight, 1 to 12, of their activities) and their
// presence (milestones of active days per week, month and quarter). Orbit's
// standard configuration has four levels of three steps each, 1 to 12:
//
//	step  level               weight  presence milestone
//	 1-3  Orbit 4 Exploring    1-3    -
//	 4-6  Orbit 3 Participating 4-6   WeekDays active days in a week, in 1, 2, 3 weeks
//	 7-9  Orbit 2 Contributing  7-9   MonthDays in a month, in 1, 2, 3 months
//	10-12 Orbit 1 Leading     10-12   QuarterDays in a quarter, in 1, 2, 3 quarters
//
// A member is placed at the higher of the step of their weightiest
// activity and the step of their presence, over the lookback (Orbit finds
// a year reasonable). Weeks, months and quarters are the calendar's, and
// need not be consecutive: "for 2 weeks" is two weeks of the lookback that
// each reached the milestone. Holding levels (awarding promotions at once
// and demotions only monthly, as Orbit suggests) is the host's policy; a
// lifecycle stage machine with hysteresis does it.
//
// Its JSON form is
//
//	{"calendar":{"zone":"Asia/Shanghai","week_start":"monday"},"lookback":"365d",
//	 "activities":[{"event":{"name":"read_newsletter"},"weight":2},{"event":{"name":"host_meetup"},"weight":10}],
//	 "milestones":{"week_days":2,"month_days":7,"quarter_days":30}}
type OrbitRules struct {
	// Calendar is the community's calendar: its local days, weeks,
	// months and quarters.
	Calendar qun.Calendar `json:"calendar"`
	// Lookback is how far back activity counts; zero means 365 days.
	Lookback qun.Duration `json:"lookback,omitempty"`
	// Activities are the activities and their weights; an event is of
	// the first activity whose filter it matches. Only activities count,
	// for presence as for weight.
	Activities []Activity `json:"activities"`
	// Milestones are the presence milestones; the zero value is Orbit's.
	Milestones Milestones `json:"milestones,omitzero"`
}

// Activity is a kind of activity and its weight on Orbit's scale of 1 to
// 12 (Orbit's examples: reading the newsletter 2, attending an event 5,
// hosting a meetup 10).
type Activity struct {
	// Event selects the activity's events.
	Event qun.EventFilter `json:"event"`
	// Weight is its commitment, 1 to 12.
	Weight int `json:"weight"`
}

// Milestones are the numbers of active days that make presence
// milestones. Orbit's are 2 days in a week, 7 in a month and 30 in a
// quarter.
type Milestones struct {
	// WeekDays are the active days in a week that reach Participating.
	WeekDays int `json:"week_days"`
	// MonthDays are the active days in a month that reach Contributing.
	MonthDays int `json:"month_days"`
	// QuarterDays are the active days in a quarter that reach Leading.
	QuarterDays int `json:"quarter_days"`
}

// Validate reports every problem with r, joined.
func (r OrbitRules) Validate() error {
	var errs []error
	errs = append(errs, qun.Within("calendar", r.Calendar.Validate()))
	if r.Lookback < 0 {
		errs = append(errs, qun.Invalid("lookback", "must not be negative"))
	}
	if len(r.Activities) == 0 {
		errs = append(errs, qun.Invalid("activities", "must name at least one activity"))
	}
	for i, a := range r.Activities {
		field := "activities[" + strconv.Itoa(i) + "]"
		errs = append(errs, qun.Within(field+".event", a.Event.Validate()))
		if a.Weight < 1 || a.Weight > 12 {
			errs = append(errs, qun.Invalid(field+".weight", "must be 1 to 12"))
		}
	}
	if m := r.Milestones; m != (Milestones{}) {
		if m.WeekDays < 1 || m.WeekDays > 7 {
			errs = append(errs, qun.Invalid("milestones.week_days", "must be 1 to 7"))
		}
		if m.MonthDays < 1 || m.MonthDays > 31 {
			errs = append(errs, qun.Invalid("milestones.month_days", "must be 1 to 31"))
		}
		if m.QuarterDays < 1 || m.QuarterDays > 92 {
			errs = append(errs, qun.Invalid("milestones.quarter_days", "must be 1 to 92"))
		}
	}
	return errors.Join(errs...)
}

// UnmarshalJSON reads rules from JSON strictly: unknown fields and invalid
// rules are refused with errors that match [qun.ErrInvalid].
func (r *OrbitRules) UnmarshalJSON(data []byte) error {
	type plain OrbitRules
	var v plain
	if isNull(data) {
		return nil
	}
	if err := qun.UnmarshalStrict(data, &v); err != nil {
		return err
	}
	if err := OrbitRules(v).Validate(); err != nil {
		return err
	}
	*r = OrbitRules(v)
	return nil
}

// Orbit is compiled [OrbitRules]. It is safe for concurrent use.
// The zero Orbit, not made with [OrbitRules.Compile], places no one.
type Orbit struct {
	rules    OrbitRules
	byName   map[string][]int
	lookback time.Duration
}

// Compile validates r and compiles it.
func (r OrbitRules) Compile() (*Orbit, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	o := &Orbit{rules: r, byName: make(map[string][]int), lookback: time.Duration(r.Lookback)}
	o.rules.Activities = slices.Clone(r.Activities)
	if o.rules.Milestones == (Milestones{}) {
		o.rules.Milestones = Milestones{WeekDays: 2, MonthDays: 7, QuarterDays: 30}
	}
	if o.lookback == 0 {
		o.lookback = 365 * 24 * time.Hour
	}
	for i, a := range r.Activities {
		o.byName[a.Event.Name] = append(o.byName[a.Event.Name], i)
	}
	return o, nil
}

// Level is an Orbit level: 1 (Leading, the inner circle) to 4 (Exploring).
// The zero Level means no level: no activity in the lookback.
type Level uint8

var levelNames = [...]string{1: "leading", 2: "contributing", 3: "participating", 4: "exploring"}

// String reads "orbit 1 (leading)".
func (l Level) String() string {
	if l < 1 || l > 4 {
		return fmt.Sprintf("Level(%d)", uint8(l))
	}
	return fmt.Sprintf("orbit %d (%s)", l, levelNames[l])
}

// Placement is a member's place in the Orbit levels, and why.
type Placement struct {
	// Member is who is placed.
	Member qun.MemberID `json:"member"`
	// Level is the Orbit level, 1 to 4.
	Level Level `json:"level"`
	// Step is the member's love on Orbit's scale of 1 to 12 (step III of
	// a level is its lowest, I its highest).
	Step int `json:"step"`
	// Weight is the highest weight of the member's activities.
	Weight int `json:"weight"`
	// Activity is the event name of that activity.
	Activity string `json:"activity"`
	// Presence is the step the member's presence milestones reach, 0 if
	// none.
	Presence int `json:"presence"`
	// ActiveDays is the number of days the member was active in the
	// lookback.
	ActiveDays int `json:"active_days"`
}

// StepName names the step as Orbit does: "Participating II".
func (p Placement) StepName() string {
	if p.Step < 1 || p.Step > 12 {
		return ""
	}
	level := [...]string{"Exploring", "Participating", "Contributing", "Leading"}[(p.Step-1)/3]
	return level + " " + [...]string{"III", "II", "I"}[(p.Step-1)%3]
}

// Place places every member with an activity in the lookback before now
// (now − lookback, now], in member ID order. A nil events holds no
// activity; a zero Orbit, not made with [OrbitRules.Compile], has none to
// look for. Both place no one.
func (o *Orbit) Place(events iter.Seq[qun.Event], now time.Time) []Placement {
	if events == nil {
		return []Placement{}
	}
	type love struct {
		weight   int
		activity string
		days     map[qun.Date]bool
	}
	cal := o.rules.Calendar
	since := now.Add(-o.lookback)
	loves := make(map[qun.MemberID]*love)
	for e := range events {
		if e.Time.After(now) || !e.Time.After(since) {
			continue
		}
		k := o.activity(e)
		if k < 0 {
			continue
		}
		l := loves[e.Member]
		if l == nil {
			l = &love{days: make(map[qun.Date]bool)}
			loves[e.Member] = l
		}
		if a := o.rules.Activities[k]; a.Weight > l.weight {
			l.weight, l.activity = a.Weight, a.Event.Name
		}
		l.days[cal.Date(e.Time)] = true
	}
	ms := o.rules.Milestones
	out := make([]Placement, 0, len(loves))
	for _, member := range slices.Sorted(maps.Keys(loves)) {
		l := loves[member]
		perPeriod := map[qun.Period]int{}
		for d := range l.days {
			for _, g := range []qun.Grain{qun.Week, qun.Month, qun.Quarter} {
				perPeriod[cal.PeriodOn(g, d)]++
			}
		}
		reached := map[qun.Grain]int{}
		for p, days := range perPeriod {
			need := map[qun.Grain]int{qun.Week: ms.WeekDays, qun.Month: ms.MonthDays, qun.Quarter: ms.QuarterDays}[p.Grain]
			if days >= need {
				reached[p.Grain]++
			}
		}
		presence := 0
		switch {
		case reached[qun.Quarter] > 0:
			presence = 9 + min(reached[qun.Quarter], 3)
		case reached[qun.Month] > 0:
			presence = 6 + min(reached[qun.Month], 3)
		case reached[qun.Week] > 0:
			presence = 3 + min(reached[qun.Week], 3)
		}
		step := max(l.weight, presence)
		out = append(out, Placement{
			Member: member, Level: Level(4 - (step-1)/3), Step: step,
			Weight: l.weight, Activity: l.activity, Presence: presence, ActiveDays: len(l.days),
		})
	}
	return out
}

// activity returns the index of e's activity, or −1.
func (o *Orbit) activity(e qun.Event) int {
	for _, k := range o.byName[e.Name] {
		if o.rules.Activities[k].Event.Match(e) {
			return k
		}
	}
	return -1
}

// Census counts a community's members by Orbit level: Census[0] holds
// Orbit 1 (Leading), Census[3] Orbit 4 (Exploring).
type Census [4]int64

// CensusOf counts the placed members by level, leaving out staff: Orbit
// removes teammates from gravity, whose heavy, paid participation would
// make members look more engaged than they are.
func CensusOf(placements []Placement, staff []qun.MemberID) Census {
	var c Census
	for _, p := range placements {
		if p.Level >= 1 && p.Level <= 4 && !slices.Contains(staff, p.Member) {
			c[p.Level-1]++
		}
	}
	return c
}

// Members returns the number of members counted.
func (c Census) Members() int64 { return c[0] + c[1] + c[2] + c[3] }

// GravityWeights are the weights of the Orbit levels in a community's
// weighted commitment, Orbit 1 first.
type GravityWeights [4]float64

// OrbitGravity returns Orbit's weights: the activity weight at which each
// level begins (Leading 10, Contributing 7, Participating 4, Exploring 1).
func OrbitGravity() GravityWeights { return GravityWeights{10, 7, 4, 1} }

// Commitment returns the community's weighted commitment, Orbit's
// Σ weight(level)² × members(level) (pages/gravity/measure.mdx): squared,
// because pulling a member from Orbit 2 to 1 takes far more than from 4 to
// 3.
func (w GravityWeights) Commitment(c Census) float64 {
	total := 0.0
	for l, n := range c {
		total += w[l] * w[l] * float64(n)
	}
	return total
}

// Gravity returns the community's gravity over a period, Orbit's
// (change in weighted commitment) / members: how much, on average, the
// community raised each member's weighted commitment from the previous
// census to the current one. Orbit's example: 441 to 504 over 30 members
// is a gravity of 2.1. It is 0 for a community of no members.
func (w GravityWeights) Gravity(previous, current Census) float64 {
	n := current.Members()
	if n == 0 {
		return 0
	}
	return (w.Commitment(current) - w.Commitment(previous)) / float64(n)
}
