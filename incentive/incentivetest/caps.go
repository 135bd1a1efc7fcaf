package incentivetest

import (
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// The caps property: events earned through [incentive.Ledger.EarnEvent],
// some redelivered, some arriving late, never take a rule past any of its
// caps, its cooldown or its campaign budget, never give a first-time
// bonus twice, and the accounts hold exactly what the rules awarded.
//
// Its events, member and timeline come from the program's vocabulary (see
// [Events]), so that rules with conditions, tiers and campaign windows
// award and reach their caps too; most events of a run take one rule's
// event name, at one pace, so that runs fill daily, weekly and monthly
// caps. The coverage of every rule across the
// draws is counted and reported: a property that never sees a rule award,
// or never sees a cap cut it, says nothing about that rule or that cap.

// coverage counts, across the runs of the caps property, how often each
// rule awarded and what cut it.
type coverage struct {
	p     incentive.Program
	rules map[string]*ruleCoverage
}

type ruleCoverage struct {
	awarded int                     // awards that gave points
	cut     map[incentive.Limit]int // awards each limit cut
}

func newCoverage(p incentive.Program) *coverage {
	c := &coverage{p: p, rules: map[string]*ruleCoverage{}}
	for _, r := range p.Rules {
		c.rules[r.ID] = &ruleCoverage{cut: map[incentive.Limit]int{}}
	}
	return c
}

func (c *coverage) add(a incentive.Award) {
	rc := c.rules[a.Rule]
	if rc == nil {
		return
	}
	if a.Points.Sign() > 0 {
		rc.awarded++
	}
	if a.Limit != incentive.LimitNone {
		rc.cut[a.Limit]++
	}
}

// limits returns the limits r has.
func limits(r incentive.Rule) []incentive.Limit {
	var out []incentive.Limit
	for _, l := range []struct {
		has   bool
		limit incentive.Limit
	}{
		{r.Cooldown > 0, incentive.LimitCooldown}, {r.Caps.Day.Valid, incentive.LimitDay}, {r.Caps.Week.Valid, incentive.LimitWeek},
		{r.Caps.Month.Valid, incentive.LimitMonth}, {r.Caps.Lifetime.Valid, incentive.LimitLifetime}, {r.Caps.Budget.Name != "", incentive.LimitBudget},
	} {
		if l.has {
			out = append(out, l.limit)
		}
	}
	return out
}

// missed returns, by rule, what the draws never reached: "awards" if the
// rule never awarded, and the name of each limit it has that never cut it.
func (c *coverage) missed() map[string][]string {
	out := map[string][]string{}
	for _, r := range c.p.Rules {
		rc := c.rules[r.ID]
		if rc.awarded == 0 {
			out[r.ID] = append(out[r.ID], "awards")
		}
		for _, l := range limits(r) {
			if rc.cut[l] == 0 {
				out[r.ID] = append(out[r.ID], l.String())
			}
		}
	}
	return out
}

// report says, rule by rule, what the draws reached.
func (c *coverage) report() []string {
	var lines []string
	missed := c.missed()
	for _, r := range c.p.Rules {
		rc := c.rules[r.ID]
		var b strings.Builder
		fmt.Fprintf(&b, "Caps: rule %s awarded %d times", r.ID, rc.awarded)
		for _, l := range limits(r) {
			fmt.Fprintf(&b, "; cut by its %s %d times", l, rc.cut[l])
		}
		if m := missed[r.ID]; len(m) > 0 {
			fmt.Fprintf(&b, ". NOT REACHED: %s (the property says nothing about them: check the rule's conditions, or that its caps can be reached)", strings.Join(m, ", "))
		}
		lines = append(lines, b.String())
	}
	return lines
}

// checkCaps earns events and checks every limit.
func checkCaps(t *rapid.T, eng *incentive.Engine, v *vocabulary, cov *coverage) {
	p := eng.Program()
	l := &incentive.Ledger{Store: incentive.NewMemoryStore(), Engine: eng}
	member := members(v).Draw(t, "member")
	now := rapid.SampledFrom(v.starts).Draw(t, "timeline start")
	paces := []int64{10, 60, 6 * 60, 30 * 60}
	// Most runs focus on one rule: most events take its event name, often
	// with properties that meet its conditions, from a member that often
	// meets its own, at a pace around its cooldown, from the start of its
	// campaign; so that every rule's caps fill in some runs.
	focus := ""
	var focusWhere []qun.Condition
	if len(p.Rules) > 0 && rapid.IntRange(0, 4).Draw(t, "focus on a rule") > 0 {
		r := p.Rules[rapid.IntRange(0, len(p.Rules)-1).Draw(t, "focus rule")]
		focus, focusWhere = r.Event.Name, r.Event.Where
		if rapid.Bool().Draw(t, "member fits the rule") {
			if len(r.Tiers) > 0 {
				member.Tier = rapid.SampledFrom(r.Tiers).Draw(t, "tier of the rule")
			}
			member.Attrs = fit(t, r.Member, v.attrs, member.Attrs)
		}
		if c := int64(time.Duration(r.Cooldown) / time.Minute); c > 1 {
			paces = append(paces, c, 2*c)
		}
		if r.Active != nil && !r.Active.From.IsZero() && rapid.Bool().Draw(t, "start at the campaign") {
			now = r.Active.From.AddDays(-1).At(21, 0, 0, 0, p.Calendar.Location())
		}
	}
	gen := events(v, focus)
	pace := rapid.SampledFrom(paces).Draw(t, "pace: at most minutes between events")
	type award struct {
		at     time.Time
		points decimal.Decimal
		bonus  bool
	}
	byRule := map[string][]award{}
	var sent []qun.Event
	for i := range rapid.IntRange(1, 40).Draw(t, "events") {
		now = now.Add(time.Duration(pace/2+rapid.Int64Range(0, pace/2).Draw(t, "minutes")) * time.Minute)
		var ev qun.Event
		redelivered := len(sent) > 0 && rapid.IntRange(0, 6).Draw(t, "redeliver") == 0
		if redelivered {
			ev = rapid.SampledFrom(sent).Draw(t, "redelivered")
		} else {
			ev = gen.Draw(t, "event")
			if ev.Name == focus && rapid.Bool().Draw(t, "event fits the rule") {
				ev.Props = fit(t, focusWhere, v.props, ev.Props)
			}
			ev.ID = fmt.Sprint("event-", i)
			ev.Time = now.Add(-time.Duration(rapid.Int64Range(0, 120).Draw(t, "lag minutes")) * time.Minute)
			sent = append(sent, ev)
		}
		res, err := l.EarnEvent(ctx, "community", ev, member, now)
		if err != nil {
			t.Fatalf("earn event %+v: %v", ev, err)
		}
		if !redelivered {
			for _, a := range res.Decision.Awards {
				cov.add(a)
			}
		}
		for _, r := range res.Results {
			if r.Duplicate {
				continue
			}
			for _, e := range r.Entries {
				for _, a := range e.Awards {
					if a.Points.Sign() > 0 {
						byRule[a.Rule] = append(byRule[a.Rule], award{now, a.Points, a.Bonus.Sign() > 0})
					}
				}
			}
		}
	}
	cal := p.Calendar
	budgets := map[string]decimal.Decimal{}
	budgetLimits := map[string]decimal.Decimal{}
	earned := map[string]decimal.Decimal{}
	for _, r := range p.Rules {
		awards := byRule[r.ID]
		windows := map[[2]int64]decimal.Decimal{}
		total := decimal.Zero
		bonuses := 0
		for i, a := range awards {
			for g, c := range map[qun.Grain]decimal.NullDecimal{qun.Day: r.Caps.Day, qun.Week: r.Caps.Week, qun.Month: r.Caps.Month} {
				k := [2]int64{int64(g), cal.Index(g, a.at)}
				windows[k] = windows[k].Add(a.points)
				if c.Valid && windows[k].GreaterThan(c.Decimal) {
					t.Fatalf("rule %s awarded %s in the %s %s, over its cap of %s", r.ID, windows[k], g, cal.Period(g, a.at), c.Decimal)
				}
			}
			total = total.Add(a.points)
			if i > 0 && r.Cooldown > 0 && a.at.Sub(awards[i-1].at) < time.Duration(r.Cooldown) {
				t.Fatalf("rule %s awarded at %v and again at %v, within its cooldown of %v", r.ID, awards[i-1].at, a.at, r.Cooldown)
			}
			if a.bonus {
				bonuses++
			}
		}
		if r.Caps.Lifetime.Valid && total.GreaterThan(r.Caps.Lifetime.Decimal) {
			t.Fatalf("rule %s awarded %s in all, over its lifetime cap of %s", r.ID, total, r.Caps.Lifetime.Decimal)
		}
		if bonuses > 1 {
			t.Fatalf("rule %s gave its first-time bonus %d times", r.ID, bonuses)
		}
		if b := r.Caps.Budget; b.Name != "" {
			budgets[b.Name] = budgets[b.Name].Add(total)
			budgetLimits[b.Name] = b.Limit
		}
		earned[r.Kind] = earned[r.Kind].Add(total)
	}
	for name, used := range budgets {
		if used.GreaterThan(budgetLimits[name]) {
			t.Fatalf("budget %s gave %s, over its limit of %s", name, used, budgetLimits[name])
		}
	}
	for _, k := range p.Kinds {
		snap, err := l.Store.Load(ctx, incentive.LoadParams{Account: incentive.AccountID{Community: "community", Member: "member", Kind: k.Name}})
		if err != nil {
			t.Fatal(err)
		}
		if got := snap.Account.Totals.Earned; !got.Equal(earned[k.Name]) {
			t.Fatalf("kind %s: the account earned %s, the rules awarded %s", k.Name, got, earned[k.Name])
		}
	}
}

// fit returns values (a copy) changed so that every condition holds, with
// values drawn from vocab where one does.
func fit(t *rapid.T, conds []qun.Condition, vocab map[string][]string, values map[string]string) map[string]string {
	out := maps.Clone(values)
	for _, c := range conds {
		if c.Op == qun.OpIsNotSet || (c.Op == qun.OpIsNot || c.Op == qun.OpNotIContains) && rapid.Bool().Draw(t, "missing") {
			delete(out, c.Prop)
			continue
		}
		var ok []string
		for _, x := range vocab[c.Prop] {
			if c.Holds(x, true) {
				ok = append(ok, x)
			}
		}
		if len(ok) == 0 {
			continue
		}
		if out == nil {
			out = map[string]string{}
		}
		out[c.Prop] = rapid.SampledFrom(ok).Draw(t, c.Prop+" that fits")
	}
	return out
}
