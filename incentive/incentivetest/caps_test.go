package incentivetest

import (
	"slices"
	"testing"
	"time"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// hostProgram is a program like the one the review of the first Check
// found unreached: rules on a SKU, a tier only this host has, a member
// attribute compared with a number, a Spring Festival 2027 campaign with
// a double-points multiplier, a campaign budget, and a plain rule.
func hostProgram(zone string) incentive.Program {
	spring := &incentive.Window{From: qun.Date{Year: 2027, Month: 2, Day: 5}, Until: qun.Date{Year: 2027, Month: 2, Day: 11}}
	eve := &incentive.Window{From: qun.Date{Year: 2027, Month: 2, Day: 6}, Until: qun.Date{Year: 2027, Month: 2, Day: 7}}
	return incentive.Program{
		Calendar: qun.Calendar{Zone: qun.MustLoadZone(zone), WeekStart: time.Monday},
		Kinds:    []incentive.Kind{{Name: "points", Spendable: true, Expiry: incentive.Expiry{End: qun.Year, Periods: 1}}},
		Rules: []incentive.Rule{
			{ID: "sku", Kind: "points", Event: qun.EventFilter{Name: "purchase", Where: []qun.Condition{{Prop: "sku", Op: qun.OpExact, Values: []string{"A-1001"}}}},
				Points: dec("1"), Per: dec("10"), WholeUnits: true, Caps: incentive.Caps{Day: incentive.Cap(dec("50"))}},
			{ID: "vip", Kind: "points", Event: qun.EventFilter{Name: "check_in"}, Tiers: []string{"vip"}, Points: dec("20"),
				Caps: incentive.Caps{Week: incentive.Cap(dec("60"))}},
			{ID: "level", Kind: "points", Event: qun.EventFilter{Name: "post"}, Member: []qun.Condition{{Prop: "level", Op: qun.OpGTE, Values: []string{"5"}}},
				Points: dec("5"), Cooldown: qun.Duration(time.Hour), Caps: incentive.Caps{Month: incentive.Cap(dec("30"))}},
			{ID: "spring", Kind: "points", Event: qun.EventFilter{Name: "check_in"}, Active: spring, Points: dec("8"),
				Multipliers: []incentive.Multiplier{{Name: "eve", Factor: dec("2"), Window: eve}},
				Caps:        incentive.Caps{Day: incentive.Cap(dec("16")), Lifetime: incentive.Cap(dec("40"))}},
			{ID: "launch", Kind: "points", Event: qun.EventFilter{Name: "post"}, Points: dec("10"),
				Caps: incentive.Caps{Budget: incentive.BudgetCap{Name: "launch", Limit: dec("100")}}},
			{ID: "plain", Kind: "points", Event: qun.EventFilter{Name: "check_in"}, Points: dec("1"), Caps: incentive.Caps{Day: incentive.Cap(dec("3"))}},
		},
	}
}

// TestCapsReachesHostRules runs the caps property on hostProgram and
// requires every rule to award and every limit to cut in the draws: with
// a fixed vocabulary (a prop channel, an attribute city, tiers silver and
// gold, times from November 2026) the SKU, VIP, level and Spring Festival
// rules never awarded.
func TestCapsReachesHostRules(t *testing.T) {
	for _, zone := range []string{"Asia/Shanghai", "America/New_York"} {
		t.Run(zone, func(t *testing.T) {
			p := hostProgram(zone)
			eng, err := incentive.Compile(p)
			if err != nil {
				t.Fatal(err)
			}
			v := vocabularyOf(p)
			cov := newCoverage(p)
			// Each run of 100 (20 with -short) reaches everything almost
			// always; a few more rule out a flaky failure.
			for range 5 {
				rapid.Check(t, func(rt *rapid.T) { checkCaps(rt, eng, v, cov) })
				if len(cov.missed()) == 0 {
					break
				}
			}
			for _, line := range cov.report() {
				t.Log(line)
			}
			if m := cov.missed(); len(m) > 0 {
				t.Errorf("not reached: %v", m)
			}
		})
	}
}

// TestVocabulary checks that the vocabulary holds what the program's rules
// test, and the DST transitions of its zone.
func TestVocabulary(t *testing.T) {
	v := vocabularyOf(hostProgram("America/New_York"))
	for _, name := range []string{"purchase", "check_in", "post", "no-such-event"} {
		if !slices.Contains(v.names, name) {
			t.Errorf("names %v lack %s", v.names, name)
		}
	}
	if !slices.Contains(v.props["sku"], "A-1001") || !slices.Contains(v.props["sku"], "other") {
		t.Errorf("sku values = %v", v.props["sku"])
	}
	for _, want := range []string{"5", "4", "6", "4.99", "5.01", "not a number"} {
		if !slices.Contains(v.attrs["level"], want) {
			t.Errorf("level values %v lack %s", v.attrs["level"], want)
		}
	}
	if !slices.Contains(v.tiers, "vip") || !slices.Contains(v.tiers, "") {
		t.Errorf("tiers = %v", v.tiers)
	}
	if !slices.ContainsFunc(v.values, func(d decimal.Decimal) bool { return d.Equal(dec("500")) }) {
		t.Errorf("values %v lack 500, which fills the sku rule's daily cap of 50 at 1 per 10", v.values)
	}
	ny := qun.MustLoadZone("America/New_York").Location()
	for _, tr := range []time.Time{
		time.Date(2026, 11, 1, 6, 0, 0, 0, time.UTC), // 02:00 EDT → 01:00 EST
		time.Date(2027, 3, 14, 7, 0, 0, 0, time.UTC), // 02:00 EST → 03:00 EDT
	} {
		if !slices.ContainsFunc(v.starts, func(s time.Time) bool { return s.Before(tr) && tr.Sub(s) <= 3*time.Hour }) {
			t.Errorf("no timeline starts in the hours before the transition at %v", tr.In(ny))
		}
	}
	spring := qun.Date{Year: 2027, Month: 2, Day: 5}.Start(ny)
	if !slices.ContainsFunc(v.starts, func(s time.Time) bool { return !s.Before(spring.Add(-24*time.Hour)) && s.Before(spring) }) {
		t.Errorf("no timeline starts the day before the Spring Festival window")
	}
	if got := transitions(time.UTC, Start, Start.AddDate(2, 0, 0)); len(got) != 0 {
		t.Errorf("UTC has transitions %v", got)
	}
}

// TestCheckHostProgram runs Check on hostProgram in a zone with DST.
func TestCheckHostProgram(t *testing.T) { Check(t, hostProgram("America/New_York")) }
