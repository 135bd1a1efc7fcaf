package incentive

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/qunkit/qun"
	"github.com/shopspring/decimal"
)

// Program is a community's points program as data: the calendar its days,
// weeks, months and years are counted in, its kinds of points, and its
// earning rules. Hosts keep it in their database, edit it in an admin UI,
// read it with [ParseProgram] and [Compile] it once into an [Engine].
//
// Its JSON form is
//
//	{"calendar":{"zone":"Asia/Shanghai","week_start":"monday"},
//	 "kinds":[{"name":"points","scale":0,"rounding":"down","spendable":true,"expiry":{"end":"year"}}],
//	 "rules":[{"id":"check-in","kind":"points","event":{"name":"check_in"},"points":"10","caps":{"day":"10"}}]}
type Program struct {
	// Calendar is where caps, campaign windows and period-end expiry are
	// counted: the community's time zone and first day of the week.
	Calendar qun.Calendar `json:"calendar"`
	// Kinds are the kinds of points, at least one, with distinct names.
	Kinds []Kind `json:"kinds"`
	// Rules are the earning rules, with distinct IDs.
	Rules []Rule `json:"rules,omitempty"`
}

// Validate reports every problem with p, joined, each naming its field:
// "kinds[1].scale", "rules[3].caps.day".
func (p Program) Validate() error {
	var errs []error
	errs = append(errs, qun.Within("calendar", p.Calendar.Validate()))
	if len(p.Kinds) == 0 {
		errs = append(errs, qun.Invalid("kinds", "a program needs at least one kind of points"))
	}
	kinds := make(map[string]*Kind, len(p.Kinds))
	for i := range p.Kinds {
		k := &p.Kinds[i]
		field := "kinds[" + strconv.Itoa(i) + "]"
		errs = append(errs, qun.Within(field, k.Validate()))
		if _, dup := kinds[k.Name]; dup {
			errs = append(errs, qun.Invalid(field+".name", "%q names another kind too", k.Name))
		}
		kinds[k.Name] = k
	}
	ids := make(map[string]bool, len(p.Rules))
	budgets := make(map[string]*Rule)
	for i := range p.Rules {
		r := &p.Rules[i]
		field := "rules[" + strconv.Itoa(i) + "]"
		errs = append(errs, qun.Within(field, r.validate(kinds[r.Kind])))
		if ids[r.ID] {
			errs = append(errs, qun.Invalid(field+".id", "%q names another rule too", r.ID))
		}
		ids[r.ID] = true
		if b := r.Caps.Budget; b.Name != "" {
			if other, ok := budgets[b.Name]; ok && (other.Kind != r.Kind || !other.Caps.Budget.Limit.Equal(b.Limit)) {
				errs = append(errs, qun.Invalid(field+".caps.budget", "budget %q is shared with rule %q, so it needs the same kind and limit", b.Name, other.ID))
			}
			budgets[b.Name] = r
		}
	}
	return errors.Join(errs...)
}

// ParseProgram reads a program from its JSON form, strictly, as
// [qun.UnmarshalStrict] reads: unknown, misspelt or repeated fields and
// values of the wrong type are refused with a [*qun.ValidationError] naming
// the field, and the program must be valid.
func ParseProgram(data []byte) (Program, error) {
	var p Program
	if err := qun.UnmarshalStrict(data, &p); err != nil {
		return Program{}, fmt.Errorf("incentive: parse program: %w", err)
	}
	if err := p.Validate(); err != nil {
		return Program{}, fmt.Errorf("incentive: parse program: %w", err)
	}
	return p, nil
}

// Rule is one earning rule: which events earn, how much, with which
// multipliers, within which limits. Rules are evaluated in order of
// Priority, highest first (ties in the order given), and a matching rule
// with Stop set ends the evaluation.
//
// Its JSON form is
//
//	{"id":"purchase","kind":"points","event":{"name":"purchase"},
//	 "points":"1","per":"10","whole_units":true,
//	 "multipliers":[{"name":"double-11","factor":"2","window":{"from":"2026-11-11","until":"2026-11-11"}},
//	                {"name":"gold","factor":"1.5","tiers":["gold"]}],
//	 "caps":{"month":"5000","budget":{"name":"double-11","limit":"1000000"}},
//	 "first_time_bonus":"100","priority":10}
type Rule struct {
	// ID names the rule in awards, usage and statements.
	ID string `json:"id"`
	// Kind is the kind of points the rule awards.
	Kind string `json:"kind"`
	// Event selects the events that earn, by name and property conditions.
	Event qun.EventFilter `json:"event"`
	// Member lists conditions on the member's attributes (Prop names the
	// attribute), all of which must hold.
	Member []qun.Condition `json:"member,omitempty"`
	// Tiers, if any, limit the rule to members in these tiers.
	Tiers []string `json:"tiers,omitempty"`
	// Active, if set, limits the rule to events on these days: a campaign.
	Active *Window `json:"active,omitempty"`
	// Points is what one event earns, or, with Per, what each Per of the
	// event's value earns.
	Points decimal.Decimal `json:"points"`
	// Per, if not zero, makes the award proportional to the event's value:
	// Points for each Per of it ("1 point per ¥10"). Events without a
	// positive value then earn nothing from the rule.
	Per decimal.Decimal `json:"per,omitzero"`
	// WholeUnits, with Per, counts only whole Pers of the value: ¥99.50 at
	// 1 point per ¥10 is 9 points however the kind rounds.
	WholeUnits bool `json:"whole_units,omitempty"`
	// Multipliers scale the award when they apply; all that apply are
	// multiplied together.
	Multipliers []Multiplier `json:"multipliers,omitempty"`
	// FirstTimeBonus is added, unmultiplied, to the first award the rule
	// makes to a member.
	FirstTimeBonus decimal.Decimal `json:"first_time_bonus,omitzero"`
	// Caps bound what the rule awards a member.
	Caps Caps `json:"caps,omitzero"`
	// Cooldown is the least time between two awards of the rule to a
	// member; an event within it earns nothing.
	Cooldown qun.Duration `json:"cooldown,omitzero"`
	// Priority orders the rules: higher first.
	Priority int `json:"priority,omitzero"`
	// Stop ends the evaluation after this rule when it matches, whether or
	// not a cap left it anything to award, so that lower rules cannot
	// award what a cap refused.
	Stop bool `json:"stop,omitempty"`
}

// Multiplier scales a rule's award: double points on a holiday (a campaign
// window), more for a higher tier, more for members with an attribute. It
// applies when every condition it has holds.
type Multiplier struct {
	// Name says why, in awards and statements: "double-11", "gold".
	Name string `json:"name"`
	// Factor is positive: 2 for double points, 1.5 for half again.
	Factor decimal.Decimal `json:"factor"`
	// Tiers, if any: the member is in one of these tiers.
	Tiers []string `json:"tiers,omitempty"`
	// Member: conditions on the member's attributes.
	Member []qun.Condition `json:"member,omitempty"`
	// Window, if set: the event falls on one of these days.
	Window *Window `json:"window,omitempty"`
}

// Window is a span of calendar days in the program's calendar, both ends
// included: a holiday, a campaign week. A zero end leaves that side open.
// An event is in the window when its local date is.
type Window struct {
	// From is the window's first day; zero leaves it open before.
	From qun.Date `json:"from,omitzero"`
	// Until is the window's last day, included; zero leaves it open after.
	Until qun.Date `json:"until,omitzero"`
}

// Contains reports whether the day d is in w.
func (w *Window) Contains(d qun.Date) bool {
	return (w.From.IsZero() || !d.Before(w.From)) && (w.Until.IsZero() || !d.After(w.Until))
}

// Validate reports whether w's ends are dates, in order.
func (w *Window) Validate() error {
	var errs []error
	if !w.From.IsZero() && !w.From.IsValid() {
		errs = append(errs, qun.Invalid("from", "not a date"))
	}
	if !w.Until.IsZero() && !w.Until.IsValid() {
		errs = append(errs, qun.Invalid("until", "not a date"))
	}
	if !w.From.IsZero() && !w.Until.IsZero() && w.Until.Before(w.From) {
		errs = append(errs, qun.Invalid("until", "is before from"))
	}
	return errors.Join(errs...)
}

// Caps bound what a rule awards one member in the member's day, week and
// month (in the program's calendar), over the member's lifetime, and what
// it awards all members together from a campaign budget. A cap left out
// (null in JSON, an invalid NullDecimal in Go) is no cap; a cap of 0 is a
// cap that awards nothing, so a rule can be paused without deleting it.
// Caps bound everything the rule awards, the first-time bonus included;
// an award a cap cuts says so.
//
// Its JSON form is {"day":"10","week":"50","month":"100","lifetime":"1000",
// "budget":{"name":"double-11","limit":"1000000"}}, each part optional.
type Caps struct {
	// Day, Week and Month bound the points the rule awards one member in
	// one local day, week and month of the program's calendar.
	Day   decimal.NullDecimal `json:"day,omitzero"`
	Week  decimal.NullDecimal `json:"week,omitzero"`
	Month decimal.NullDecimal `json:"month,omitzero"`
	// Lifetime bounds the points the rule ever awards one member.
	Lifetime decimal.NullDecimal `json:"lifetime,omitzero"`
	// Budget is a campaign budget shared by every member (and by every rule
	// that names it).
	Budget BudgetCap `json:"budget,omitzero"`
}

// Cap returns a cap of d, for [Caps] written in Go:
// Caps{Day: incentive.Cap(decimal.NewFromInt(10))}.
func Cap(d decimal.Decimal) decimal.NullDecimal { return decimal.NewNullDecimal(d) }

// BudgetCap names a campaign budget and its limit.
type BudgetCap struct {
	// Name names the budget (a name of 1 to 256 bytes); rules that give
	// the same name share one budget. Empty for no budget.
	Name string `json:"name"`
	// Limit is the most points the budget awards all members together:
	// positive when Name is set, zero when it is not.
	Limit decimal.Decimal `json:"limit"`
}

// validate checks r against its kind (nil if the program has none by that
// name).
func (r *Rule) validate(kind *Kind) error {
	var errs []error
	if reason := nameProblem(r.ID); reason != "" {
		errs = append(errs, qun.Invalid("id", "%s", reason))
	}
	if kind == nil {
		errs = append(errs, qun.Invalid("kind", "%q is not a kind of the program", r.Kind))
	}
	errs = append(errs, qun.Within("event", r.Event.Validate()))
	errs = append(errs, conditionsProblem("member", r.Member))
	errs = append(errs, tiersProblem("tiers", r.Tiers))
	if r.Active != nil {
		errs = append(errs, qun.Within("active", r.Active.Validate()))
	}
	if r.Points.Sign() < 0 {
		errs = append(errs, qun.Invalid("points", "must not be negative"))
	}
	if r.FirstTimeBonus.Sign() < 0 {
		errs = append(errs, qun.Invalid("first_time_bonus", "must not be negative"))
	}
	if r.Points.Sign() == 0 && r.FirstTimeBonus.Sign() == 0 {
		errs = append(errs, qun.Invalid("points", "a rule must award points or a first-time bonus"))
	}
	if kind != nil {
		// An amount finer than the kind's scale would be rounded away on
		// every award: refuse it rather than award 0.4 as 0. A per-unit
		// rule's points are a rate, rounded once per award.
		if r.Per.Sign() == 0 && r.Points.Sign() > 0 && !kind.exact(r.Points) {
			errs = append(errs, qun.Invalid("points", "must have at most %d decimal places, the scale of %q (or be a rate, with per)", kind.Scale, kind.Name))
		}
		if r.FirstTimeBonus.Sign() > 0 && !kind.exact(r.FirstTimeBonus) {
			errs = append(errs, qun.Invalid("first_time_bonus", "must have at most %d decimal places, the scale of %q", kind.Scale, kind.Name))
		}
	}
	if r.Per.Sign() < 0 {
		errs = append(errs, qun.Invalid("per", "must not be negative"))
	}
	if r.WholeUnits && r.Per.Sign() == 0 {
		errs = append(errs, qun.Invalid("whole_units", "counts whole units of per, which is missing"))
	}
	for _, f := range []struct {
		name string
		d    decimal.Decimal
	}{{"points", r.Points}, {"per", r.Per}, {"first_time_bonus", r.FirstTimeBonus}} {
		if tooBig(f.d) {
			errs = append(errs, qun.Invalid(f.name, "must have at most 18 significant digits and 9 decimal places"))
		}
	}
	if len(r.Multipliers) > 16 {
		errs = append(errs, qun.Invalid("multipliers", "at most 16"))
	}
	for i := range r.Multipliers {
		errs = append(errs, qun.Within("multipliers["+strconv.Itoa(i)+"]", r.Multipliers[i].validate()))
	}
	errs = append(errs, qun.Within("caps", r.Caps.validate(kind)))
	if r.Cooldown < 0 {
		errs = append(errs, qun.Invalid("cooldown", "must not be negative"))
	}
	return errors.Join(errs...)
}

func (m *Multiplier) validate() error {
	var errs []error
	if reason := nameProblem(m.Name); reason != "" {
		errs = append(errs, qun.Invalid("name", "%s", reason))
	}
	if m.Factor.Sign() <= 0 {
		errs = append(errs, qun.Invalid("factor", "must be positive"))
	} else if tooBig(m.Factor) {
		errs = append(errs, qun.Invalid("factor", "must have at most 18 significant digits and 9 decimal places"))
	}
	errs = append(errs, tiersProblem("tiers", m.Tiers))
	errs = append(errs, conditionsProblem("member", m.Member))
	if m.Window != nil {
		errs = append(errs, qun.Within("window", m.Window.Validate()))
	}
	return errors.Join(errs...)
}

func (c *Caps) validate(kind *Kind) error {
	var errs []error
	for _, f := range []struct {
		name string
		d    decimal.NullDecimal
	}{{"day", c.Day}, {"week", c.Week}, {"month", c.Month}, {"lifetime", c.Lifetime}, {"budget.limit", decimal.NewNullDecimal(c.Budget.Limit)}} {
		switch {
		case !f.d.Valid:
		case f.d.Decimal.Sign() < 0:
			errs = append(errs, qun.Invalid(f.name, "must not be negative"))
		case kind != nil && !kind.exact(f.d.Decimal):
			errs = append(errs, qun.Invalid(f.name, "must have at most %d decimal places, the scale of %q", kind.Scale, kind.Name))
		case kind != nil && !fitsUnits(f.d.Decimal, kind.Scale):
			errs = append(errs, qun.Invalid(f.name, "is too large"))
		}
	}
	if (c.Budget.Name == "") != c.Budget.Limit.IsZero() {
		errs = append(errs, qun.Invalid("budget", "needs both a name and a positive limit"))
	} else if c.Budget.Name != "" {
		if reason := nameProblem(c.Budget.Name); reason != "" {
			errs = append(errs, qun.Invalid("budget.name", "%s", reason))
		}
	}
	return errors.Join(errs...)
}

func conditionsProblem(field string, cs []qun.Condition) error {
	var errs []error
	for i, c := range cs {
		errs = append(errs, qun.Within(field+"["+strconv.Itoa(i)+"]", c.Validate()))
	}
	return errors.Join(errs...)
}

func tiersProblem(field string, tiers []string) error {
	var errs []error
	for i, t := range tiers {
		if reason := nameProblem(t); reason != "" {
			errs = append(errs, qun.Invalid(field+"["+strconv.Itoa(i)+"]", "%s", reason))
		}
	}
	return errors.Join(errs...)
}

// tooBig reports whether d is out of the range a rule's constants may
// take: 18 significant digits, 9 decimal places.
func tooBig(d decimal.Decimal) bool {
	return d.NumDigits() > 18 || d.Exponent() < -9 && !d.Equal(d.Truncate(9)) || d.Exponent() > 18
}
