package incentive

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/qunkit/qun"
	"github.com/shopspring/decimal"
)

// Evaluate applies the earning rules to one event: which rules match the
// event and the member, and what each awards at now, within its caps,
// cooldown and budget. It is deterministic and changes nothing; the host
// (or the [Ledger]) applies the decision. Campaign windows are read on the
// event's local date; caps and cooldowns count by now, when the award is
// made, so that a late event cannot reopen a day that is over.
//
// Evaluate allocates only its result.
func (e *Engine) Evaluate(ev qun.Event, m Member, now time.Time) Decision {
	idx := e.byName[ev.Name]
	if len(idx) == 0 {
		return Decision{}
	}
	var d Decision
	ctx := evalContext{e: e, ev: ev, m: m, now: now}
	for _, i := range idx {
		c := &e.rules[i]
		if !c.matches(&ctx) {
			continue
		}
		if d.Awards == nil {
			d.Awards = make([]Award, 0, len(idx))
		}
		d.Awards = append(d.Awards, Award{})
		c.award(&ctx, &d.Awards[len(d.Awards)-1])
		if c.r.Stop {
			break
		}
	}
	return d
}

// evalContext is what one evaluation shares between rules: dates computed
// once, and the budget drawn by earlier rules.
type evalContext struct {
	e        *Engine
	ev       qun.Event
	m        Member
	now      time.Time
	evDate   qun.Date
	nowIndex [3]int64 // day, week, month of now
	haveEv   bool
	haveNow  bool
	drawn    [4]draw
	more     []draw
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
		d := x.e.cal.Date(x.now)
		for i, g := range [3]qun.Grain{qun.Day, qun.Week, qun.Month} {
			x.nowIndex[i] = x.e.cal.PeriodOn(g, d).Index()
		}
		x.haveNow = true
	}
	return &x.nowIndex
}

// drawnFrom returns what earlier rules of this evaluation drew from a
// budget, and where to add more.
func (x *evalContext) drawnFrom(name string) *int64 {
	for i := range x.drawn {
		if x.drawn[i].name == name {
			return &x.drawn[i].units
		}
		if x.drawn[i].name == "" {
			x.drawn[i].name = name
			return &x.drawn[i].units
		}
	}
	for i := range x.more {
		if x.more[i].name == name {
			return &x.more[i].units
		}
	}
	x.more = append(x.more, draw{name: name})
	return &x.more[len(x.more)-1].units
}

// matches reports whether the rule applies to the event and the member.
func (c *crule) matches(x *evalContext) bool {
	r := c.r
	if !r.Event.Match(x.ev) || !inTiers(x.m.Tier, r.Tiers) || !holdAll(r.Member, x.m.Attrs) {
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

func holdAll(conds []qun.Condition, attrs map[string]string) bool {
	for _, c := range conds {
		v, ok := attrs[c.Prop]
		if !c.Holds(v, ok) {
			return false
		}
	}
	return true
}

// applied returns the bitmask of the rule's multipliers that apply.
func (c *crule) applied(x *evalContext) uint32 {
	var mask uint32
	for i := range c.r.Multipliers {
		mu := &c.r.Multipliers[i]
		if inTiers(x.m.Tier, mu.Tiers) && holdAll(mu.Member, x.m.Attrs) &&
			(mu.Window == nil || mu.Window.Contains(x.eventDate())) {
			mask |= 1 << i
		}
	}
	return mask
}

var one = decimal.New(1, 0)

// award computes the rule's award for a matching event into a.
func (c *crule) award(x *evalContext, a *Award) {
	r := c.r
	scale := c.kind.Scale
	*a = Award{Rule: r.ID, Kind: r.Kind, Factor: one}
	u := x.m.usage(r.ID)
	mask := c.applied(x)
	if mask != 0 {
		n := 0
		for i := range r.Multipliers {
			if mask&(1<<i) != 0 {
				a.Multipliers = append(a.Multipliers, r.Multipliers[i].Name)
				if n == 0 {
					a.Factor = r.Multipliers[i].Factor
				} else {
					a.Factor = a.Factor.Mul(r.Multipliers[i].Factor)
				}
				n++
			}
		}
	}
	if c.cooldown > 0 && u != nil && !u.Last.IsZero() && x.now.Sub(u.Last) < c.cooldown {
		a.Limit = LimitCooldown
		return
	}
	base, want, ok := c.amounts(x.ev.Value.Decimal, mask, false)
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
	points, limit := want, LimitNone
	cut := func(room int64, l Limit) {
		if room < points {
			points, limit = max(room, 0), l
		}
	}
	if c.caps[0] >= 0 || c.caps[1] >= 0 || c.caps[2] >= 0 {
		idx := x.periods()
		for i, t := range c.tallies(u) {
			if c.caps[i] >= 0 {
				cut(c.caps[i]-tallyUsed(t, idx[i], scale), LimitDay+Limit(i))
			}
		}
	}
	if c.caps[3] >= 0 {
		used := int64(0)
		if u != nil {
			used = unitsOrMax(u.Points, scale)
		}
		cut(c.caps[3]-used, LimitLifetime)
	}
	if c.caps[4] >= 0 {
		name := r.Caps.Budget.Name
		used := int64(0)
		for _, b := range x.m.Budgets {
			if b.Name == name {
				used = unitsOrMax(b.Used, scale)
			}
		}
		drawn := x.drawnFrom(name)
		cut(c.caps[4]-used-*drawn, LimitBudget)
		*drawn += points
	}
	if points == base {
		a.Points = a.Base
	} else {
		a.Points = x.e.amount(points, scale)
	}
	a.Wanted = a.Points
	if limit != LimitNone {
		a.Wanted = x.e.amount(want, scale)
		a.Limit = limit
	}
}

// tallies returns the usage's day, week and month tallies.
func (c *crule) tallies(u *Usage) [3]*Tally {
	if u == nil {
		return [3]*Tally{}
	}
	return [3]*Tally{&u.Day, &u.Week, &u.Month}
}

// tallyUsed returns what a tally counts toward the period with the given
// index: its points if it is that period, or a later one (a clock that went
// back is held to the latest period seen), and nothing if it is older.
func tallyUsed(t *Tally, index int64, scale int32) int64 {
	if t == nil || t.Period < index {
		return 0
	}
	return unitsOrMax(t.Points, scale)
}

// unitsOrMax returns d in units, or the largest int64 if it does not fit,
// which leaves no room under any cap.
func unitsOrMax(d decimal.Decimal, scale int32) int64 {
	n, ok := units(d, scale)
	if !ok {
		return 1<<63 - 1
	}
	return n
}

func add(a, b int64) (int64, bool) {
	s := a + b
	return s, s >= a
}

// amounts returns the rule's award for an event value, before bonus and
// caps: the base (without multipliers) and the wanted amount (with the
// multipliers in mask), both in units of the kind, each rounded once from
// the exact value. It computes in int64 and falls back to decimal when a
// step would overflow; slow forces the fallback, for tests. ok is false
// when a result does not fit in an int64.
func (c *crule) amounts(value decimal.Decimal, mask uint32, slow bool) (base, want int64, ok bool) {
	scale, rnd := c.kind.Scale, c.kind.Rounding
	if c.per.m != 0 && (value.Exponent() > 60 || value.Exponent() < -60) {
		return 0, 0, false // no award fits; and decimal would panic near int32 exponents
	}
	if !slow {
		if q, fine := c.baseQuantity(value); fine {
			full := q
			for i, f := range c.factors {
				if mask&(1<<i) != 0 && fine {
					full, fine = full.times(f)
				}
			}
			if fine {
				base, ok1 := q.round(scale, rnd)
				want, ok2 := full.round(scale, rnd)
				if ok1 && ok2 {
					return base, want, true
				}
			}
		}
	}
	num, den := c.r.Points, one
	if c.per.m != 0 {
		if c.r.WholeUnits {
			count, _ := value.QuoRem(c.r.Per, 0)
			num = count.Mul(c.r.Points)
		} else {
			num, den = value.Mul(c.r.Points), c.r.Per
		}
	}
	baseDec := rnd.divRound(num, den, scale)
	for i := range c.r.Multipliers {
		if mask&(1<<i) != 0 {
			num = num.Mul(c.r.Multipliers[i].Factor)
		}
	}
	wantDec := rnd.divRound(num, den, scale)
	base, ok1 := units(baseDec, scale)
	want, ok2 := units(wantDec, scale)
	return base, want, ok1 && ok2
}

// baseQuantity returns the exact award before multipliers, if it fits.
func (c *crule) baseQuantity(value decimal.Decimal) (quantity, bool) {
	if c.per.m == 0 {
		return quantity{c.points.m, 1, c.points.e}, true
	}
	v, ok := fxOf(value)
	if !ok {
		return quantity{}, false
	}
	if c.r.WholeUnits {
		// count = floor(v / per), an integer.
		var count int64
		if d := v.e - c.per.e; d >= 0 {
			n, ok := scaleUp(v.m, d)
			if !ok {
				return quantity{}, false
			}
			count = n / c.per.m
		} else {
			p, ok := scaleUp(c.per.m, -d)
			if !ok {
				return quantity{}, false
			}
			count = v.m / p
		}
		n, ok := mul(count, c.points.m)
		return quantity{n, 1, c.points.e}, ok
	}
	n, ok := mul(v.m, c.points.m)
	return quantity{n, c.per.m, v.e + c.points.e - c.per.e}, ok
}

// recordUsage adds the awards to the account's rule usage and collects
// their budget draws.
func (t *tx) recordUsage(awards []Award) error {
	idx := t.e.cal.Date(t.now)
	var periods [3]int64
	for i, g := range [3]qun.Grain{qun.Day, qun.Week, qun.Month} {
		periods[i] = t.e.cal.PeriodOn(g, idx).Index()
	}
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
		j, found := slices.BinarySearchFunc(t.a.Usage, aw.Rule, func(u Usage, r string) int { return strings.Compare(u.Rule, r) })
		if !found {
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
		if b := t.e.rules[ci].r.Caps.Budget; b.Name != "" {
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

// sortedKeys returns the keys of m in order.
func sortedKeys(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }
