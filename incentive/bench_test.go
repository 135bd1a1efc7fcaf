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
			Caps:   incentive.Caps{Day: dec("100"), Month: dec("1000")},
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

func benchMember() incentive.Member {
	m := incentive.Member{Tier: "silver", Attrs: map[string]string{"city": "shanghai"}}
	for i := range 50 {
		m.Usage = append(m.Usage, incentive.Usage{Rule: "rule-" + strconv.Itoa(i), Awards: 3, Points: dec("30")})
	}
	slices.SortFunc(m.Usage, func(a, b incentive.Usage) int { return strings.Compare(a.Rule, b.Rule) })
	return m
}

// BenchmarkEvaluate evaluates a program of 50 rules for one event.
func BenchmarkEvaluate(b *testing.B) {
	eng, err := incentive.Compile(incentive.Program{Calendar: calSH, Kinds: []incentive.Kind{spendable("points")}, Rules: benchRules(50)})
	if err != nil {
		b.Fatal(err)
	}
	m := benchMember()
	for _, c := range []struct {
		name string
		ev   qun.Event
	}{
		{"match", event("check_in", t0, "")},
		{"match-per-unit", event("event-1", t0, "99.50")},
		{"match-multiplier", event("event-2", t0, "")},
		{"no-match", event("purchase", t0, "120", "channel", "offline")},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				eng.Evaluate(c.ev, m, t0)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/50, "ns/rule")
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
