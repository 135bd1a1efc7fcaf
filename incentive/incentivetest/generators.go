// Package incentivetest proves a host's own points program safe: rapid
// generators for programs, events, members, rule usage and operation
// histories, and [Check], which runs the ledger's invariants against a
// program (no double awards, no cap exceeded, no expiry of spent points,
// spending soonest-expiring first, deterministic evaluation, reversals
// equivalent to never having earned). A host calls Check from its own tests
// on the program its operators configured; see the package example.
//
// The generators of events, members and rule usage draw from the
// program's own vocabulary: the names, property values, numeric
// thresholds, tiers, attributes, campaign windows and caps its rules use,
// and the DST transitions of its zone; so that the properties reach a
// host's rules, not only rules written in a fixed list of words.
package incentivetest

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// Start is the instant the ledger's histories begin, and one of those
// the rules' timelines begin at (the others come from the program: its
// campaign windows and its zone's DST transitions): a Monday in November
// 2026 in Shanghai, a month before the year ends, so that generated
// histories cross day, week, month and year boundaries.
var Start = time.Date(2026, 11, 30, 9, 0, 0, 0, qun.MustLoadZone("Asia/Shanghai").Location())

// The words generated programs use.
var (
	eventNames = []string{"check_in", "post", "purchase"}
	cities     = []string{"shanghai", "beijing", "chengdu"}
	channels   = []string{"online", "offline"}
	tiers      = []string{"silver", "gold"}
)

// Programs returns a generator of valid programs: one or two kinds of
// points with every policy (scale, rounding, pending period, expiry,
// reversal) and up to eight rules with every feature (per-unit awards,
// multipliers, bonuses, caps, budgets, cooldowns, priorities, stops). Its
// calendar is Asia/Shanghai with weeks from Monday.
func Programs() *rapid.Generator[incentive.Program] {
	return rapid.Custom(func(t *rapid.T) incentive.Program {
		p := incentive.Program{Calendar: qun.Calendar{Zone: qun.MustLoadZone("Asia/Shanghai"), WeekStart: time.Monday}}
		nKinds := rapid.IntRange(1, 2).Draw(t, "kinds")
		for i := range nKinds {
			p.Kinds = append(p.Kinds, Kinds(fmt.Sprint("kind", i)).Draw(t, "kind"))
		}
		p.Kinds[0].Spendable = true
		nRules := rapid.IntRange(0, 8).Draw(t, "rules")
		for i := range nRules {
			k := rapid.SampledFrom(p.Kinds).Draw(t, "rule kind")
			p.Rules = append(p.Rules, rule(t, "rule-"+strconv.Itoa(i), k))
		}
		return p
	})
}

// Kinds returns a generator of kinds of points named name, with any
// policy.
func Kinds(name string) *rapid.Generator[incentive.Kind] {
	return rapid.Custom(func(t *rapid.T) incentive.Kind {
		k := incentive.Kind{
			Name:      name,
			Scale:     int32(rapid.IntRange(0, 2).Draw(t, "scale")),
			Rounding:  incentive.Rounding(rapid.IntRange(0, 3).Draw(t, "rounding")),
			Spendable: rapid.Bool().Draw(t, "spendable"),
			Reversal:  incentive.Reversal(rapid.IntRange(0, 2).Draw(t, "reversal")),
		}
		if rapid.Bool().Draw(t, "pending") {
			k.Pending = qun.Duration(time.Duration(rapid.IntRange(1, 72).Draw(t, "pending hours")) * time.Hour)
		}
		switch rapid.IntRange(0, 4).Draw(t, "expiry") {
		case 1:
			k.Expiry.After = qun.Duration(time.Duration(rapid.IntRange(1, 60*24).Draw(t, "expiry hours")) * time.Hour)
		case 2:
			k.Expiry = incentive.Expiry{End: qun.Day, Periods: rapid.IntRange(0, 40).Draw(t, "expiry days")}
		case 3:
			k.Expiry = incentive.Expiry{End: qun.Month, Periods: rapid.IntRange(0, 1).Draw(t, "expiry months")}
		case 4:
			k.Expiry = incentive.Expiry{End: qun.Year, Periods: rapid.IntRange(0, 1).Draw(t, "expiry years")}
		}
		if !k.Expiry.Never() && (rapid.Float64Range(0, 1).Draw(t, "from available") < 0.2 || k.Validate() != nil) {
			// Counted from availability, no pending period can outlast
			// the expiry.
			k.Expiry.From = incentive.ExpiryFromAvailable
		}
		return k
	})
}

// amount draws a positive amount at the kind's scale, up to max units of 1.
func amount(t *rapid.T, label string, k incentive.Kind, max int) decimal.Decimal {
	unit := int64(1)
	for range k.Scale {
		unit *= 10
	}
	return decimal.New(rapid.Int64Range(1, int64(max)*unit).Draw(t, label), -k.Scale)
}

// rule draws an earning rule of kind k.
func rule(t *rapid.T, id string, k incentive.Kind) incentive.Rule {
	r := incentive.Rule{
		ID: id, Kind: k.Name,
		Event:    qun.EventFilter{Name: rapid.SampledFrom(eventNames).Draw(t, "event")},
		Points:   amount(t, "points", k, 50),
		Priority: rapid.IntRange(0, 3).Draw(t, "priority"),
		Stop:     rapid.Float64Range(0, 1).Draw(t, "stop") < 0.15,
	}
	if r.Event.Name == "purchase" && rapid.Bool().Draw(t, "per unit") {
		r.Per = rapid.SampledFrom([]decimal.Decimal{decimal.New(1, 0), decimal.New(10, 0), decimal.New(25, -1)}).Draw(t, "per")
		r.WholeUnits = rapid.Bool().Draw(t, "whole units")
		r.Points = decimal.New(rapid.Int64Range(1, 500).Draw(t, "rate"), -1) // a rate may be finer than the scale
	}
	if rapid.Bool().Draw(t, "channel condition") {
		r.Event.Where = []qun.Condition{{Prop: "channel", Op: qun.OpExact, Values: []string{rapid.SampledFrom(channels).Draw(t, "channel")}}}
	}
	if rapid.Float64Range(0, 1).Draw(t, "city condition") < 0.3 {
		r.Member = []qun.Condition{{Prop: "city", Op: qun.OpIsNot, Values: []string{rapid.SampledFrom(cities).Draw(t, "city")}}}
	}
	if rapid.Float64Range(0, 1).Draw(t, "tier condition") < 0.2 {
		r.Tiers = []string{"gold"}
	}
	for i := range rapid.IntRange(0, 2).Draw(t, "multipliers") {
		m := incentive.Multiplier{
			Name:   fmt.Sprint("m", i),
			Factor: rapid.SampledFrom([]decimal.Decimal{decimal.New(15, -1), decimal.New(2, 0), decimal.New(3, 0), decimal.New(125, -2)}).Draw(t, "factor"),
		}
		if rapid.Bool().Draw(t, "holiday") {
			from := qun.DateOf(Start).AddDays(rapid.IntRange(0, 30).Draw(t, "window start"))
			m.Window = &incentive.Window{From: from, Until: from.AddDays(rapid.IntRange(0, 3).Draw(t, "window days"))}
		} else {
			m.Tiers = []string{rapid.SampledFrom(tiers).Draw(t, "multiplier tier")}
		}
		r.Multipliers = append(r.Multipliers, m)
	}
	if rapid.Float64Range(0, 1).Draw(t, "active") < 0.15 {
		from := qun.DateOf(Start).AddDays(rapid.IntRange(0, 20).Draw(t, "active start"))
		r.Active = &incentive.Window{From: from, Until: from.AddDays(rapid.IntRange(0, 10).Draw(t, "active days"))}
	}
	if rapid.Bool().Draw(t, "bonus") {
		r.FirstTimeBonus = amount(t, "bonus", k, 30)
	}
	capOf := func(label string, p float64, max int) decimal.NullDecimal {
		if rapid.Float64Range(0, 1).Draw(t, label) < p {
			return decimal.NewNullDecimal(amount(t, label+" cap", k, max))
		}
		return decimal.NullDecimal{}
	}
	r.Caps.Day = capOf("day", 0.5, 100)
	r.Caps.Week = capOf("week", 0.3, 300)
	r.Caps.Month = capOf("month", 0.3, 800)
	r.Caps.Lifetime = capOf("lifetime", 0.2, 2000)
	if rapid.Float64Range(0, 1).Draw(t, "budget") < 0.3 {
		r.Caps.Budget = incentive.BudgetCap{Name: "launch-" + k.Name, Limit: decimal.New(500, 0)}
	}
	if rapid.Float64Range(0, 1).Draw(t, "cooldown") < 0.3 {
		r.Cooldown = qun.Duration(time.Duration(rapid.IntRange(1, 48).Draw(t, "cooldown hours")) * time.Hour)
	}
	return r
}

// Events returns a generator of events for p's rules, drawn from the
// program's own vocabulary: the event names its rules take (and one no
// rule takes); for each property a rule's condition tests, the values the
// condition names, values just above and below its numeric thresholds,
// values that contain its substring or not, and no value at all; event
// values around each per-unit rule's Per and large enough to fill a cap
// in one event, or none; and times from Start, from the days around each
// campaign window's ends and from the hours before each DST transition of
// the program's zone, up to four days on. Events from this generator have
// no ID; Check gives each a fresh one.
func Events(p incentive.Program) *rapid.Generator[qun.Event] {
	return events(vocabularyOf(p), "")
}

// events draws events from v; if focus is not empty, mostly events of
// that name.
func events(v *vocabulary, focus string) *rapid.Generator[qun.Event] {
	return rapid.Custom(func(t *rapid.T) qun.Event {
		name := focus
		if focus == "" || rapid.IntRange(0, 9).Draw(t, "another name") < 3 {
			name = rapid.SampledFrom(v.names).Draw(t, "name")
		}
		ev := qun.Event{
			Member: "member",
			Name:   name,
			Time:   v.instant(t, 4*24*time.Hour),
		}
		switch rapid.IntRange(0, 9).Draw(t, "value") {
		case 0, 1:
		case 2:
			ev.Value = decimal.NewNullDecimal(decimal.New(rapid.Int64Range(0, 99999).Draw(t, "any value"), -2))
		default:
			ev.Value = decimal.NewNullDecimal(rapid.SampledFrom(v.values).Draw(t, "rule value"))
		}
		ev.Props = draws(t, v.props, "prop")
		return ev
	})
}

// instant draws an instant from the vocabulary's starts, up to within
// after it.
func (v *vocabulary) instant(t *rapid.T, within time.Duration) time.Time {
	start := rapid.SampledFrom(v.starts).Draw(t, "start")
	return start.Add(time.Duration(rapid.Int64Range(0, int64(within/time.Minute)).Draw(t, "minutes after")) * time.Minute)
}

// draws draws a value, or none, for each key of vocab, in key order.
func draws(t *rapid.T, vocab map[string][]string, label string) map[string]string {
	var out map[string]string
	for _, k := range slices.Sorted(maps.Keys(vocab)) {
		if rapid.IntRange(0, 3).Draw(t, label+" missing") == 0 {
			continue
		}
		if out == nil {
			out = map[string]string{}
		}
		out[k] = rapid.SampledFrom(vocab[k]).Draw(t, k)
	}
	return out
}

// Members returns a generator of the members p's rules tell apart: no
// tier, each tier a rule or multiplier names, or another; and for each
// attribute a rule's or multiplier's condition tests, the values worth
// trying (as [Events] draws properties) or none. It draws no rule usage:
// the ledger supplies that.
func Members(p incentive.Program) *rapid.Generator[incentive.Member] {
	return members(vocabularyOf(p))
}

func members(v *vocabulary) *rapid.Generator[incentive.Member] {
	return rapid.Custom(func(t *rapid.T) incentive.Member {
		return incentive.Member{
			Tier:  rapid.SampledFrom(v.tiers).Draw(t, "tier"),
			Attrs: draws(t, v.attrs, "attr"),
		}
	})
}

// Usages returns a generator of rule usage for p's rules, as a member's
// accounts might hold at now: counts, lifetime points, a last award around
// the rule's cooldown, and tallies of the current or earlier periods, each
// often at its cap, just under it or empty.
func Usages(p incentive.Program, now time.Time) *rapid.Generator[[]incentive.Usage] {
	return rapid.Custom(func(t *rapid.T) []incentive.Usage {
		var us []incentive.Usage
		if len(p.Rules) == 0 {
			rapid.Bool().Draw(t, "no rules") // rapid wants a draw
			return nil
		}
		for _, r := range p.Rules {
			if !rapid.Bool().Draw(t, "used") {
				continue
			}
			scale := int32(0)
			if i := slices.IndexFunc(p.Kinds, func(k incentive.Kind) bool { return k.Name == r.Kind }); i >= 0 {
				scale = p.Kinds[i].Scale
			}
			near := func(label string, c decimal.NullDecimal) decimal.Decimal {
				if !c.Valid {
					return decimal.New(rapid.Int64Range(0, 3000).Draw(t, label), 0)
				}
				unit := decimal.New(1, -scale)
				return rapid.SampledFrom([]decimal.Decimal{decimal.Zero, c.Decimal, decimal.Max(c.Decimal.Sub(unit), decimal.Zero),
					c.Decimal.Div(decimal.New(2, 0)).Truncate(scale)}).Draw(t, label)
			}
			tally := func(g qun.Grain, c decimal.NullDecimal) incentive.Tally {
				return incentive.Tally{
					Period: p.Calendar.Index(g, now) - rapid.Int64Range(0, 1).Draw(t, "periods ago"),
					Points: near("tally", c),
				}
			}
			since := time.Duration(rapid.Int64Range(0, 72).Draw(t, "hours since")) * time.Hour
			if r.Cooldown > 0 && rapid.Bool().Draw(t, "around the cooldown") {
				since = time.Duration(r.Cooldown) + time.Duration(rapid.Int64Range(-60, 60).Draw(t, "seconds past the cooldown"))*time.Second
			}
			us = append(us, incentive.Usage{
				Rule: r.ID, Awards: rapid.Int64Range(0, 5).Draw(t, "awards"),
				Points: near("lifetime", r.Caps.Lifetime),
				Last:   now.Add(-since),
				Day:    tally(qun.Day, r.Caps.Day), Week: tally(qun.Week, r.Caps.Week), Month: tally(qun.Month, r.Caps.Month),
			})
		}
		slices.SortFunc(us, func(a, b incentive.Usage) int { return strings.Compare(a.Rule, b.Rule) })
		return us
	})
}

// OpKind is what an Op does.
type OpKind uint8

// The operations of a generated history.
const (
	OpEarn    OpKind = iota // earn Points
	OpSpend                 // spend Points
	OpGrant                 // grant Points by hand
	OpDeduct                // deduct Points by hand
	OpReverse               // reverse an earlier earn or grant
	OpExpire                // expire what is due
)

var opNames = [...]string{OpEarn: "earn", OpSpend: "spend", OpGrant: "grant", OpDeduct: "deduct", OpReverse: "reverse", OpExpire: "expire"}

// String returns the operation's name: "earn", "spend", ...
func (k OpKind) String() string {
	if int(k) < len(opNames) {
		return opNames[k]
	}
	return fmt.Sprintf("OpKind(%d)", uint8(k))
}

// Op is one step of a generated history on one account: an operation,
// applied Advance after the previous one.
type Op struct {
	// Kind is the operation.
	Kind   OpKind
	Points decimal.Decimal // zero for OpReverse: reverse all
	Target int             // OpReverse: which earlier earn or grant, by its index among them
	// Advance is the time since the previous operation.
	Advance time.Duration
}

// Ops returns a generator of histories on an account of kind k: earns,
// spends, grants, deductions, reversals and expiries, a few hours to a few
// weeks apart.
func Ops(k incentive.Kind) *rapid.Generator[[]Op] {
	return rapid.SliceOfN(rapid.Custom(func(t *rapid.T) Op {
		op := Op{
			Kind:    OpKind(rapid.IntRange(0, 5).Draw(t, "op")),
			Advance: time.Duration(rapid.Int64Range(0, 21*24).Draw(t, "hours")) * time.Hour,
			Target:  rapid.IntRange(0, 10).Draw(t, "target"),
		}
		if op.Kind != OpReverse || rapid.Bool().Draw(t, "partial") {
			op.Points = amount(t, "points", k, 200)
		}
		return op
	}), 1, 40)
}
