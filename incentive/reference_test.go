package incentive_test

import (
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// TestEvaluateMatchesReference pins Engine.Evaluate, whose awards are
// computed in int64 with a decimal fallback, to a reference evaluation
// written in exact rational arithmetic (math/big.Rat) straight from the
// documented semantics: for generated programs (fixed and per-unit rules,
// whole units, up to six multipliers, first-time bonuses, cooldowns, caps
// of every period and shared budgets that cut, priorities and stops),
// every rounding and scale, event values at the edges of int64 and past
// them, and usage that fills caps, every award is the same, decimal for
// decimal: the same value and the same exponent.
func TestEvaluateMatchesReference(t *testing.T) {
	reached := map[string]int{}
	rapid.Check(t, func(t *rapid.T) {
		p := drawProgram(t)
		eng, err := incentive.Compile(p)
		if err != nil {
			t.Fatalf("generated program is invalid: %v", err)
		}
		ev := drawEvent(t)
		m := incentive.Member{Tier: rapid.SampledFrom([]string{"", "silver", "gold"}).Draw(t, "tier"), Attrs: drawProps(t, "attribute")}
		now := ev.Time.Add(time.Duration(rapid.Int64Range(0, 3*86400).Draw(t, "delay")) * time.Second)
		s := drawRuleState(t, p, now)
		got := eng.Evaluate(ev, m, s, now).Awards
		want := referenceEvaluate(p, ev, m, s, now)
		if diff := cmp.Diff(want, got, cmp.Comparer(sameDecimal)); diff != "" {
			t.Fatalf("Evaluate differs from the reference (-want +got):\n%s", diff)
		}
		for _, a := range got {
			reached["limit "+a.Limit.String()]++
			if !a.Unrounded.IsZero() {
				reached["a rounded base"]++
			}
			if a.Bonus.Sign() > 0 && a.Limit != incentive.LimitOverflow {
				reached["a first-time bonus"]++
			}
			if c := ev.Value.Decimal.Coefficient(); !c.IsInt64() && a.Limit != incentive.LimitOverflow && !p.Rules[ruleIndex(p, a.Rule)].Per.IsZero() {
				reached["an award from a value past int64"]++
			}
		}
	})
	t.Log(reached)
	for _, what := range []string{"limit ", "limit cooldown", "limit day", "limit week", "limit month", "limit lifetime", "limit budget",
		"limit overflow", "a rounded base", "a first-time bonus", "an award from a value past int64"} {
		if reached[what] == 0 && !testing.Short() {
			t.Errorf("the property did not reach %q", what)
		}
	}
}

func ruleIndex(p incentive.Program, id string) int {
	return slices.IndexFunc(p.Rules, func(r incentive.Rule) bool { return r.ID == id })
}

// sameDecimal reports whether a and b are the same decimal: the same
// coefficient and the same exponent, not only the same value.
func sameDecimal(a, b decimal.Decimal) bool {
	return a.Exponent() == b.Exponent() && a.Coefficient().Cmp(b.Coefficient()) == 0
}

// referenceEvaluate is Evaluate's documented semantics in big.Rat.
func referenceEvaluate(p incentive.Program, ev qun.Event, m incentive.Member, s incentive.RuleState, now time.Time) []incentive.Award {
	cal := p.Calendar
	evDate := cal.Date(ev.Time)
	periods := [3]int64{cal.Index(qun.Day, now), cal.Index(qun.Week, now), cal.Index(qun.Month, now)}
	rules := slices.Clone(p.Rules)
	slices.SortStableFunc(rules, func(a, b incentive.Rule) int { return b.Priority - a.Priority })
	drawn := map[string]*big.Int{}
	var awards []incentive.Award
	for _, r := range rules {
		if !referenceMatches(r, ev, m, evDate) {
			continue
		}
		kind := p.Kinds[slices.IndexFunc(p.Kinds, func(k incentive.Kind) bool { return k.Name == r.Kind })]
		awards = append(awards, referenceAward(r, kind, ev, m, s, now, evDate, periods, drawn))
		if r.Stop {
			break
		}
	}
	return awards
}

func referenceMatches(r incentive.Rule, ev qun.Event, m incentive.Member, evDate qun.Date) bool {
	if r.Event.Name != ev.Name || !allHold(r.Event.Where, ev.Props) || !allHold(r.Member, m.Attrs) {
		return false
	}
	if len(r.Tiers) > 0 && !slices.Contains(r.Tiers, m.Tier) || r.Active != nil && !r.Active.Contains(evDate) {
		return false
	}
	return r.Per.IsZero() || ev.Value.Valid && ev.Value.Decimal.Sign() > 0
}

func allHold(conds []qun.Condition, props map[string]string) bool {
	for _, c := range conds {
		v, ok := props[c.Prop]
		if !c.Holds(v, ok) {
			return false
		}
	}
	return true
}

func referenceAward(r incentive.Rule, kind incentive.Kind, ev qun.Event, m incentive.Member, s incentive.RuleState,
	now time.Time, evDate qun.Date, periods [3]int64, drawn map[string]*big.Int) incentive.Award {
	a := incentive.Award{Rule: r.ID, Kind: r.Kind, Factor: decimal.New(1, 0)}
	factor := big.NewRat(1, 1)
	for _, mu := range r.Multipliers {
		if (len(mu.Tiers) == 0 || slices.Contains(mu.Tiers, m.Tier)) && allHold(mu.Member, m.Attrs) &&
			(mu.Window == nil || mu.Window.Contains(evDate)) {
			a.Multipliers = append(a.Multipliers, mu.Name)
			a.Factor = a.Factor.Mul(mu.Factor)
			factor.Mul(factor, rat(mu.Factor))
		}
	}
	var u *incentive.Usage
	if i := slices.IndexFunc(s.Usage, func(u incentive.Usage) bool { return u.Rule == r.ID }); i >= 0 {
		u = &s.Usage[i]
	}
	if r.Cooldown > 0 && u != nil && !u.Last.IsZero() && now.Sub(u.Last) < time.Duration(r.Cooldown) {
		a.Limit = incentive.LimitCooldown
		return a
	}
	// An event value with an exponent past ±60 earns nothing from a
	// per-unit rule: a documented guard, reported as an overflow.
	if !r.Per.IsZero() && (ev.Value.Decimal.Exponent() > 60 || ev.Value.Decimal.Exponent() < -60) {
		a.Limit = incentive.LimitOverflow
		return a
	}
	exact := rat(r.Points) // the base before rounding
	if !r.Per.IsZero() {
		v := rat(ev.Value.Decimal)
		if r.WholeUnits {
			units := new(big.Rat).Quo(v, rat(r.Per))
			count := new(big.Int).Quo(units.Num(), units.Denom()) // whole units: cut, not rounded
			exact = new(big.Rat).Mul(new(big.Rat).SetInt(count), rat(r.Points))
		} else {
			exact = new(big.Rat).Quo(new(big.Rat).Mul(v, rat(r.Points)), rat(r.Per))
		}
	}
	base := roundRat(exact, kind.Scale, kind.Rounding)
	want := roundRat(new(big.Rat).Mul(exact, factor), kind.Scale, kind.Rounding)
	if !base.IsInt64() || !want.IsInt64() {
		a.Limit = incentive.LimitOverflow
		return a
	}
	if u == nil || u.Awards == 0 {
		a.Bonus = kind.Round(r.FirstTimeBonus)
		want.Add(want, unitsOf(a.Bonus, kind.Scale))
		if !want.IsInt64() {
			a.Limit = incentive.LimitOverflow
			return a
		}
	}
	a.Base = decimal.NewFromBigInt(base, -kind.Scale)
	if new(big.Rat).SetFrac(base, pow10Int(kind.Scale)).Cmp(exact) != 0 {
		// Cut, not rounded, to 9 places.
		nine := new(big.Rat).Mul(exact, new(big.Rat).SetInt(pow10Int(9)))
		a.Unrounded = decimal.NewFromBigInt(new(big.Int).Quo(nine.Num(), nine.Denom()), -9)
	}
	points, limit := new(big.Int).Set(want), incentive.LimitNone
	cut := func(room *big.Int, l incentive.Limit) {
		if room.Cmp(points) < 0 {
			points, limit = room, l
			if room.Sign() < 0 {
				points = new(big.Int)
			}
		}
	}
	caps := [3]decimal.NullDecimal{r.Caps.Day, r.Caps.Week, r.Caps.Month}
	for i, l := range []incentive.Limit{incentive.LimitDay, incentive.LimitWeek, incentive.LimitMonth} {
		if !caps[i].Valid {
			continue
		}
		used := new(big.Int)
		if u != nil {
			if t := [3]incentive.Tally{u.Day, u.Week, u.Month}[i]; t.Period >= periods[i] {
				used = ceilUnits(t.Points, kind.Scale)
			}
		}
		cut(new(big.Int).Sub(unitsOf(caps[i].Decimal, kind.Scale), used), l)
	}
	if r.Caps.Lifetime.Valid {
		used := new(big.Int)
		if u != nil {
			used = ceilUnits(u.Points, kind.Scale)
		}
		cut(new(big.Int).Sub(unitsOf(r.Caps.Lifetime.Decimal, kind.Scale), used), incentive.LimitLifetime)
	}
	if b := r.Caps.Budget; b.Name != "" {
		used := new(big.Int)
		for _, st := range s.Budgets {
			if st.Name == b.Name {
				used = ceilUnits(st.Used, kind.Scale)
			}
		}
		if drawn[b.Name] == nil {
			drawn[b.Name] = new(big.Int)
		}
		room := new(big.Int).Sub(unitsOf(b.Limit, kind.Scale), used)
		cut(room.Sub(room, drawn[b.Name]), incentive.LimitBudget)
		drawn[b.Name].Add(drawn[b.Name], points)
	}
	a.Wanted = decimal.NewFromBigInt(want, -kind.Scale)
	a.Points = decimal.NewFromBigInt(points, -kind.Scale)
	a.Limit = limit
	return a
}

func rat(d decimal.Decimal) *big.Rat { return d.Rat() }

func pow10Int(n int32) *big.Int { return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil) }

// unitsOf returns d, a multiple of 10^-scale, as a count of 10^-scale.
func unitsOf(d decimal.Decimal, scale int32) *big.Int { return d.Shift(scale).BigInt() }

// ceilUnits returns d, which is not negative, in units of 10^-scale,
// rounded up: what a tally counts against a cap.
func ceilUnits(d decimal.Decimal, scale int32) *big.Int { return d.Shift(scale).RoundCeil(0).BigInt() }

// roundRat returns x ≥ 0 in units of 10^-scale, rounded with r.
func roundRat(x *big.Rat, scale int32, r incentive.Rounding) *big.Int {
	y := new(big.Rat).Mul(x, new(big.Rat).SetInt(pow10Int(scale)))
	q, rem := new(big.Int).QuoRem(y.Num(), y.Denom(), new(big.Int))
	if rem.Sign() == 0 {
		return q
	}
	twice := new(big.Int).Lsh(rem, 1)
	var up bool
	switch c := twice.Cmp(y.Denom()); r {
	case incentive.Up:
		up = true
	case incentive.HalfUp:
		up = c >= 0
	case incentive.HalfEven:
		up = c > 0 || c == 0 && q.Bit(0) == 1
	}
	if up {
		q.Add(q, big.NewInt(1))
	}
	return q
}

// The generators below lean on the edges: amounts of 18, 19 and 20
// digits about math.MaxInt64 (incentive.DrawCoefficient), caps a few units
// wide, usage at and past the caps, and budgets shared by several rules.

// drawUnits draws an amount at the scale: a few units, usually, so that
// caps cut; sometimes up to max units.
func drawUnits(t *rapid.T, label string, scale int32, max int64) decimal.Decimal {
	n := rapid.Int64Range(0, 40).Draw(t, label)
	if rapid.IntRange(0, 5).Draw(t, label+" huge") == 0 {
		n = rapid.Int64Range(0, max).Draw(t, label+" units")
	}
	return decimal.New(n, -scale)
}

func drawProgram(t *rapid.T) incentive.Program {
	var kinds []incentive.Kind
	for i := range rapid.IntRange(1, 2).Draw(t, "kinds") {
		kinds = append(kinds, incentive.Kind{Name: "k" + strconv.Itoa(i),
			Scale:    int32(rapid.IntRange(0, 6).Draw(t, "scale")),
			Rounding: incentive.Rounding(rapid.IntRange(0, 3).Draw(t, "rounding"))})
	}
	// A quarter of the programs are wild: constants of up to 18 digits and
	// large exponents, and up to six multipliers, which overflow int64
	// often. The others are what communities write.
	wild := rapid.IntRange(0, 3).Draw(t, "wild") == 0
	constant := func(label string, minExp, maxExp int32) decimal.Decimal {
		if wild {
			return incentive.DrawConstant(t, label, minExp, maxExp)
		}
		return decimal.New(rapid.Int64Range(1, 999).Draw(t, label), int32(rapid.IntRange(int(max(minExp, -3)), int(min(maxExp, 2))).Draw(t, label+" exponent")))
	}
	budgets := map[string]decimal.Decimal{}
	holiday := &incentive.Window{From: qun.DateOf(t0), Until: qun.DateOf(t0)}
	var rules []incentive.Rule
	for i := range rapid.IntRange(1, 12).Draw(t, "rules") {
		kind := rapid.SampledFrom(kinds).Draw(t, "kind")
		r := incentive.Rule{ID: "r" + strconv.Itoa(i), Kind: kind.Name, Event: qun.EventFilter{Name: "e"},
			Priority: rapid.IntRange(0, 3).Draw(t, "priority"), Stop: rapid.IntRange(0, 5).Draw(t, "stop") == 0}
		if rapid.IntRange(0, 7).Draw(t, "other event") == 0 {
			r.Event.Name = "other"
		}
		switch rapid.IntRange(0, 2).Draw(t, "award") {
		case 0: // fixed: exact at the scale
			r.Points = constant("points", -kind.Scale, 12)
		case 1, 2: // per unit of the event's value
			r.Points = constant("rate", -9, 6)
			r.Per = constant("per", -9, 12)
			r.WholeUnits = rapid.Bool().Draw(t, "whole units")
		}
		r.Event.Where = drawConditions(t, "event condition")
		if rapid.IntRange(0, 4).Draw(t, "for tiers") == 0 {
			r.Tiers = []string{"gold"}
		}
		r.Member = drawConditions(t, "member condition")
		if rapid.IntRange(0, 5).Draw(t, "campaign") == 0 {
			r.Active = holiday
		}
		most := 2
		if wild {
			most = 6
		}
		for j := range rapid.IntRange(0, most).Draw(t, "multipliers") {
			mu := incentive.Multiplier{Name: "m" + strconv.Itoa(j), Factor: constant("factor", -9, 2)}
			switch rapid.IntRange(0, 3).Draw(t, "multiplier condition") {
			case 1:
				mu.Tiers = []string{rapid.SampledFrom([]string{"silver", "gold"}).Draw(t, "multiplier tier")}
			case 2:
				mu.Window = holiday
			case 3:
				mu.Member = drawConditions(t, "multiplier condition")
			}
			r.Multipliers = append(r.Multipliers, mu)
		}
		if rapid.Bool().Draw(t, "first-time bonus") {
			r.FirstTimeBonus = drawUnits(t, "bonus", kind.Scale, 1e18-1) // 18 digits at most
		}
		if r.Points.IsZero() && r.FirstTimeBonus.IsZero() {
			r.FirstTimeBonus = decimal.New(1, 0)
		}
		if rapid.IntRange(0, 2).Draw(t, "cooldown") == 0 {
			r.Cooldown = qun.Duration(time.Duration(rapid.IntRange(1, 48).Draw(t, "cooldown hours")) * time.Hour)
		}
		for j, c := range []*decimal.NullDecimal{&r.Caps.Day, &r.Caps.Week, &r.Caps.Month, &r.Caps.Lifetime} {
			if rapid.IntRange(0, 2).Draw(t, "cap "+strconv.Itoa(j)) == 0 {
				*c = incentive.Cap(drawUnits(t, "cap", kind.Scale, math.MaxInt64))
			}
		}
		if rapid.Bool().Draw(t, "budget") {
			name := "b-" + kind.Name + "-" + strconv.Itoa(rapid.IntRange(0, 3).Draw(t, "budget name")/3)
			if _, ok := budgets[name]; !ok {
				if budgets[name] = drawUnits(t, "budget limit", kind.Scale, math.MaxInt64); budgets[name].IsZero() {
					budgets[name] = decimal.New(1, -kind.Scale) // a budget is positive
				}
			}
			r.Caps.Budget = incentive.BudgetCap{Name: name, Limit: budgets[name]}
		}
		rules = append(rules, r)
	}
	return incentive.Program{Calendar: calSH, Kinds: kinds, Rules: rules}
}

// condProps are the properties (and attributes) conditions test: more
// than the engine caches the values of, so that some are looked up each
// time.
var condProps = []string{"channel", "city", "store", "sku", "p4", "p5", "p6", "p7", "p8", "p9", "p10"}

// drawConditions draws up to three conditions, usually none, on the
// properties condProps over a few values, so that rules share some
// conditions and not others, and a program has more distinct conditions
// than fit a few bits.
func drawConditions(t *rapid.T, label string) []qun.Condition {
	var conds []qun.Condition
	for range rapid.IntRange(-5, 3).Draw(t, label+"s") {
		c := qun.Condition{Prop: rapid.SampledFrom(condProps).Draw(t, label+" property"),
			Op: rapid.SampledFrom([]qun.Op{qun.OpExact, qun.OpIsNot, qun.OpIContains, qun.OpGT, qun.OpIsSet, qun.OpIsNotSet}).Draw(t, label+" op")}
		switch c.Op {
		case qun.OpExact, qun.OpIsNot:
			c.Values = rapid.SliceOfNDistinct(rapid.SampledFrom([]string{"a", "b", "c"}), 1, 2, rapid.ID[string]).Draw(t, label+" values")
		case qun.OpIContains:
			c.Values = []string{rapid.SampledFrom([]string{"A", "b"}).Draw(t, label+" substring")}
		case qun.OpGT:
			c.Values = []string{rapid.SampledFrom([]string{"1", "5"}).Draw(t, label+" bound")}
		}
		conds = append(conds, c)
	}
	return conds
}

// drawProps draws values for some of condProps.
func drawProps(t *rapid.T, label string) map[string]string {
	props := map[string]string{}
	for _, p := range condProps {
		if rapid.IntRange(0, 2).Draw(t, label+" "+p) > 0 {
			props[p] = rapid.SampledFrom([]string{"a", "b", "c", "ab", "3", "10"}).Draw(t, label+" "+p+" value")
		}
	}
	return props
}

// drawEvent draws an event "e" (or sometimes "other") on the holiday or the
// day after, with a value that is often at or past the edges of int64,
// and sometimes missing, zero or negative.
func drawEvent(t *rapid.T) qun.Event {
	at := t0.Add(time.Duration(rapid.Int64Range(0, 2*86400).Draw(t, "event seconds")) * time.Second)
	ev := qun.Event{ID: "ev", Member: "lin", Name: "e", Time: at}
	if rapid.IntRange(0, 9).Draw(t, "event name") == 0 {
		ev.Name = "other"
	}
	ev.Props = drawProps(t, "property")
	switch rapid.IntRange(0, 9).Draw(t, "value") {
	case 0: // none
	case 1:
		ev.Value = decimal.NewNullDecimal(decimal.New(-rapid.Int64Range(0, 100).Draw(t, "not positive"), 0))
	case 2:
		exp := rapid.SampledFrom([]int32{-62, -61, -60, 60, 61, 62}).Draw(t, "extreme exponent")
		ev.Value = decimal.NewNullDecimal(decimal.New(rapid.Int64Range(1, 999).Draw(t, "extreme"), exp))
	case 3: // a coefficient past int64, of a plausible amount: 9223372.036854775808
		c, _ := new(big.Int).SetString(rapid.SampledFrom([]string{"9223372036854775808", "9999999999999999999", "18446744073709551616",
			"12345678901234567890"}).Draw(t, "coefficient past int64"), 10)
		ev.Value = decimal.NewNullDecimal(decimal.NewFromBigInt(c, -int32(rapid.IntRange(6, 16).Draw(t, "places"))))
	default:
		c := incentive.DrawCoefficient(t, "value", 20)
		top := 6
		if rapid.IntRange(0, 3).Draw(t, "far past int64") == 0 {
			top = 20
		}
		ev.Value = decimal.NewNullDecimal(decimal.NewFromBigInt(c, int32(rapid.IntRange(-12, top).Draw(t, "value exponent"))))
	}
	return ev
}

// drawRuleState draws the member's usage of some of the rules (at now's
// periods, earlier or later ones, at and past the caps, finer than the
// scale, or too large for an int64) and the budgets' use.
func drawRuleState(t *rapid.T, p incentive.Program, now time.Time) incentive.RuleState {
	var s incentive.RuleState
	used := func(label string) decimal.Decimal {
		switch rapid.IntRange(0, 5).Draw(t, label+" form") {
		case 0:
			return decimal.Zero
		case 1: // finer than any scale: rounded up against a cap
			return decimal.New(rapid.Int64Range(1, 99999).Draw(t, label+" fine"), -7)
		case 2: // too large for an int64 of units
			return decimal.NewFromBigInt(incentive.DrawCoefficient(t, label+" huge", 20), 6)
		}
		return decimal.New(rapid.Int64Range(0, 50).Draw(t, label), 0)
	}
	for _, r := range p.Rules {
		if !rapid.Bool().Draw(t, "usage of "+r.ID) {
			continue
		}
		u := incentive.Usage{Rule: r.ID, Awards: rapid.Int64Range(0, 3).Draw(t, "awards"), Points: used("lifetime")}
		if rapid.Bool().Draw(t, "last") {
			u.Last = now.Add(-time.Duration(rapid.Int64Range(0, 72*3600).Draw(t, "since last")) * time.Second)
		}
		for i, tally := range []*incentive.Tally{&u.Day, &u.Week, &u.Month} {
			g := []qun.Grain{qun.Day, qun.Week, qun.Month}[i]
			*tally = incentive.Tally{Period: calSH.Index(g, now) + int64(rapid.IntRange(-1, 1).Draw(t, "period")), Points: used("tally")}
		}
		s.Usage = append(s.Usage, u)
	}
	slices.SortFunc(s.Usage, func(a, b incentive.Usage) int { return strings.Compare(a.Rule, b.Rule) })
	for _, r := range p.Rules {
		if b := r.Caps.Budget.Name; b != "" && !slices.ContainsFunc(s.Budgets, func(x incentive.Budget) bool { return x.Name == b }) &&
			rapid.Bool().Draw(t, "budget used") {
			s.Budgets = append(s.Budgets, incentive.Budget{Name: b, Used: used("budget")})
		}
	}
	return s
}

// TestManyDistinctConditions checks evaluation against the reference for a
// program with more distinct conditions than an evaluation remembers the
// outcome of, on more properties and attributes than it caches the values
// of, shared by some rules and multipliers and not by others.
func TestManyDistinctConditions(t *testing.T) {
	var rules []incentive.Rule
	for i := range 300 {
		op := []qun.Op{qun.OpExact, qun.OpIsNot, qun.OpIContains}[i%3]
		c := qun.Condition{Prop: "p" + strconv.Itoa(i%12), Op: op, Values: []string{"v" + strconv.Itoa(i%40)}}
		r := incentive.Rule{ID: "r" + strconv.Itoa(i), Kind: "points", Event: qun.EventFilter{Name: "e", Where: []qun.Condition{c}},
			Points: decimal.New(int64(1+i%5), 0), Priority: i % 4}
		switch i % 4 {
		case 1:
			c.Prop = "a" + strconv.Itoa(i%11)
			r.Member = []qun.Condition{c}
		case 2:
			c.Prop = "a" + strconv.Itoa(i%13)
			r.Multipliers = []incentive.Multiplier{{Name: "m", Factor: decimal.New(2, 0), Member: []qun.Condition{c}}}
		}
		rules = append(rules, r)
	}
	p := incentive.Program{Calendar: calSH, Kinds: []incentive.Kind{spendable("points")}, Rules: rules}
	eng, err := incentive.Compile(p)
	if err != nil {
		t.Fatal(err)
	}
	for k := range 40 {
		ev := qun.Event{ID: "ev", Member: "lin", Name: "e", Time: t0, Props: map[string]string{}}
		m := incentive.Member{Attrs: map[string]string{}}
		for j := range 13 {
			if (j+k)%3 != 0 {
				ev.Props["p"+strconv.Itoa(j)] = "v" + strconv.Itoa((j*k)%40)
				m.Attrs["a"+strconv.Itoa(j)] = "v" + strconv.Itoa((j+k)%40)
			}
		}
		got := eng.Evaluate(ev, m, incentive.RuleState{}, t0).Awards
		want := referenceEvaluate(p, ev, m, incentive.RuleState{}, t0)
		if len(want) == 0 || len(want) == len(rules) {
			t.Fatalf("event %d: %d of %d rules match; the case tests nothing", k, len(want), len(rules))
		}
		if diff := cmp.Diff(want, got, cmp.Comparer(sameDecimal)); diff != "" {
			t.Fatalf("event %d: Evaluate differs from the reference (-want +got):\n%s", k, diff)
		}
	}
}

// TestManyExactConditionsOnOneProperty checks evaluation against the
// reference for programs whose rules each test a property against a value
// of their own (a rule per SKU, per store), in numbers that make the
// engine decide them all from one lookup of the property's value: with
// the property missing, matching one rule's value, or another's, and with
// other conditions on the same property beside them.
func TestManyExactConditionsOnOneProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 60).Draw(t, "rules")
		values := rapid.IntRange(1, 30).Draw(t, "values")
		var rules []incentive.Rule
		for i := range n {
			where := []qun.Condition{{Prop: "sku", Op: qun.OpExact, Values: []string{"s" + strconv.Itoa(rapid.IntRange(0, values).Draw(t, "value"))}}}
			switch rapid.IntRange(0, 5).Draw(t, "other") {
			case 0:
				where = append(where, qun.Condition{Prop: "sku", Op: qun.OpIsNot, Values: []string{"s1"}})
			case 1:
				where = append(where, qun.Condition{Prop: "store", Op: qun.OpExact, Values: []string{"x"}})
			case 2:
				where = append([]qun.Condition{{Prop: "sku", Op: qun.OpExact, Values: []string{"s2", "s3"}}}, where...)
			}
			rules = append(rules, incentive.Rule{ID: "r" + strconv.Itoa(i), Kind: "points", Event: qun.EventFilter{Name: "e", Where: where},
				Points: decimal.New(int64(1+i%5), 0), Priority: rapid.IntRange(0, 3).Draw(t, "priority")})
		}
		p := incentive.Program{Calendar: calSH, Kinds: []incentive.Kind{spendable("points")}, Rules: rules}
		eng, err := incentive.Compile(p)
		if err != nil {
			t.Fatal(err)
		}
		ev := qun.Event{ID: "ev", Member: "lin", Name: "e", Time: t0, Props: map[string]string{}}
		if rapid.IntRange(0, 4).Draw(t, "sku missing") > 0 {
			ev.Props["sku"] = "s" + strconv.Itoa(rapid.IntRange(0, values+1).Draw(t, "sku"))
		}
		if rapid.Bool().Draw(t, "store") {
			ev.Props["store"] = "x"
		}
		got := eng.Evaluate(ev, incentive.Member{}, incentive.RuleState{}, t0).Awards
		want := referenceEvaluate(p, ev, incentive.Member{}, incentive.RuleState{}, t0)
		if diff := cmp.Diff(want, got, cmp.Comparer(sameDecimal)); diff != "" {
			t.Fatalf("Evaluate differs from the reference (-want +got):\n%s", diff)
		}
	})
}
