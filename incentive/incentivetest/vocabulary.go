package incentivetest

import (
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive"
	"github.com/shopspring/decimal"
)

// vocabulary is what the generators draw events, members, rule usage and
// timelines from for one program: the values its own rules test, so that
// every rule can match, award and reach its caps, not only the rules that
// happen to use words a fixed list knows.
type vocabulary struct {
	// names are the events the rules take, and one that no rule takes.
	names []string
	// props are, by event property the rules test, the values worth
	// trying: each condition's values, values just past each numeric
	// threshold, values that contain a substring and values that do not.
	// A property may also be missing.
	props map[string][]string
	// attrs are the same for the member attributes the rules test.
	attrs map[string][]string
	// tiers are no tier, every tier a rule or multiplier names, and one
	// that none does.
	tiers []string
	// values are event values: around each per-unit rule's Per, values
	// that fill a cap in one event, and a spread.
	values []decimal.Decimal
	// starts are instants timelines start from: Start, the days around
	// the ends of every campaign window, and the hours before each DST
	// transition of the program's zone in the years the program spans.
	starts []time.Time
	// budgets are the program's campaign budgets.
	budgets []incentive.BudgetCap
}

// vocabularyOf builds p's vocabulary.
func vocabularyOf(p incentive.Program) *vocabulary {
	v := &vocabulary{props: map[string][]string{}, attrs: map[string][]string{}}
	loc := p.Calendar.Location()
	tiers := map[string]bool{"": true, "no-such-tier": true}
	values := map[string]decimal.Decimal{}
	addValue := func(d decimal.Decimal) {
		if d.Sign() > 0 && d.Exponent() >= -2 && d.LessThan(decimal.New(1, 9)) {
			values[d.String()] = d
		}
	}
	for _, s := range []string{"0.01", "1", "9.99", "10", "99.5", "120", "999.99"} {
		addValue(decimal.RequireFromString(s))
	}
	latest := qun.DateOf(Start)
	window := func(w *incentive.Window) {
		if w == nil {
			return
		}
		for _, d := range []qun.Date{w.From, w.Until} {
			if d.IsZero() {
				continue
			}
			if d.After(latest) {
				latest = d
			}
			// The evening before, the first minutes, midday and the last
			// hours of the day: events on both sides of the window's ends.
			v.starts = append(v.starts, d.AddDays(-1).At(21, 0, 0, 0, loc), d.Start(loc), d.At(12, 0, 0, 0, loc), d.At(22, 30, 0, 0, loc))
		}
	}
	for _, r := range p.Rules {
		if !slices.Contains(v.names, r.Event.Name) {
			v.names = append(v.names, r.Event.Name)
		}
		addConditions(v.props, r.Event.Where)
		addConditions(v.attrs, r.Member)
		for _, t := range r.Tiers {
			tiers[t] = true
		}
		window(r.Active)
		for _, m := range r.Multipliers {
			for _, t := range m.Tiers {
				tiers[t] = true
			}
			addConditions(v.attrs, m.Member)
			window(m.Window)
		}
		if r.Per.Sign() > 0 {
			for _, k := range []int64{1, 3, 10, 100} {
				n := r.Per.Mul(decimal.New(k, 0))
				addValue(n)
				addValue(n.Sub(decimal.New(1, -2)))
			}
			// What fills each cap in one event, and twice that.
			if r.Points.Sign() > 0 {
				for _, c := range []decimal.NullDecimal{r.Caps.Day, r.Caps.Week, r.Caps.Month, r.Caps.Lifetime} {
					if c.Valid && c.Decimal.Sign() > 0 {
						fill := c.Decimal.Div(r.Points).Mul(r.Per).RoundUp(2)
						addValue(fill)
						addValue(fill.Mul(decimal.New(2, 0)))
					}
				}
			}
		}
		if b := r.Caps.Budget; b.Name != "" && !slices.ContainsFunc(v.budgets, func(x incentive.BudgetCap) bool { return x.Name == b.Name }) {
			v.budgets = append(v.budgets, b)
		}
	}
	v.names = append(v.names, "no-such-event")
	v.tiers = slices.Sorted(maps.Keys(tiers))
	for _, k := range slices.Sorted(maps.Keys(values)) {
		v.values = append(v.values, values[k])
	}
	v.starts = append(v.starts, Start)
	from := qun.DateOf(Start).AddDays(-366).Start(loc)
	until := latest.AddDays(366).Start(loc)
	for _, tr := range transitions(loc, from, until) {
		v.starts = append(v.starts, tr.Add(-3*time.Hour), tr.Add(-30*time.Minute))
	}
	slices.SortFunc(v.starts, time.Time.Compare)
	v.starts = slices.CompactFunc(v.starts, time.Time.Equal)
	return v
}

// addConditions adds the values worth trying for each condition to to.
func addConditions(to map[string][]string, conds []qun.Condition) {
	for _, c := range conds {
		vals := to[c.Prop]
		add := func(s string) {
			if !slices.Contains(vals, s) {
				vals = append(vals, s)
			}
		}
		add("other")
		switch c.Op {
		case qun.OpExact, qun.OpIsNot:
			for _, s := range c.Values {
				add(s)
			}
		case qun.OpIContains, qun.OpNotIContains:
			for _, s := range c.Values {
				add(s)
				add("x" + strings.ToUpper(s) + "x")
			}
		case qun.OpGT, qun.OpGTE, qun.OpLT, qun.OpLTE:
			for _, s := range c.Values {
				d, err := decimal.NewFromString(s)
				if err != nil {
					continue
				}
				for _, x := range []decimal.Decimal{d, d.Add(decimal.New(1, 0)), d.Sub(decimal.New(1, 0)), d.Add(decimal.New(1, -2)), d.Sub(decimal.New(1, -2))} {
					add(x.String())
				}
			}
			add("not a number")
		case qun.OpIsSet, qun.OpIsNotSet:
			add("")
		}
		to[c.Prop] = vals
	}
}

// transitions returns the instants in [from, until) at which loc's UTC
// offset changes: DST starting and ending. It steps by day and bisects to
// the second, not trusting time.Time.ZoneBounds (golang/go#81583).
func transitions(loc *time.Location, from, until time.Time) []time.Time {
	var out []time.Time
	offset := func(t time.Time) int { _, off := t.In(loc).Zone(); return off }
	for t := from; t.Before(until); t = t.Add(24 * time.Hour) {
		next := t.Add(24 * time.Hour)
		if offset(t) == offset(next) {
			continue
		}
		lo, hi := t, next // offset(lo) != offset(hi)
		for hi.Sub(lo) > time.Second {
			mid := lo.Add(hi.Sub(lo) / 2)
			if offset(mid) == offset(lo) {
				lo = mid
			} else {
				hi = mid
			}
		}
		out = append(out, hi)
	}
	return out
}
