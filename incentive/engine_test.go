package incentive_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive"
	"github.com/shopspring/decimal"
)

func compile(t testing.TB, kinds []incentive.Kind, rules ...incentive.Rule) *incentive.Engine {
	t.Helper()
	eng, err := incentive.Compile(incentive.Program{Calendar: calSH, Kinds: kinds, Rules: rules})
	if err != nil {
		t.Fatal(err)
	}
	return eng
}

func event(name string, at time.Time, value string, props ...string) qun.Event {
	ev := qun.Event{ID: name + at.Format("-0102-1504"), Member: "lin", Name: name, Time: at}
	if value != "" {
		ev.Value = decimal.NewNullDecimal(dec(value))
	}
	for i := 0; i+1 < len(props); i += 2 {
		if ev.Props == nil {
			ev.Props = map[string]string{}
		}
		ev.Props[props[i]] = props[i+1]
	}
	return ev
}

// awardView is an Award in strings, for readable comparisons.
type awardView struct {
	Rule, Base, Factor, Bonus, Wanted, Points, Limit string
	Multipliers                                      []string
}

func views(d incentive.Decision) []awardView {
	var out []awardView
	for _, a := range d.Awards {
		out = append(out, awardView{a.Rule, a.Base.String(), a.Factor.String(), a.Bonus.String(),
			a.Wanted.String(), a.Points.String(), a.Limit.String(), a.Multipliers})
	}
	return out
}

func TestEvaluate(t *testing.T) {
	points := spendable("points")
	cents := spendable("cents")
	cents.Scale = 2
	cents.Rounding = incentive.HalfUp
	purchase := qun.EventFilter{Name: "purchase"}
	holiday := &incentive.Window{From: qun.Date{Year: 2026, Month: 11, Day: 11}, Until: qun.Date{Year: 2026, Month: 11, Day: 11}}
	nov10 := time.Date(2026, 11, 10, 20, 0, 0, 0, shanghai.Location())
	nov11 := time.Date(2026, 11, 11, 0, 30, 0, 0, shanghai.Location())

	cases := []struct {
		name   string
		kinds  []incentive.Kind
		rules  []incentive.Rule
		ev     qun.Event
		member incentive.Member
		state  incentive.RuleState
		want   []awardView
	}{{
		name:  "1 point per ¥10, whole tens only",
		kinds: []incentive.Kind{points},
		rules: []incentive.Rule{{ID: "buy", Kind: "points", Event: purchase, Points: dec("1"), Per: dec("10"), WholeUnits: true}},
		ev:    event("purchase", nov10, "99.50"),
		want:  []awardView{{Rule: "buy", Base: "9", Factor: "1", Bonus: "0", Wanted: "9", Points: "9"}},
	}, {
		name:  "3 points per ¥10, proportional, rounded down",
		kinds: []incentive.Kind{points},
		rules: []incentive.Rule{{ID: "buy", Kind: "points", Event: purchase, Points: dec("3"), Per: dec("10")}},
		ev:    event("purchase", nov10, "99.50"),
		want:  []awardView{{Rule: "buy", Base: "29", Factor: "1", Bonus: "0", Wanted: "29", Points: "29"}},
	}, {
		name:  "points to the cent, half up",
		kinds: []incentive.Kind{cents},
		rules: []incentive.Rule{{ID: "buy", Kind: "cents", Event: purchase, Points: dec("1"), Per: dec("3")}},
		ev:    event("purchase", nov10, "10"),
		want:  []awardView{{Rule: "buy", Base: "3.33", Factor: "1", Bonus: "0", Wanted: "3.33", Points: "3.33"}},
	}, {
		name:  "double points on the holiday, in the community's time zone",
		kinds: []incentive.Kind{points},
		rules: []incentive.Rule{{ID: "buy", Kind: "points", Event: purchase, Points: dec("1"), Per: dec("10"), WholeUnits: true,
			Multipliers: []incentive.Multiplier{{Name: "double-11", Factor: dec("2"), Window: holiday}}}},
		// 00:30 on Nov 11 in Shanghai is still Nov 10 in UTC.
		ev:   event("purchase", nov11, "99.50"),
		want: []awardView{{Rule: "buy", Base: "9", Factor: "2", Bonus: "0", Wanted: "18", Points: "18", Multipliers: []string{"double-11"}}},
	}, {
		name:  "not the day before",
		kinds: []incentive.Kind{points},
		rules: []incentive.Rule{{ID: "buy", Kind: "points", Event: purchase, Points: dec("1"), Per: dec("10"), WholeUnits: true,
			Multipliers: []incentive.Multiplier{{Name: "double-11", Factor: dec("2"), Window: holiday}}}},
		ev:   event("purchase", nov10, "99.50"),
		want: []awardView{{Rule: "buy", Base: "9", Factor: "1", Bonus: "0", Wanted: "9", Points: "9"}},
	}, {
		name:  "tier and holiday multipliers multiply, rounded once",
		kinds: []incentive.Kind{points},
		rules: []incentive.Rule{{ID: "buy", Kind: "points", Event: purchase, Points: dec("1"), Per: dec("10"),
			Multipliers: []incentive.Multiplier{{Name: "double-11", Factor: dec("2"), Window: holiday}, {Name: "gold", Factor: dec("1.5"), Tiers: []string{"gold"}}}}},
		ev:     event("purchase", nov11, "99.50"),
		member: incentive.Member{Tier: "gold"},
		// 9.95 × 3 = 29.85, rounded down once: 29 (not 9 × 3 = 27).
		want: []awardView{{Rule: "buy", Base: "9", Factor: "3", Bonus: "0", Wanted: "29", Points: "29", Multipliers: []string{"double-11", "gold"}}},
	}, {
		name:  "first-time bonus",
		kinds: []incentive.Kind{points},
		rules: []incentive.Rule{{ID: "post", Kind: "points", Event: qun.EventFilter{Name: "post"}, Points: dec("5"), FirstTimeBonus: dec("20")}},
		ev:    event("post", nov10, ""),
		want:  []awardView{{Rule: "post", Base: "5", Factor: "1", Bonus: "20", Wanted: "25", Points: "25"}},
	}, {
		name:  "no bonus the second time",
		kinds: []incentive.Kind{points},
		rules: []incentive.Rule{{ID: "post", Kind: "points", Event: qun.EventFilter{Name: "post"}, Points: dec("5"), FirstTimeBonus: dec("20")}},
		ev:    event("post", nov10, ""),
		state: incentive.RuleState{Usage: []incentive.Usage{{Rule: "post", Awards: 1, Points: dec("25")}}},
		want:  []awardView{{Rule: "post", Base: "5", Factor: "1", Bonus: "0", Wanted: "5", Points: "5"}},
	}, {
		name:  "daily cap cuts",
		kinds: []incentive.Kind{points},
		rules: []incentive.Rule{{ID: "check-in", Kind: "points", Event: qun.EventFilter{Name: "check_in"}, Points: dec("10"), Caps: incentive.Caps{Day: incentive.Cap(dec("15"))}}},
		ev:    event("check_in", nov10, ""),
		state: incentive.RuleState{Usage: []incentive.Usage{{Rule: "check-in", Awards: 1, Points: dec("10"),
			Day: incentive.Tally{Period: calSH.Index(qun.Day, nov10), Points: dec("10")}}}},
		want: []awardView{{Rule: "check-in", Base: "10", Factor: "1", Bonus: "0", Wanted: "10", Points: "5", Limit: "day"}},
	}, {
		name:  "yesterday's tally does not count today",
		kinds: []incentive.Kind{points},
		rules: []incentive.Rule{{ID: "check-in", Kind: "points", Event: qun.EventFilter{Name: "check_in"}, Points: dec("10"), Caps: incentive.Caps{Day: incentive.Cap(dec("15"))}}},
		ev:    event("check_in", nov10, ""),
		state: incentive.RuleState{Usage: []incentive.Usage{{Rule: "check-in", Awards: 1, Points: dec("10"),
			Day: incentive.Tally{Period: calSH.Index(qun.Day, nov10) - 1, Points: dec("15")}}}},
		want: []awardView{{Rule: "check-in", Base: "10", Factor: "1", Bonus: "0", Wanted: "10", Points: "10"}},
	}, {
		name:  "cooldown",
		kinds: []incentive.Kind{points},
		rules: []incentive.Rule{{ID: "share", Kind: "points", Event: qun.EventFilter{Name: "share"}, Points: dec("2"), Cooldown: qun.Duration(time.Hour)}},
		ev:    event("share", nov10, ""),
		state: incentive.RuleState{Usage: []incentive.Usage{{Rule: "share", Awards: 1, Points: dec("2"),
			Last: nov10.Add(-59 * time.Minute)}}},
		want: []awardView{{Rule: "share", Base: "0", Factor: "1", Bonus: "0", Wanted: "0", Points: "0", Limit: "cooldown"}},
	}, {
		name:  "campaign budget shared by rules",
		kinds: []incentive.Kind{points},
		rules: []incentive.Rule{
			{ID: "a", Kind: "points", Event: purchase, Points: dec("30"), Priority: 2, Caps: incentive.Caps{Budget: incentive.BudgetCap{Name: "launch", Limit: dec("100")}}},
			{ID: "b", Kind: "points", Event: purchase, Points: dec("30"), Priority: 1, Caps: incentive.Caps{Budget: incentive.BudgetCap{Name: "launch", Limit: dec("100")}}},
		},
		ev:    event("purchase", nov10, "1"),
		state: incentive.RuleState{Budgets: []incentive.Budget{{Name: "launch", Used: dec("50")}}},
		want: []awardView{
			{Rule: "a", Base: "30", Factor: "1", Bonus: "0", Wanted: "30", Points: "30"},
			{Rule: "b", Base: "30", Factor: "1", Bonus: "0", Wanted: "30", Points: "20", Limit: "budget"},
		},
	}, {
		name:  "a budget counts what earlier rules awarded, not what they wanted",
		kinds: []incentive.Kind{points},
		rules: []incentive.Rule{
			{ID: "a", Kind: "points", Event: purchase, Points: dec("30"), Priority: 2,
				Caps: incentive.Caps{Day: incentive.Cap(dec("10")), Budget: incentive.BudgetCap{Name: "launch", Limit: dec("100")}}},
			{ID: "b", Kind: "points", Event: purchase, Points: dec("50"), Priority: 1, Caps: incentive.Caps{Budget: incentive.BudgetCap{Name: "launch", Limit: dec("100")}}},
		},
		ev:    event("purchase", nov10, "1"),
		state: incentive.RuleState{Budgets: []incentive.Budget{{Name: "launch", Used: dec("50")}}},
		want: []awardView{
			{Rule: "a", Base: "30", Factor: "1", Bonus: "0", Wanted: "30", Points: "10", Limit: "day"},
			{Rule: "b", Base: "50", Factor: "1", Bonus: "0", Wanted: "50", Points: "40", Limit: "budget"},
		},
	}, {
		name:  "priority and stop",
		kinds: []incentive.Kind{points},
		rules: []incentive.Rule{
			{ID: "general", Kind: "points", Event: purchase, Points: dec("1"), Priority: 1},
			{ID: "vip", Kind: "points", Event: purchase, Points: dec("5"), Priority: 9, Stop: true,
				Member: []qun.Condition{{Prop: "vip", Op: qun.OpExact, Values: []string{"yes"}}}},
		},
		ev:     event("purchase", nov10, "1"),
		member: incentive.Member{Attrs: map[string]string{"vip": "yes"}},
		want:   []awardView{{Rule: "vip", Base: "5", Factor: "1", Bonus: "0", Wanted: "5", Points: "5"}},
	}, {
		name:  "member conditions and event conditions",
		kinds: []incentive.Kind{points},
		rules: []incentive.Rule{
			{ID: "general", Kind: "points", Event: purchase, Points: dec("1"), Priority: 1},
			{ID: "vip", Kind: "points", Event: purchase, Points: dec("5"), Priority: 9, Stop: true,
				Member: []qun.Condition{{Prop: "vip", Op: qun.OpExact, Values: []string{"yes"}}}},
			{ID: "tasting", Kind: "points", Event: qun.EventFilter{Name: "purchase", Where: []qun.Condition{{Prop: "sku", Op: qun.OpIContains, Values: []string{"tasting"}}}}, Points: dec("7")},
		},
		ev:   event("purchase", nov10, "1", "sku", "Italian-Tasting"),
		want: []awardView{{Rule: "general", Base: "1", Factor: "1", Bonus: "0", Wanted: "1", Points: "1"}, {Rule: "tasting", Base: "7", Factor: "1", Bonus: "0", Wanted: "7", Points: "7"}},
	}, {
		name:  "a per-unit rule needs a value",
		kinds: []incentive.Kind{points},
		rules: []incentive.Rule{{ID: "buy", Kind: "points", Event: purchase, Points: dec("1"), Per: dec("10")}},
		ev:    event("purchase", nov10, ""),
	}, {
		name:  "campaign rule outside its window",
		kinds: []incentive.Kind{points},
		rules: []incentive.Rule{{ID: "buy", Kind: "points", Event: purchase, Points: dec("1"), Active: holiday}},
		ev:    event("purchase", nov10, "5"),
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			eng := compile(t, c.kinds, c.rules...)
			got := views(eng.Evaluate(c.ev, c.member, c.state, c.ev.Time))
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("awards (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEvaluateNeverPanicsOnHugeValues(t *testing.T) {
	eng := compile(t, []incentive.Kind{spendable("points")},
		incentive.Rule{ID: "buy", Kind: "points", Event: qun.EventFilter{Name: "purchase"}, Points: dec("3"), Per: dec("0.7"),
			Multipliers: []incentive.Multiplier{{Name: "x", Factor: dec("1.5")}}})
	for _, v := range []decimal.Decimal{decimal.New(1, 2000000000), decimal.New(1, -2000000000), dec("123456789012345678901234567890"),
		dec("9223372036854775807"), dec("0.000000000000000000001"), decimal.New(7, 9000)} {
		ev := event("purchase", t0, "")
		ev.Value = decimal.NewNullDecimal(v)
		d := eng.Evaluate(ev, incentive.Member{}, incentive.RuleState{}, t0)
		if len(d.Awards) != 1 {
			t.Fatalf("value %s: %+v", v, d)
		}
		if a := d.Awards[0]; a.Limit != incentive.LimitNone && a.Limit != incentive.LimitOverflow {
			t.Errorf("value %s: limit %v", v, a.Limit)
		}
	}
}

func TestExplain(t *testing.T) {
	a := incentive.Award{Rule: "buy", Kind: "points", Base: dec("9"), Multipliers: []string{"double-11"}, Factor: dec("2"),
		Bonus: dec("10"), Wanted: dec("28"), Points: dec("20"), Limit: incentive.LimitDay}
	want := "buy: 9 × 2 (double-11) + 10 first-time bonus = 28, cut to 20 by the daily cap"
	if got := a.Explain(); got != want {
		t.Errorf("Explain = %q, want %q", got, want)
	}
}

func TestEarnEventCapsAndReplays(t *testing.T) {
	rules := []incentive.Rule{
		{ID: "check-in", Kind: "points", Event: qun.EventFilter{Name: "check_in"}, Points: dec("10"), Caps: incentive.Caps{Day: incentive.Cap(dec("15"))}},
		{ID: "check-in-growth", Kind: "growth", Event: qun.EventFilter{Name: "check_in"}, Points: dec("1")},
	}
	l := newLedger(t, []incentive.Kind{spendable("points"), {Name: "growth"}}, rules...)
	ok := must[incentive.EventResult](t)
	day := time.Date(2026, 11, 10, 8, 0, 0, 0, shanghai.Location())
	e1, e2, e3 := event("check_in", day, ""), event("check_in", day.Add(time.Hour), ""), event("check_in", day.Add(24*time.Hour), "")
	r1 := ok(l.EarnEvent(ctx, "wine-club", e1, incentive.Member{}, e1.Time))
	r2 := ok(l.EarnEvent(ctx, "wine-club", e2, incentive.Member{}, e2.Time))
	again := ok(l.EarnEvent(ctx, "wine-club", e2, incentive.Member{}, e2.Time.Add(time.Minute)))
	r3 := ok(l.EarnEvent(ctx, "wine-club", e3, incentive.Member{}, e3.Time))
	if len(r1.Results) != 2 || !r1.Results[0].Points().Equal(dec("10")) {
		t.Errorf("first check-in: %+v", r1.Results)
	}
	if got := r2.Decision.Total("points"); !got.Equal(dec("5")) {
		t.Errorf("second check-in earned %s points, want 5 (daily cap 15)", got)
	}
	if len(again.Results) != 2 {
		t.Errorf("redelivered event: %d results, want one per kind it earned in (2)", len(again.Results))
	}
	for _, r := range again.Results {
		if !r.Duplicate {
			t.Errorf("redelivered event not flagged duplicate: %+v", r)
		}
	}
	if diff := cmp.Diff(views(r2.Decision), views(again.Decision)); diff != "" {
		t.Errorf("a redelivered event explains other awards than it earned (-first +again):\n%s", diff)
	}
	if got := r3.Decision.Total("points"); !got.Equal(dec("10")) {
		t.Errorf("next day's check-in earned %s, want 10", got)
	}
	if b := mustBalance(t, l, acct("points"), e3.Time); !b.Net.Equal(dec("25")) {
		t.Errorf("points = %s, want 25", b.Net)
	}
	if b := mustBalance(t, l, acct("growth"), e3.Time); !b.Lifetime.Equal(dec("3")) {
		t.Errorf("growth = %s, want 3", b.Lifetime)
	}
	changed := e2
	changed.Props = map[string]string{"x": "y"}
	if _, err := l.EarnEvent(ctx, "wine-club", changed, incentive.Member{}, e2.Time); !errors.Is(err, incentive.ErrIdempotencyConflict) {
		t.Errorf("a different event under a used ID: err = %v", err)
	}
	noID := e3
	noID.ID = ""
	if _, err := l.EarnEvent(ctx, "wine-club", noID, incentive.Member{}, e3.Time); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("an event without an ID: err = %v", err)
	}
}

// TestEvaluateAllocatesOnlyItsResult pins Evaluate's allocations to the
// count its documentation gives: one slice of awards, one slice of
// multiplier names if any applied, and two for each amount that is not
// among the ready-made ones (an Unrounded base; a Base, Wanted or Points of
// 2048 units or more). The benchmark's programs are among the cases, with
// their counts written out.
func TestEvaluateAllocatesOnlyItsResult(t *testing.T) {
	purchase := event("purchase", t0, "99.50", "channel", "online")
	big := incentive.Rule{ID: "big", Kind: "points", Event: qun.EventFilter{Name: "purchase"}, Points: dec("5000")}
	bigCut := big
	bigCut.ID, bigCut.Caps = "big-cut", incentive.Caps{Day: incentive.Cap(dec("3000"))}
	for _, c := range []struct {
		name  string
		rules []incentive.Rule
		ev    qun.Event
		want  float64
	}{
		{"no rule takes the event", benchRules(50), event("unknown", t0, ""), 0},
		{"the event's conditions fail", benchRules(50), event("purchase", t0, "120", "channel", "offline"), 0},
		{"50 rules, 1 takes the event", benchRules(50), event("check_in", t0, ""), 1},
		{"1 rule, matching", sameEventRules(1, 1), purchase, 1},
		{"5 rules, all matching", sameEventRules(5, 5), purchase, 4},
		{"50 rules, 5 matching", sameEventRules(50, 5), purchase, 4},
		{"50 rules, 5 matching, the others on distinct conditions", distinctConditionRules(50, 5), purchase, 4},
		{"50 rules, all matching", sameEventRules(50, 50), purchase, 22},
		{"an award of 5000", []incentive.Rule{big}, purchase, 3},
		{"an award of 5000 cut to 3000", []incentive.Rule{bigCut}, purchase, 5},
	} {
		t.Run(c.name, func(t *testing.T) {
			eng := compile(t, []incentive.Kind{spendable("points")}, c.rules...)
			m, s := benchMember()
			d := eng.Evaluate(c.ev, m, s, t0)
			got := testing.AllocsPerRun(100, func() { eng.Evaluate(c.ev, m, s, t0) })
			if documented := documentedAllocs(d); got != c.want || got != documented {
				t.Errorf("%v allocations, want %v (the documented count for %d awards is %v)", got, c.want, len(d.Awards), documented)
			}
		})
	}
}

// documentedAllocs is the allocation count Evaluate documents for a
// decision of a kind of scale 0 whose rules have at most four multipliers.
func documentedAllocs(d incentive.Decision) float64 {
	if len(d.Awards) == 0 {
		return 0
	}
	n, names := 1, false
	large := func(d decimal.Decimal) bool { return d.Cmp(decimal.NewFromInt(2048)) >= 0 }
	for _, a := range d.Awards {
		names = names || len(a.Multipliers) > 0
		if !a.Unrounded.IsZero() {
			n += 2
		}
		if large(a.Base) {
			n += 2
		}
		if large(a.Wanted) && !a.Wanted.Equal(a.Base) {
			n += 2
		}
		if large(a.Points) && !a.Points.Equal(a.Wanted) {
			n += 2
		}
	}
	if names {
		n++
	}
	return float64(n)
}

// TestEngineKeepsItsProgram checks that an Engine does not change when the
// program it was compiled from does: it keeps its own copy of every rule's
// conditions, tiers, windows and multipliers.
func TestEngineKeepsItsProgram(t *testing.T) {
	p := incentive.Program{Calendar: calSH, Kinds: []incentive.Kind{spendable("points")}, Rules: []incentive.Rule{{
		ID: "buy", Kind: "points", Event: qun.EventFilter{Name: "purchase", Where: []qun.Condition{{Prop: "channel", Op: qun.OpExact, Values: []string{"online"}}}},
		Points: dec("5"), Tiers: []string{"gold"}, Active: &incentive.Window{From: qun.DateOf(t0)},
		Multipliers: []incentive.Multiplier{{Name: "double", Factor: dec("2"), Member: []qun.Condition{{Prop: "city", Op: qun.OpExact, Values: []string{"shanghai"}}}}},
	}}}
	eng, err := incentive.Compile(p)
	if err != nil {
		t.Fatal(err)
	}
	ev := event("purchase", t0, "", "channel", "online")
	m := incentive.Member{Tier: "gold", Attrs: map[string]string{"city": "shanghai"}}
	before := eng.Evaluate(ev, m, incentive.RuleState{}, t0)
	r := &p.Rules[0]
	r.Event.Where[0].Values[0] = "offline"
	r.Tiers[0] = "silver"
	r.Active.From = qun.DateOf(t0).AddDays(1)
	r.Multipliers[0].Member[0].Values[0] = "beijing"
	r.Multipliers[0].Factor = dec("3")
	after := eng.Evaluate(ev, m, incentive.RuleState{}, t0)
	if diff := cmp.Diff(views(before), views(after)); diff != "" || len(after.Awards) != 1 || !after.Awards[0].Points.Equal(dec("10")) {
		t.Errorf("the engine changed with the program it was compiled from (-before +after):\n%s", diff)
	}
	if got := eng.Program().Rules[0].Event.Where[0].Values[0]; got != "online" {
		t.Errorf("Program() = %q, want the program as compiled", got)
	}
}

// TestCapPassedByUsageTooLargeForInt64 is a case the reference property
// found: usage too large for an int64 of units is past every cap, so the
// lifetime cap cuts after the daily cap cut to nothing, and the award says
// the lifetime cap cut it, as it does when the usage is small. Usage that
// fills the lifetime cap exactly leaves the daily cap's cut standing.
func TestCapPassedByUsageTooLargeForInt64(t *testing.T) {
	r := incentive.Rule{ID: "r", Kind: "points", Event: qun.EventFilter{Name: "e"}, Points: dec("1"),
		Caps: incentive.Caps{Day: incentive.Cap(dec("0")), Lifetime: incentive.Cap(dec("9223372036854775807"))}}
	eng := compile(t, []incentive.Kind{spendable("points")}, r)
	for _, c := range []struct {
		used string
		want incentive.Limit
	}{
		{"9223372036854775808", incentive.LimitLifetime},
		{"1e19", incentive.LimitLifetime},
		{"9223372036854775807", incentive.LimitDay},
		{"5", incentive.LimitDay},
	} {
		s := incentive.RuleState{Usage: []incentive.Usage{{Rule: "r", Awards: 1, Points: dec(c.used)}}}
		got := eng.Evaluate(event("e", t0, ""), incentive.Member{}, s, t0).Awards
		if len(got) != 1 || !got[0].Points.IsZero() || got[0].Limit != c.want {
			t.Errorf("lifetime usage %s: %+v, want 0 points cut by the %v cap", c.used, got, c.want)
		}
	}
}
