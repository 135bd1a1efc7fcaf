package incentive

import (
	"fmt"
	"slices"
	"strings"

	"github.com/qunkit/qun"
	"github.com/shopspring/decimal"
)

// Decision is what the earning rules decided for one event: one Award per
// matching rule, in evaluation order, including those that a cap or a
// cooldown left with nothing, so that a member can be told why.
type Decision struct {
	// Awards has one award per rule that took the event and met its
	// conditions, in the program's order; empty when none did.
	Awards []Award `json:"awards,omitempty"`
}

// Award is what one rule awarded for one event, and why: rules must be
// transparent to members (积分规则透明).
type Award struct {
	// Rule and Kind are the rule and the kind of points it awards.
	Rule string `json:"rule"`
	Kind string `json:"kind"`
	// Base is the points before multipliers, bonus and caps, rounded to
	// the kind's scale.
	Base decimal.Decimal `json:"base"`
	// Unrounded is Base before rounding, when rounding changed it (¥99.50
	// at 1 point per ¥10 is 9.95, and Base 9), and zero when Base is
	// exact. It keeps 9 decimal places, cutting off the rest of a fraction
	// that does not end (1 point per ¥3).
	Unrounded decimal.Decimal `json:"unrounded,omitzero"`
	// Multipliers names the multipliers that applied, and Factor is their
	// product (1 when none did).
	Multipliers []string        `json:"multipliers,omitempty"`
	Factor      decimal.Decimal `json:"factor"`
	// Bonus is the first-time bonus, if this was the rule's first award.
	Bonus decimal.Decimal `json:"bonus"`
	// Wanted is the exact base × Factor, rounded once, plus Bonus: what
	// the rule would award without limits.
	Wanted decimal.Decimal `json:"wanted"`
	// Points is what is awarded, at the kind's scale: Wanted, or less when
	// Limit cut it.
	Points decimal.Decimal `json:"points"`
	// Limit says what cut Wanted down to Points, or is LimitNone.
	Limit Limit `json:"limit,omitzero"`
}

// Explain says in a sentence how the award came about, with arithmetic a
// member can check: "buy: 9.95 × 3 (gold) = 29.85 → 29 + 20 first-time
// bonus = 49, cut to 40 by the daily cap". An arrow marks the rounding to
// the kind's scale.
func (a Award) Explain() string {
	var b strings.Builder
	base := a.Base
	if !a.Unrounded.IsZero() {
		base = a.Unrounded
	}
	fmt.Fprintf(&b, "%s: %s", a.Rule, base)
	product := base
	if len(a.Multipliers) > 0 {
		fmt.Fprintf(&b, " × %s (%s)", a.Factor, strings.Join(a.Multipliers, ", "))
		product = base.Mul(a.Factor)
	}
	rounded := a.Wanted.Sub(a.Bonus)
	arrow := a.Limit != LimitCooldown && a.Limit != LimitOverflow && !product.Equal(rounded)
	if arrow {
		if len(a.Multipliers) > 0 {
			fmt.Fprintf(&b, " = %s", product)
		}
		fmt.Fprintf(&b, " → %s", rounded)
	}
	if a.Bonus.Sign() > 0 {
		fmt.Fprintf(&b, " + %s first-time bonus", a.Bonus)
	}
	if !arrow || a.Bonus.Sign() > 0 {
		fmt.Fprintf(&b, " = %s", a.Wanted)
	}
	if a.Limit != LimitNone {
		fmt.Fprintf(&b, ", cut to %s by the %s", a.Points, a.Limit.phrase())
	}
	return b.String()
}

// Limit is what cut an award.
type Limit uint8

// The limits.
const (
	LimitNone     Limit = iota // nothing: the award is what the rule wants
	LimitCooldown              // the rule's cooldown has not passed: "cooldown"
	LimitDay                   // the daily cap: "day"
	LimitWeek                  // the weekly cap: "week"
	LimitMonth                 // the monthly cap: "month"
	LimitLifetime              // the lifetime cap: "lifetime"
	LimitBudget                // the campaign budget: "budget"
	LimitOverflow              // an amount too large to hold: "overflow"
)

var limitNames = [...]string{"", "cooldown", "day", "week", "month", "lifetime", "budget", "overflow"}
var limitPhrases = [...]string{"", "cooldown", "daily cap", "weekly cap", "monthly cap", "lifetime cap", "campaign budget", "largest amount an award can hold"}

func (l Limit) phrase() string {
	if int(l) < len(limitPhrases) {
		return limitPhrases[l]
	}
	return l.String()
}

// String returns the limit's name.
func (l Limit) String() string {
	if int(l) < len(limitNames) {
		return limitNames[l]
	}
	return fmt.Sprintf("Limit(%d)", uint8(l))
}

// MarshalText writes the limit's name.
func (l Limit) MarshalText() ([]byte, error) {
	if int(l) >= len(limitNames) {
		return nil, fmt.Errorf("incentive: marshal limit %d: %w", uint8(l), qun.Invalid("", "not a limit"))
	}
	return []byte(limitNames[l]), nil
}

// UnmarshalText reads a limit's name.
func (l *Limit) UnmarshalText(text []byte) error {
	for i, n := range limitNames {
		if n == string(text) {
			*l = Limit(i)
			return nil
		}
	}
	return fmt.Errorf("incentive: parse limit %q: %w", text, qun.Invalid("", "not a limit"))
}

// Total returns the points the decision awards of the given kind.
func (d Decision) Total(kind string) decimal.Decimal {
	sum := decimal.Zero
	for _, a := range d.Awards {
		if a.Kind == kind {
			sum = sum.Add(a.Points)
		}
	}
	return sum
}

// EarnRequests turns the decision into one earn per kind that gained
// points, for the member of ev in the community, keyed by the event's ID
// and fingerprinted by the event ([EventFingerprint]): what a host that
// applies earns itself sends to its ledger, as [Ledger.EarnEvent] does. A
// redelivered event is then a duplicate of the earn it made, whatever the
// rules decide for it now, on either path. If an earn fails with
// [ErrStaleDecision], evaluate the event again on fresh state.
func (d Decision) EarnRequests(community string, ev qun.Event) []EarnRequest {
	var reqs []EarnRequest
	for _, a := range d.Awards {
		i := slices.IndexFunc(reqs, func(r EarnRequest) bool { return r.Account.Kind == a.Kind })
		if i < 0 {
			reqs = append(reqs, EarnRequest{
				Account: AccountID{community, ev.Member, a.Kind}, Key: ev.ID,
				Points: decimal.Zero, Reason: ev.Name, EventFingerprint: EventFingerprint(a.Kind, ev),
			})
			i = len(reqs) - 1
		}
		reqs[i].Points = reqs[i].Points.Add(a.Points)
		reqs[i].Awards = append(reqs[i].Awards, a)
	}
	return slices.DeleteFunc(reqs, func(r EarnRequest) bool { return r.Points.Sign() <= 0 })
}
