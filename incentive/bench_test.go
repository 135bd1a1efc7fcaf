package incentive_test

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive"
)

// benchRules returns n rules over ten event names, as a community's program
// might have: fixed and per-unit awards, event and member conditions,
// multipliers and caps.
func benchRules(n int) []incentive.Rule {
	var rules []incentive.Rule
	for i := range n {
		r := incentive.Rule{
			ID: "rule-" + strconv.Itoa(i), Kind: "points", Priority: i % 7,
			Event:  qun.EventFilter{Name: "event-" + strconv.Itoa(i%10)},
			Points: dec(strconv.Itoa(1 + i%5)),
			Caps:   incentive.Caps{Day: incentive.Cap(dec("100")), Month: incentive.Cap(dec("1000"))},
		}
		switch i % 4 {
		case 1:
			r.Per, r.WholeUnits = dec("10"), true
		case 2:
			r.Member = []qun.Condition{{Prop: "city", Op: qun.OpExact, Values: []string{"shanghai", "beijing"}}}
			r.Multipliers = []incentive.Multiplier{{Name: "gold", Factor: dec("1.5"), Tiers: []string{"gold"}}}
		case 3:
			r.Event.Where = []qun.Condition{{Prop: "channel", Op: qun.OpIsNot, Values: []string{"offline"}}}
		}
		rules = append(rules, r)
	}
	// The events the tests and benchmarks send.
	rules[0].Event = qun.EventFilter{Name: "check_in"}
	rules[1].Event = qun.EventFilter{Name: "purchase", Where: []qun.Condition{{Prop: "channel", Op: qun.OpExact, Values: []string{"online"}}}}
	return rules
}

func benchMember() (incentive.Member, incentive.RuleState) {
	m := incentive.Member{Tier: "silver", Attrs: map[string]string{"city": "shanghai"}}
	var s incentive.RuleState
	for i := range 50 {
		s.Usage = append(s.Usage, incentive.Usage{Rule: "rule-" + strconv.Itoa(i), Awards: 3, Points: dec("30"),
			Day:   incentive.Tally{Period: calSH.Index(qun.Day, t0), Points: dec("10")},
			Month: incentive.Tally{Period: calSH.Index(qun.Month, t0), Points: dec("30")}})
	}
	slices.SortFunc(s.Usage, func(a, b incentive.Usage) int { return strings.Compare(a.Rule, b.Rule) })
	return m, s
}

// sameEventRules returns n rules that all take "purchase" events, of
// which the first match take the benchmark's event and member; the others
// fail a condition on the event. They mix fixed and per-unit awards (whole
// units and proportional), member and event conditions, tier and holiday
// multipliers, and daily and monthly caps with usage to check.
func sameEventRules(n, match int) []incentive.Rule {
	var rules []incentive.Rule
	for i := range n {
		r := incentive.Rule{
			ID: "rule-" + strconv.Itoa(i), Kind: "points", Priority: i % 7,
			Event:  qun.EventFilter{Name: "purchase"},
			Points: dec(strconv.Itoa(1 + i%5)),
			Caps:   incentive.Caps{Day: incentive.Cap(dec("100")), Month: incentive.Cap(dec("1000"))},
		}
		switch i % 5 {
		case 1:
			r.Per, r.WholeUnits = dec("10"), true
		case 2:
			r.Member = []qun.Condition{{Prop: "city", Op: qun.OpExact, Values: []string{"shanghai", "beijing"}}}
			r.Multipliers = []incentive.Multiplier{{Name: "silver", Factor: dec("1.5"), Tiers: []string{"silver"}}}
		case 3:
			r.Event.Where = []qun.Condition{{Prop: "channel", Op: qun.OpIsNot, Values: []string{"offline"}}}
		case 4:
			r.Per = dec("10")
			r.Multipliers = []incentive.Multiplier{{Name: "double", Factor: dec("2"),
				Window: &incentive.Window{From: qun.DateOf(t0), Until: qun.DateOf(t0)}}}
		}
		if i >= match {
			r.Event.Where = append(r.Event.Where, qun.Condition{Prop: "channel", Op: qun.OpExact, Values: []string{"offline"}})
		}
		rules = append(rules, r)
	}
	return rules
}

// distinctConditionRules returns sameEventRules(n, match) with each rule
// that does not match failing on a condition of its own ("sku" is its own
// SKU), so that no two share the condition they fail on, and the engine
// tests each.
func distinctConditionRules(n, match int) []incentive.Rule {
	rules := sameEventRules(n, match)
	for i := match; i < n; i++ {
		where := rules[i].Event.Where
		where[len(where)-1] = qun.Condition{Prop: "sku", Op: qun.OpExact, Values: []string{"sku-" + strconv.Itoa(i)}}
	}
	return rules
}

// BenchmarkEvaluate evaluates one event against programs of 1, 5 and 50
// rules that all take it and all match and award (the issue's "50 rules
// for one event", at its hardest: 50 awards to compute and return); 50
// rules that take it of which 5 match, the others failing on a condition
// they share (a channel) or each on one of its own (a SKU); and 50 rules
// over ten event names of which the event's name selects one. Its figures
// are per event: ns/op is the time to evaluate the event against the whole
// program, and B/op and allocs/op are the decision it returns.
//
// The package documentation gives the figures and what they cost.
func BenchmarkEvaluate(b *testing.B) {
	purchase := event("purchase", t0, "99.50", "channel", "online")
	for _, c := range []struct {
		name  string
		rules []incentive.Rule
		ev    qun.Event
		match int
	}{
		{"1-rule-1-match", sameEventRules(1, 1), purchase, 1},
		{"5-rules-5-match", sameEventRules(5, 5), purchase, 5},
		{"50-rules-50-match", sameEventRules(50, 50), purchase, 50},
		{"50-rules-5-match", sameEventRules(50, 5), purchase, 5},
		{"50-rules-5-match-distinct-conditions", distinctConditionRules(50, 5), purchase, 5},
		{"50-rules-1-takes-the-event", benchRules(50), event("check_in", t0, ""), 1},
	} {
		b.Run(c.name, func(b *testing.B) {
			eng, err := incentive.Compile(incentive.Program{Calendar: calSH, Kinds: []incentive.Kind{spendable("points")}, Rules: c.rules})
			if err != nil {
				b.Fatal(err)
			}
			m, s := benchMember()
			if n := len(eng.Evaluate(c.ev, m, s, t0).Awards); n != c.match {
				b.Fatalf("%d awards, want %d", n, c.match)
			}
			b.ReportAllocs()
			for b.Loop() {
				eng.Evaluate(c.ev, m, s, t0)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/event")
		})
	}
}

// BenchmarkLedger earns and spends on the memory store, 100 operations per
// account: the cost of an operation grows with the account's open lots.
func BenchmarkLedger(b *testing.B) {
	k := spendable("points")
	k.Expiry = incentive.Expiry{End: qun.Year}
	for _, op := range []string{"earn", "spend"} {
		b.Run(op, func(b *testing.B) {
			l := newLedger(b, []incentive.Kind{k})
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				id := incentive.AccountID{Community: "c", Member: qun.MemberID(fmt.Sprint("m", i/100)), Kind: "points"}
				now := t0.Add(time.Duration(i) * time.Second)
				key := strconv.Itoa(i)
				var err error
				if op == "earn" || i%100 == 0 {
					_, err = l.Earn(ctx, incentive.EarnRequest{Account: id, Key: key, Points: dec("1000000")}, now)
				} else {
					_, err = l.Spend(ctx, incentive.SpendRequest{Account: id, Key: key, Points: dec("10")}, now)
				}
				if err != nil {
					b.Fatal(err)
				}
				i++
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
		})
	}
}
