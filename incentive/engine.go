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

// Engine is a compiled [Program]: it evaluates earning rules, and applies
// the ledger's pure operations with the program's kinds and calendar. It
// is immutable, so one Engine serves any number of goroutines.
type Engine struct {
	program Program
	cal     qun.Calendar
	kinds   map[string]*Kind
	rules   []crule          // in evaluation order
	byName  map[string][]int // event name → rules, in evaluation order
	byID    map[string]int   // rule ID → index in rules
	// small holds the decimals 0 to smallUnits-1 in units of each scale a
	// kind uses, so that the usual awards cost no allocation. Decimals
	// are immutable, so awards can share them.
	small [maxScale + 1][]decimal.Decimal
}

// smallUnits bounds the table of ready-made award amounts.
const smallUnits = 2048

// amount returns n units of 10^-scale as a decimal, from the table when it
// can.
func (e *Engine) amount(n int64, scale int32) decimal.Decimal {
	if t := e.small[scale]; n >= 0 && n < int64(len(t)) {
		return t[n]
	}
	return fromUnits(n, scale)
}

// crule is a rule compiled for evaluation: its constants as int64.
type crule struct {
	r        *Rule
	kind     *Kind
	points   fx
	per      fx // zero m: a fixed award
	factors  []fx
	bonus    int64 // units
	bonusDec decimal.Decimal
	caps     [5]int64 // day, week, month, lifetime, budget; -1 for none
	cooldown time.Duration
}

// Compile validates p and compiles it into an Engine.
func Compile(p Program) (*Engine, error) {
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("incentive: compile program: %w", err)
	}
	e := &Engine{
		cal:    p.Calendar,
		kinds:  make(map[string]*Kind, len(p.Kinds)),
		byName: make(map[string][]int),
		byID:   make(map[string]int, len(p.Rules)),
	}
	e.program = Program{Calendar: p.Calendar, Kinds: slices.Clone(p.Kinds), Rules: slices.Clone(p.Rules)}
	for i := range e.program.Kinds {
		k := &e.program.Kinds[i]
		e.kinds[k.Name] = k
		if e.small[k.Scale] == nil {
			e.small[k.Scale] = make([]decimal.Decimal, smallUnits)
			for n := range e.small[k.Scale] {
				e.small[k.Scale][n] = fromUnits(int64(n), k.Scale)
			}
		}
	}
	order := make([]int, len(e.program.Rules))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return e.program.Rules[b].Priority - e.program.Rules[a].Priority })
	for _, i := range order {
		r := &e.program.Rules[i]
		c := crule{r: r, kind: e.kinds[r.Kind], cooldown: time.Duration(r.Cooldown)}
		c.points, _ = fxOf(r.Points)
		c.per, _ = fxOf(r.Per)
		for _, m := range r.Multipliers {
			f, _ := fxOf(m.Factor)
			c.factors = append(c.factors, f)
		}
		c.bonusDec = c.kind.Round(r.FirstTimeBonus)
		var ok bool
		if c.bonus, ok = units(c.bonusDec, c.kind.Scale); !ok {
			return nil, fmt.Errorf("incentive: compile program: %w", qun.Invalid("rules["+fmt.Sprint(i)+"].first_time_bonus", "is too large"))
		}
		for j, d := range []decimal.Decimal{r.Caps.Day, r.Caps.Week, r.Caps.Month, r.Caps.Lifetime, r.Caps.Budget.Limit} {
			c.caps[j] = -1
			if d.Sign() > 0 {
				c.caps[j], _ = units(d, c.kind.Scale)
			}
		}
		e.byID[r.ID] = len(e.rules)
		e.byName[r.Event.Name] = append(e.byName[r.Event.Name], len(e.rules))
		e.rules = append(e.rules, c)
	}
	return e, nil
}

// Program returns a copy of the program e was compiled from.
func (e *Engine) Program() Program {
	p := e.program
	p.Kinds = slices.Clone(p.Kinds)
	p.Rules = slices.Clone(p.Rules)
	return p
}

// Kind returns the kind of points with the given name.
func (e *Engine) Kind(name string) (Kind, bool) {
	k, ok := e.kinds[name]
	if !ok {
		return Kind{}, false
	}
	return *k, true
}

// Calendar returns the program's calendar.
func (e *Engine) Calendar() qun.Calendar { return e.cal }

// Member is what the earning rules know about a member beyond the event:
// the tier and attributes the host supplies, and the usage of each rule and
// campaign budget, which the [Ledger] reads from the member's accounts and
// the store.
type Member struct {
	// Tier is the member's tier (会员等级), if the host has tiers.
	Tier string `json:"tier,omitempty"`
	// Attrs are the member's attributes: city, channel, "staff".
	Attrs map[string]string `json:"attrs,omitempty"`
	// Usage is each rule's usage: the Usage of the member's accounts of
	// every kind the rules award.
	Usage []Usage `json:"usage,omitempty"`
	// Budgets is the state of the campaign budgets the rules draw from.
	Budgets []Budget `json:"budgets,omitempty"`
}

// usage returns the member's usage of a rule, or nil. Usage is kept
// sorted by rule (as accounts keep it, and the Ledger passes it), so a
// binary search finds it; on an unsorted slice the search can only miss,
// never find the wrong rule, so a miss falls back to a scan.
func (m *Member) usage(rule string) *Usage {
	lo, hi := 0, len(m.Usage)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if m.Usage[mid].Rule < rule {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo < len(m.Usage) && m.Usage[lo].Rule == rule {
		return &m.Usage[lo]
	}
	for i := range m.Usage {
		if m.Usage[i].Rule == rule {
			return &m.Usage[i]
		}
	}
	return nil
}

// Budget is the state of a campaign budget: what all members were awarded
// from it so far.
type Budget struct {
	Name string          `json:"name"`
	Used decimal.Decimal `json:"used"`
}

// BudgetDraw is an operation's draw on a campaign budget: a store adds
// Points to the budget's Used, atomically with the rest of the append, and
// refuses the append if the sum would pass Limit.
type BudgetDraw struct {
	Name   string          `json:"name"`
	Points decimal.Decimal `json:"points"`
	Limit  decimal.Decimal `json:"limit"`
}

// Decision is what the earning rules decided for one event: one Award per
// matching rule, in evaluation order, including those that a cap or a
// cooldown left with nothing, so that a member can be told why.
type Decision struct {
	Awards []Award `json:"awards,omitempty"`
}

// Award is what one rule awarded for one event, and why: rules must be
// transparent to members (积分规则透明).
type Award struct {
	// Rule and Kind are the rule and the kind of points it awards.
	Rule string `json:"rule"`
	Kind string `json:"kind"`
	// Base is the points before multipliers, bonus and caps, rounded to
	// the kind's scale.
	Base decimal.Decimal `json:"base"`
	// Multipliers names the multipliers that applied, and Factor is their
	// product (1 when none did).
	Multipliers []string        `json:"multipliers,omitempty"`
	Factor      decimal.Decimal `json:"factor"`
	// Bonus is the first-time bonus, if this was the rule's first award.
	Bonus decimal.Decimal `json:"bonus"`
	// Wanted is Base × Factor (rounded once, from the exact product) plus
	// Bonus: what the rule would award without limits.
	Wanted decimal.Decimal `json:"wanted"`
	// Points is what is awarded, at the kind's scale: Wanted, or less when
	// Limit cut it.
	Points decimal.Decimal `json:"points"`
	// Limit says what cut Wanted down to Points, or is LimitNone.
	Limit Limit `json:"limit,omitzero"`
}

// Explain says in a sentence how the award came about.
func (a Award) Explain() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s", a.Rule, a.Base)
	if len(a.Multipliers) > 0 {
		fmt.Fprintf(&b, " × %s (%s)", a.Factor, strings.Join(a.Multipliers, ", "))
	}
	if a.Bonus.Sign() > 0 {
		fmt.Fprintf(&b, " + %s first-time bonus", a.Bonus)
	}
	if a.Limit != LimitNone {
		fmt.Fprintf(&b, " = %s, cut to %s by the %s", a.Wanted, a.Points, a.Limit.phrase())
	} else {
		fmt.Fprintf(&b, " = %s", a.Points)
	}
	return b.String()
}

// Limit is what cut an award.
type Limit uint8

// The limits.
const (
	LimitNone     Limit = iota // nothing: the award is what the rule wants
	LimitCooldown              // the rule's cooldown has not passed: "cooldown"
	LimitDay                   // the daily cap: "day"
	LimitWeek                  // the weekly cap: "week"
	LimitMonth                 // the monthly cap: "month"
	LimitLifetime              // the lifetime cap: "lifetime"
	LimitBudget                // the campaign budget: "budget"
	LimitOverflow              // an amount too large to hold: "overflow"
)

var limitNames = [...]string{"", "cooldown", "day", "week", "month", "lifetime", "budget", "overflow"}
var limitPhrases = [...]string{"", "cooldown", "daily cap", "weekly cap", "monthly cap", "lifetime cap", "campaign budget", "largest amount an award can hold"}

func (l Limit) phrase() string {
	if int(l) < len(limitPhrases) {
		return limitPhrases[l]
	}
	return l.String()
}

// String returns the limit's name.
func (l Limit) String() string {
	if int(l) < len(limitNames) {
		return limitNames[l]
	}
	return fmt.Sprintf("Limit(%d)", uint8(l))
}

// MarshalText writes the limit's name.
func (l Limit) MarshalText() ([]byte, error) {
	if int(l) >= len(limitNames) {
		return nil, fmt.Errorf("incentive: marshal limit %d: %w", uint8(l), qun.Invalid("", "not a limit"))
	}
	return []byte(limitNames[l]), nil
}

// UnmarshalText reads a limit's name.
func (l *Limit) UnmarshalText(text []byte) error {
	for i, n := range limitNames {
		if n == string(text) {
			*l = Limit(i)
			return nil
		}
	}
	return fmt.Errorf("incentive: parse limit %q: %w", text, qun.Invalid("", "not a limit"))
}

// Total returns the points the decision awards of the given kind.
func (d Decision) Total(kind string) decimal.Decimal {
	sum := decimal.Zero
	for _, a := range d.Awards {
		if a.Kind == kind {
			sum = sum.Add(a.Points)
		}
	}
	return sum
}

// EarnRequests turns the decision into one earn per kind that gained
// points, for the member of ev in the community, keyed by the event's ID:
// what a host that applies earns itself sends to its ledger.
func (d Decision) EarnRequests(community string, ev qun.Event) []EarnRequest {
	var reqs []EarnRequest
	for _, a := range d.Awards {
		i := slices.IndexFunc(reqs, func(r EarnRequest) bool { return r.Account.Kind == a.Kind })
		if i < 0 {
			reqs = append(reqs, EarnRequest{
				Account: AccountID{community, ev.Member, a.Kind}, Key: ev.ID,
				Points: decimal.Zero, Reason: ev.Name,
			})
			i = len(reqs) - 1
		}
		reqs[i].Points = reqs[i].Points.Add(a.Points)
		reqs[i].Awards = append(reqs[i].Awards, a)
	}
	return slices.DeleteFunc(reqs, func(r EarnRequest) bool { return r.Points.Sign() <= 0 })
}

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
