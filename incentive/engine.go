package incentive

import (
	"fmt"
	"slices"
	"time"

	"github.com/qunkit/qun"
	"github.com/shopspring/decimal"
)

// Engine is a compiled [Program]: it evaluates earning rules, and applies
// the ledger's pure operations with the program's kinds and calendar. It
// is immutable, so one Engine serves any number of goroutines.
type Engine struct {
	program    Program
	cal        qun.Calendar
	kinds      map[string]*Kind
	rules      []crule           // in evaluation order
	conds      []cond            // the distinct conditions of the rules
	exact      exactGroups       // the many exact conditions on one cached property, by slot
	byName     map[string][]gate // event name → its rules, in evaluation order
	byID       map[string]int    // rule ID → index in rules
	loc        *time.Location
	weekAnchor int64 // day number of the first day of week 0 (see qun.Period.Index)
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
	periodic bool     // a cap of a day, week or month is set
	cooldown time.Duration
	// conds are the rule's conditions on the event and on the member, and
	// mulConds those of each multiplier, as indexes into Engine.conds.
	conds    []int32
	mulConds [][]int32
	// idRank is the rule's index among the program's rules sorted by ID.
	idRank int
	// products holds the product of the factors of each set of
	// multipliers (by bitmask) for rules with up to maxProducts of them,
	// so that an award shares its Factor instead of computing it.
	products []decimal.Decimal
}

// gate is a rule's place in the dispatch by event name, with the first of
// its conditions: the rules an event's name selects that do not take the
// event mostly fail on it, and a gate tests it from the evaluation's memo
// without reading the rule.
type gate struct {
	rule  int32 // index in Engine.rules
	first int32 // index in Engine.conds, or -1 if the rule has no condition
}

// maxProducts is the most multipliers a rule may have for its products
// to be tabled: 2^4 = 16 decimals per rule.
const maxProducts = 4

// Compile validates p and compiles it into an Engine.
func Compile(p Program) (*Engine, error) {
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("incentive: compile program: %w", err)
	}
	e := &Engine{
		cal:        p.Calendar,
		loc:        p.Calendar.Location(),
		weekAnchor: -((int64(time.Thursday)-int64(p.Calendar.WeekStart))%7 + 7) % 7,
		kinds:      make(map[string]*Kind, len(p.Kinds)),
		byName:     make(map[string][]gate),
		byID:       make(map[string]int, len(p.Rules)),
	}
	e.program = Program{Calendar: p.Calendar, Kinds: slices.Clone(p.Kinds), Rules: make([]Rule, len(p.Rules))}
	for i, r := range p.Rules {
		e.program.Rules[i] = r.clone()
	}
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
	ids := make([]string, len(e.program.Rules))
	for i, r := range e.program.Rules {
		ids[i] = r.ID
	}
	slices.Sort(ids)
	var conds condTable
	for _, i := range order {
		r := &e.program.Rules[i]
		c := crule{r: r, kind: e.kinds[r.Kind], cooldown: time.Duration(r.Cooldown)}
		c.idRank, _ = slices.BinarySearch(ids, r.ID)
		c.conds = append(conds.add(r.Event.Where, false), conds.add(r.Member, true)...)
		for j := range r.Multipliers {
			c.mulConds = append(c.mulConds, conds.add(r.Multipliers[j].Member, true))
		}
		c.points, _ = fxOf(r.Points)
		c.per, _ = fxOf(r.Per)
		for _, m := range r.Multipliers {
			f, _ := fxOf(m.Factor)
			c.factors = append(c.factors, f)
		}
		if n := len(r.Multipliers); n <= maxProducts {
			c.products = make([]decimal.Decimal, 1<<n)
			for mask := range c.products {
				f := one
				for j := range r.Multipliers {
					if mask&(1<<j) != 0 {
						f = f.Mul(r.Multipliers[j].Factor)
					}
				}
				c.products[mask] = f
			}
		}
		c.bonusDec = c.kind.Round(r.FirstTimeBonus)
		var ok bool
		if c.bonus, ok = units(c.bonusDec, c.kind.Scale); !ok {
			return nil, fmt.Errorf("incentive: compile program: %w", qun.Invalid("rules["+fmt.Sprint(i)+"].first_time_bonus", "is too large"))
		}
		for j, d := range []decimal.NullDecimal{r.Caps.Day, r.Caps.Week, r.Caps.Month, r.Caps.Lifetime, {Decimal: r.Caps.Budget.Limit, Valid: r.Caps.Budget.Name != ""}} {
			c.caps[j] = -1
			if d.Valid {
				c.caps[j], _ = units(d.Decimal, c.kind.Scale)
			}
		}
		c.periodic = c.caps[0] >= 0 || c.caps[1] >= 0 || c.caps[2] >= 0
		e.byID[r.ID] = len(e.rules)
		g := gate{rule: int32(len(e.rules)), first: -1}
		if len(c.conds) > 0 {
			g.first = c.conds[0]
		}
		e.byName[r.Event.Name] = append(e.byName[r.Event.Name], g)
		e.rules = append(e.rules, c)
	}
	e.conds = conds.conds
	e.exact = conds.exactGroups()
	return e, nil
}

// clone returns a copy of r that shares nothing with it, so that an
// Engine cannot change when the program it was compiled from does.
func (r Rule) clone() Rule {
	r.Event.Where = cloneConds(r.Event.Where)
	r.Member = cloneConds(r.Member)
	r.Tiers = slices.Clone(r.Tiers)
	if r.Active != nil {
		w := *r.Active
		r.Active = &w
	}
	r.Multipliers = slices.Clone(r.Multipliers)
	for i := range r.Multipliers {
		m := &r.Multipliers[i]
		m.Tiers = slices.Clone(m.Tiers)
		m.Member = cloneConds(m.Member)
		if m.Window != nil {
			w := *m.Window
			m.Window = &w
		}
	}
	return r
}

func cloneConds(cs []qun.Condition) []qun.Condition {
	cs = slices.Clone(cs)
	for i := range cs {
		cs[i].Values = slices.Clone(cs[i].Values)
	}
	return cs
}

// Program returns a copy of the program e was compiled from.
func (e *Engine) Program() Program {
	p := e.program
	p.Kinds = slices.Clone(p.Kinds)
	p.Rules = make([]Rule, len(e.program.Rules))
	for i, r := range e.program.Rules {
		p.Rules[i] = r.clone()
	}
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
