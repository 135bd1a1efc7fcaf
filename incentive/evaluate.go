package incentive

import (
	"fmt"
	"maps"
	"math"
	"math/bits"
	"slices"
	"strings"
	"time"

	"github.com/qunkit/qun"
	"github.com/shopspring/decimal"
)

// Evaluate applies the earning rules to one event: which rules match the
// event and the member, and what each awards at now, within its caps,
// cooldown and budget as s records them. It is deterministic and changes
// nothing; the host (or the [Ledger]) applies the decision. Campaign
// windows are read on the event's local date; caps and cooldowns count by
// now, when the award is made, so that a late event cannot reopen a day
// that is over.
//
// Evaluate allocates only its result: one slice of awards; one slice of
// the names of the multipliers that applied, which the awards share; and
// two small allocations (a big.Int and its word) for each amount that is
// not among the engine's ready-made amounts of 0 to 2047 units: an
// Unrounded base, and a Base, Wanted or Points of 2048 units or more.
// Rarer cases allocate more: a rule with more than four multipliers
// multiplies its factor out (two allocations for each that applies); an
// amount too large for int64 arithmetic is computed in decimal; an
// evaluation with more than 64 matching rules, or more than four campaign
// budgets, outgrows its scratch space. A per-unit rule refuses an event
// value beyond 10^±60 as LimitOverflow.
func (e *Engine) Evaluate(ev qun.Event, m Member, s RuleState, now time.Time) Decision {
	gates := e.byName[ev.Name]
	if len(gates) == 0 {
		return Decision{}
	}
	x := evalContext{e: e, ev: &ev, m: &m, s: &s, now: now}
	// First pass: which rules match, and which multipliers apply, so that
	// the result is allocated once and exactly.
	var buf [64]match
	matched := buf[:0]
	names := 0
	for _, g := range gates {
		if g.first >= 0 && !x.holds(g.first) {
			continue
		}
		c := &e.rules[g.rule]
		if !c.matches(&x) {
			continue
		}
		mask := c.applied(&x)
		matched = append(matched, match{rule: g.rule, mask: mask})
		names += bits.OnesCount32(mask)
		if c.r.Stop {
			break
		}
	}
	if len(matched) == 0 {
		return Decision{}
	}
	d := Decision{Awards: make([]Award, len(matched))}
	var draws drawTable
	var pool []string
	if names > 0 {
		pool = make([]string, 0, names)
	}
	for j, mt := range matched {
		c := &e.rules[mt.rule]
		a := &d.Awards[j] // filled in place: an Award is large
		if mt.mask != 0 {
			from := len(pool)
			for i := range c.r.Multipliers {
				if mt.mask&(1<<i) != 0 {
					pool = append(pool, c.r.Multipliers[i].Name)
				}
			}
			a.Multipliers = pool[from:len(pool):len(pool)] // appending copies
		}
		c.award(&x, &draws, mt.mask, a)
	}
	return d
}

// match is a rule that matched, with the multipliers that apply.
type match struct {
	rule int32
	mask uint32
}

// evalContext is what one evaluation shares between rules: the inputs,
// the event's value and dates computed once, and the budget drawn by
// earlier rules.
type evalContext struct {
	e        *Engine
	ev       *qun.Event // Evaluate's own parameters, which stay on its stack
	m        *Member
	s        *RuleState
	now      time.Time
	evDate   qun.Date
	nowIndex [3]int64 // day, week, month of now
	value    fx       // the event's value, if haveValue
	haveEv   bool
	haveNow  bool
	valueOK  int8  // 0 not computed, 1 fits an fx, -1 does not
	props    slots // the event's properties the rules test
	attrs    slots // the member's attributes the rules test
	memo     condMemo
}

type draw struct {
	name  string
	units int64
}

func (x *evalContext) eventDate() qun.Date {
	if !x.haveEv {
		x.evDate, x.haveEv = x.e.cal.Date(x.ev.Time), true
	}
	return x.evDate
}

func (x *evalContext) periods() *[3]int64 {
	if !x.haveNow {
		x.nowIndex = x.e.periodsAt(x.now)
		x.haveNow = true
	}
	return &x.nowIndex
}

// eventValue returns the event's value as an fx, if it fits one.
func (x *evalContext) eventValue() (fx, bool) {
	if x.valueOK == 0 {
		x.valueOK = -1
		if v, ok := fxOf(x.ev.Value.Decimal); ok {
			x.value, x.valueOK = v, 1
		}
	}
	return x.value, x.valueOK > 0
}

// periodsAt returns the indexes of the day, week and month of t in the
// program's calendar, which caps count in: [qun.Calendar.Index]'s, from
// one zone lookup (a property pins them equal). The month is the local
// day's, read in UTC, where reading a date needs no zone lookup.
func (e *Engine) periodsAt(t time.Time) [3]int64 {
	_, offset := t.In(e.loc).Zone()
	day := floorDiv(t.Unix()+int64(offset), 86400)
	year, month, _ := time.Unix(day*86400, 0).UTC().Date()
	return [3]int64{day, floorDiv(day-e.weekAnchor, 7), int64(year)*12 + int64(month) - 1}
}

// floorDiv is a / b rounded toward negative infinity, for b > 0.
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b < 0 {
		q--
	}
	return q
}

// capLimits are the limits of the periodic caps (day, week, month), in
// the order of crule.caps, periodsAt and Usage's tallies.
var capLimits = [3]Limit{LimitDay, LimitWeek, LimitMonth}

// drawTable holds what the rules of one evaluation drew from each budget.
// It is apart from the evalContext, which points to the evaluation's
// inputs, so that growing it cannot move them to the heap.
type drawTable struct {
	drawn [4]draw
	more  []draw
}

// from returns what earlier rules of this evaluation drew from a budget,
// and where to add more.
func (d *drawTable) from(name string) *int64 {
	for i := range d.drawn {
		if d.drawn[i].name == name {
			return &d.drawn[i].units
		}
		if d.drawn[i].name == "" {
			d.drawn[i].name = name
			return &d.drawn[i].units
		}
	}
	for i := range d.more {
		if d.more[i].name == name {
			return &d.more[i].units
		}
	}
	d.more = append(d.more, draw{name: name})
	return &d.more[len(d.more)-1].units
}

// matches reports whether the rule applies to the event and the member.
// The event's name is known to match: the engine dispatches by name.
func (c *crule) matches(x *evalContext) bool {
	r := c.r
	if !x.allHold(c.conds) || !inTiers(x.m.Tier, r.Tiers) {
		return false
	}
	if r.Active != nil && !r.Active.Contains(x.eventDate()) {
		return false
	}
	if c.per.m != 0 && (!x.ev.Value.Valid || x.ev.Value.Decimal.Sign() <= 0) {
		return false
	}
	return true
}

func inTiers(tier string, tiers []string) bool {
	return len(tiers) == 0 || slices.Contains(tiers, tier)
}

// applied returns the bitmask of the rule's multipliers that apply.
func (c *crule) applied(x *evalContext) uint32 {
	var mask uint32
	for i := range c.r.Multipliers {
		mu := &c.r.Multipliers[i]
		if inTiers(x.m.Tier, mu.Tiers) && x.allHold(c.mulConds[i]) &&
			(mu.Window == nil || mu.Window.Contains(x.eventDate())) {
			mask |= 1 << i
		}
	}
	return mask
}

var one = decimal.New(1, 0)

// factor returns the product of the multipliers in mask, from the table
// compiled for rules with up to four multipliers.
func (c *crule) factor(mask uint32) decimal.Decimal {
	if int(mask) < len(c.products) {
		return c.products[mask]
	}
	f := one
	for i := range c.r.Multipliers {
		if mask&(1<<i) != 0 {
			f = f.Mul(c.r.Multipliers[i].Factor)
		}
	}
	return f
}

// award computes the rule's award for a matching event into a, whose
// Multipliers are already set.
func (c *crule) award(x *evalContext, draws *drawTable, mask uint32, a *Award) {
	r := c.r
	scale := c.kind.Scale
	a.Rule, a.Kind = r.ID, r.Kind
	a.Factor = c.factor(mask)
	u := x.s.usageHint(r.ID, c.idRank)
	if c.cooldown > 0 && u != nil && !u.Last.IsZero() && x.now.Sub(u.Last) < c.cooldown {
		a.Limit = LimitCooldown
		return
	}
	base, want, q, ok := c.amounts(x, mask)
	if !ok {
		a.Limit = LimitOverflow
		return
	}
	if u == nil || u.Awards == 0 {
		a.Bonus = c.bonusDec
		if want, ok = add(want, c.bonus); !ok {
			a.Limit = LimitOverflow
			return
		}
	}
	a.Base = x.e.amount(base, scale)
	if q.den == 0 { // computed in decimal: rare, and allowed to allocate
		if num, den := c.exactBase(x.ev.Value.Decimal); !num.Equal(a.Base.Mul(den)) {
			a.Unrounded, _ = num.QuoRem(den, unroundedPlaces)
		}
	} else if !q.exactAt(scale, base) {
		a.Unrounded = q.truncated()
	}
	points, limit := want, LimitNone
	cut := func(room int64, l Limit) {
		if room < points {
			points, limit = max(room, 0), l
		}
	}
	if c.periodic {
		idx := x.periods()
		for i, l := range capLimits {
			if c.caps[i] >= 0 {
				cut(room(c.caps[i], periodUsed(u, i, idx[i]), scale), l)
			}
		}
	}
	if c.caps[3] >= 0 {
		cut(room(c.caps[3], lifetimeUsed(u), scale), LimitLifetime)
	}
	if c.caps[4] >= 0 {
		name := r.Caps.Budget.Name
		var used decimal.Decimal
		for i := range x.s.Budgets {
			if x.s.Budgets[i].Name == name {
				used = x.s.Budgets[i].Used
			}
		}
		drawn := draws.from(name)
		cut(room(c.caps[4], used, scale)-*drawn, LimitBudget)
		*drawn += points
	}
	if want == base {
		a.Wanted = a.Base
	} else {
		a.Wanted = x.e.amount(want, scale)
	}
	a.Points = a.Wanted
	if limit != LimitNone {
		a.Points = x.e.amount(points, scale)
		a.Limit = limit
	}
}

// periodUsed returns what the usage u (nil if none) counts toward the
// cap of period i (day, week, month) whose index is index: the points of
// its tally of that period, or of a later one (a clock that went back is
// held to the latest period seen), and nothing if the tally is older.
func periodUsed(u *Usage, i int, index int64) decimal.Decimal {
	if u == nil {
		return decimal.Decimal{}
	}
	t := &u.Day
	switch i {
	case 1:
		t = &u.Week
	case 2:
		t = &u.Month
	}
	if t.Period < index {
		return decimal.Decimal{}
	}
	return t.Points
}

// lifetimeUsed returns what the usage u (nil if none) counts toward the
// lifetime cap.
func lifetimeUsed(u *Usage) decimal.Decimal {
	if u == nil {
		return decimal.Decimal{}
	}
	return u.Points
}

// room returns what a cap of limit units leaves after used, in units,
// with used rounded up to a unit: negative when used is past the cap,
// even when it is too large for an int64 (so that the cap still cuts, and
// says so, after an earlier one cut to nothing), and the largest int64
// when a negative used leaves more room than that.
func room(limit int64, used decimal.Decimal, scale int32) int64 {
	n, ok := units(used, scale)
	switch {
	case !ok && used.Sign() > 0:
		return -1
	case !ok, n < 0 && limit-n < limit:
		return math.MaxInt64
	}
	return limit - n
}

// recordUsage checks the awards of an earn against the account's rule
// usage as it is now, adds them to it, and collects their budget draws.
// An award that a cap, the cooldown or a used first-time bonus no longer
// allows (the usage changed since the rules decided) fails with
// ErrStaleDecision, so that no path past the Engine can exceed a cap.
func (t *tx) recordUsage(awards []Award) error {
	periods := t.e.periodsAt(t.now)
	for i, aw := range awards {
		field := fmt.Sprintf("awards[%d]", i)
		if aw.Kind != t.a.ID.Kind {
			return qun.Invalid(field+".kind", "%q is not the account's kind %q", aw.Kind, t.a.ID.Kind)
		}
		ci, ok := t.e.byID[aw.Rule]
		if !ok {
			return qun.Invalid(field+".rule", "%q is not a rule of the program", aw.Rule)
		}
		if aw.Points.Sign() < 0 || !t.kind.exact(aw.Points) {
			return qun.Invalid(field+".points", "must be a non-negative amount at the kind's scale")
		}
		if aw.Points.Sign() == 0 {
			continue
		}
		c := &t.e.rules[ci]
		j, found := slices.BinarySearchFunc(t.a.Usage, aw.Rule, func(u Usage, r string) int { return strings.Compare(u.Rule, r) })
		if found {
			if err := c.allows(&t.a.Usage[j], aw, periods, t.now); err != nil {
				return fmt.Errorf("incentive: earn %s: %w", t.a.ID, err)
			}
		} else {
			if err := c.allows(nil, aw, periods, t.now); err != nil {
				return fmt.Errorf("incentive: earn %s: %w", t.a.ID, err)
			}
			t.a.Usage = slices.Insert(t.a.Usage, j, Usage{Rule: aw.Rule})
		}
		u := &t.a.Usage[j]
		u.Awards++
		u.Points = u.Points.Add(aw.Points)
		if u.Last.IsZero() || t.now.After(u.Last) {
			u.Last = t.now
		}
		for k, tally := range [3]*Tally{&u.Day, &u.Week, &u.Month} {
			if periods[k] > tally.Period || tally.Points.IsZero() {
				*tally = Tally{Period: periods[k], Points: aw.Points}
			} else {
				tally.Points = tally.Points.Add(aw.Points)
			}
		}
		if b := c.r.Caps.Budget; b.Name != "" {
			k := slices.IndexFunc(t.draws, func(d BudgetDraw) bool { return d.Name == b.Name })
			if k < 0 {
				t.draws = append(t.draws, BudgetDraw{Name: b.Name, Points: decimal.Zero, Limit: b.Limit})
				k = len(t.draws) - 1
			}
			t.draws[k].Points = t.draws[k].Points.Add(aw.Points)
		}
	}
	return nil
}

// allows checks an award of the rule against its usage u (nil if none)
// at now: the cooldown, the first-time bonus and every periodic and
// lifetime cap, as Evaluate does. The campaign budget is the store's to
// check, atomically with the append.
func (c *crule) allows(u *Usage, aw Award, periods [3]int64, now time.Time) error {
	stale := func(format string, args ...any) error {
		return fmt.Errorf("award of rule %q: %s: %w", c.r.ID, fmt.Sprintf(format, args...), ErrStaleDecision)
	}
	if u != nil && c.cooldown > 0 && !u.Last.IsZero() && now.Sub(u.Last) < c.cooldown {
		return stale("its cooldown has not passed since %v", u.Last)
	}
	if u != nil && u.Awards > 0 && aw.Bonus.Sign() > 0 {
		return stale("its first-time bonus was given already")
	}
	scale := c.kind.Scale
	points, ok := units(aw.Points, scale)
	if !ok {
		return stale("%s points pass every cap", aw.Points)
	}
	for i, l := range capLimits {
		if c.caps[i] < 0 {
			continue
		}
		if points > room(c.caps[i], periodUsed(u, i, periods[i]), scale) {
			return stale("it would pass the %s", l.phrase())
		}
	}
	if c.caps[3] >= 0 {
		if points > room(c.caps[3], lifetimeUsed(u), scale) {
			return stale("it would pass the %s", LimitLifetime.phrase())
		}
	}
	return nil
}

// sortedKeys returns the keys of m in order.
func sortedKeys(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }
