package incentive

import (
	"github.com/shopspring/decimal"
)

// Member is what the earning rules know about a member beyond the event:
// the tier and attributes the host supplies, and the usage of each rule and
// campaign budget, which the [Ledger] reads from the member's accounts and
// the store.
type Member struct {
	// Tier is the member's tier (会员等级), if the host has tiers.
	Tier string `json:"tier,omitempty"`
	// Attrs are the member's attributes: city, channel, "staff".
	Attrs map[string]string `json:"attrs,omitempty"`
	// Usage is each rule's usage: the Usage of the member's accounts of
	// every kind the rules award.
	Usage []Usage `json:"usage,omitempty"`
	// Budgets is the state of the campaign budgets the rules draw from.
	Budgets []Budget `json:"budgets,omitempty"`
}

// usage returns the member's usage of a rule, or nil. Usage is kept
// sorted by rule (as accounts keep it, and the Ledger passes it), so a
// binary search finds it; on an unsorted slice the search can only miss,
// never find the wrong rule, so a miss falls back to a scan.
func (m *Member) usage(rule string) *Usage {
	lo, hi := 0, len(m.Usage)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if m.Usage[mid].Rule < rule {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo < len(m.Usage) && m.Usage[lo].Rule == rule {
		return &m.Usage[lo]
	}
	for i := range m.Usage {
		if m.Usage[i].Rule == rule {
			return &m.Usage[i]
		}
	}
	return nil
}

// Budget is the state of a campaign budget: what all members were awarded
// from it so far.
type Budget struct {
	Name string          `json:"name"`
	Used decimal.Decimal `json:"used"`
}

// BudgetDraw is an operation's draw on a campaign budget: a store adds
// Points to the budget's Used, atomically with the rest of the append, and
// refuses the append if the sum would pass Limit.
type BudgetDraw struct {
	Name   string          `json:"name"`
	Points decimal.Decimal `json:"points"`
	Limit  decimal.Decimal `json:"limit"`
}
