package incentivetest_test

import (
	"testing"
	"time"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive"
	"github.com/qunkit/qun/incentive/incentivetest"
	"github.com/shopspring/decimal"
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// programs are representative programs: each reversal policy, each kind of
// expiry, pending points, scales and roundings, and rules with every
// feature.
func programs() map[string]incentive.Program {
	cal := qun.Calendar{Zone: qun.MustLoadZone("Asia/Shanghai"), WeekStart: time.Monday}
	holiday := &incentive.Window{From: qun.Date{Year: 2026, Month: 12, Day: 24}, Until: qun.Date{Year: 2026, Month: 12, Day: 26}}
	rules := func(kind string) []incentive.Rule {
		return []incentive.Rule{
			{ID: "check-in", Kind: kind, Event: qun.EventFilter{Name: "check_in"}, Points: dec("10"), FirstTimeBonus: dec("50"),
				Caps: incentive.Caps{Day: incentive.Cap(dec("10")), Week: incentive.Cap(dec("50"))}},
			{ID: "post", Kind: kind, Event: qun.EventFilter{Name: "post"}, Points: dec("3"), Cooldown: qun.Duration(2 * time.Hour),
				Caps: incentive.Caps{Month: incentive.Cap(dec("60"))}, Multipliers: []incentive.Multiplier{{Name: "christmas", Factor: dec("2"), Window: holiday}}},
			{ID: "purchase", Kind: kind, Event: qun.EventFilter{Name: "purchase"}, Points: dec("1"), Per: dec("10"), WholeUnits: true, Priority: 5,
				Multipliers: []incentive.Multiplier{{Name: "gold", Factor: dec("1.5"), Tiers: []string{"gold"}}},
				Caps:        incentive.Caps{Lifetime: incentive.Cap(dec("400")), Budget: incentive.BudgetCap{Name: "launch", Limit: dec("300")}}},
			{ID: "online", Kind: kind, Event: qun.EventFilter{Name: "purchase", Where: []qun.Condition{{Prop: "channel", Op: qun.OpExact, Values: []string{"online"}}}},
				Points: dec("5"), Priority: 9, Stop: true, Member: []qun.Condition{{Prop: "city", Op: qun.OpIsNot, Values: []string{"chengdu"}}}},
		}
	}
	return map[string]incentive.Program{
		"year-end expiry, cap at zero": {Calendar: cal,
			Kinds: []incentive.Kind{{Name: "points", Spendable: true, Expiry: incentive.Expiry{End: qun.Year}}},
			Rules: rules("points")},
		"pending and 30-day expiry, debt": {Calendar: cal,
			Kinds: []incentive.Kind{{Name: "points", Spendable: true, Pending: qun.Days(3), Expiry: incentive.Expiry{End: qun.Day, Periods: 30}, Reversal: incentive.Debt}},
			Rules: rules("points")},
		"cents, half even, lot only, and growth value": {Calendar: cal,
			Kinds: []incentive.Kind{
				{Name: "points", Scale: 2, Rounding: incentive.HalfEven, Spendable: true, Expiry: incentive.Expiry{After: qun.Days(20)}, Reversal: incentive.LotOnly},
				{Name: "growth"}},
			Rules: append(rules("points"), incentive.Rule{ID: "growth", Kind: "growth", Event: qun.EventFilter{Name: "check_in"}, Points: dec("1")})},
	}
}

func TestCheck(t *testing.T) {
	for name, p := range programs() {
		t.Run(name, func(t *testing.T) { incentivetest.Check(t, p) })
	}
}

// TestCheckGenerated runs Check on programs the generator draws.
func TestCheckGenerated(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Check on several generated programs")
	}
	for seed := range 4 {
		p := incentivetest.Programs().Example(seed)
		t.Run(string(rune('a'+seed)), func(t *testing.T) { incentivetest.Check(t, p) })
	}
}

func TestProgramsAreValid(t *testing.T) {
	for seed := range 200 {
		if err := incentivetest.Programs().Example(seed).Validate(); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
	}
}

// TestExampleProgram runs the check the package example shows.
func TestExampleProgram(t *testing.T) { checkMyProgram(t) }

// TestCheckPrioritiesOutsideZeroToSeven runs Check on a valid program
// whose rules share priorities outside 0-7: two rules at priority 10 on
// one event, the first with Stop, so that their relative order decides
// the award, and one at -3. Reordering rules of distinct priorities must
// keep each priority's rules in their order, whatever the values.
func TestCheckPrioritiesOutsideZeroToSeven(t *testing.T) {
	cal := qun.Calendar{Zone: qun.MustLoadZone("Asia/Shanghai"), WeekStart: time.Monday}
	incentivetest.Check(t, incentive.Program{Calendar: cal,
		Kinds: []incentive.Kind{{Name: "points", Spendable: true}},
		Rules: []incentive.Rule{
			{ID: "first", Kind: "points", Event: qun.EventFilter{Name: "check_in"}, Points: dec("10"), Priority: 10, Stop: true},
			{ID: "second", Kind: "points", Event: qun.EventFilter{Name: "check_in"}, Points: dec("7"), Priority: 10},
			{ID: "low", Kind: "points", Event: qun.EventFilter{Name: "check_in"}, Points: dec("1"), Priority: -3},
			{ID: "post", Kind: "points", Event: qun.EventFilter{Name: "post"}, Points: dec("2"), Priority: 1000},
		}})
}
