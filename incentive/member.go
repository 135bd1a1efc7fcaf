package incentive

import (
	"github.com/shopspring/decimal"
)

// Member is what the host knows about a member that the earning rules
// read: the tier and the attributes. The rules' own record of the member
// (what each rule awarded before, for caps, cooldowns and first-time
// bonuses) is kept apart, in a [RuleState], because the ledger owns it:
// [Ledger.EarnEvent] reads it from the member's accounts, and a host never
// has to supply it.
type Member struct {
	// Tier is the member's tier (会员等级), if the host has tiers.
	Tier string `json:"tier,omitempty"`
	// Attrs are the member's attributes: city, channel, "staff".
	Attrs map[string]string `json:"attrs,omitempty"`
}

// RuleState is what the ledger has recorded that the earning rules read
// besides the event and the member: each rule's usage by the member (kept
// in the member's accounts, one per kind of points) and what the campaign
// budgets have given out. [Ledger.EarnEvent] loads it from the store; a
// host that evaluates on its own passes the Usage of the member's accounts
// of every kind the rules award, and the budgets they draw from.
type RuleState struct {
	// Usage is each rule's usage by the member, sorted by rule (as
	// accounts keep it).
	Usage []Usage `json:"usage,omitempty"`
	// Budgets is the state of the campaign budgets the rules draw from.
	Budgets []Budget `json:"budgets,omitempty"`
}

// usage returns the usage of a rule, or nil. Usage is kept sorted by rule
// (as accounts keep it, and the Ledger passes it), so a binary search
// finds it; on an unsorted slice the search can only miss, never find the
// wrong rule, so a miss falls back to a scan.
func (s *RuleState) usage(rule string) *Usage {
	lo, hi := 0, len(s.Usage)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if s.Usage[mid].Rule < rule {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo < len(s.Usage) && s.Usage[lo].Rule == rule {
		return &s.Usage[lo]
	}
	for i := range s.Usage {
		if s.Usage[i].Rule == rule {
			return &s.Usage[i]
		}
	}
	return nil
}

// usageHint returns the usage of a rule whose rank among the program's
// rules sorted by ID is rank: where a member's usage holds every rule of
// the program, that is its index, and one comparison finds it.
func (s *RuleState) usageHint(rule string, rank int) *Usage {
	if rank < len(s.Usage) && s.Usage[rank].Rule == rule {
		return &s.Usage[rank]
	}
	return s.usage(rule)
}

// Budget is the state of a campaign budget: what all members were awarded
// from it so far.
type Budget struct {
	// Name is the budget's name, as rules' [BudgetCap] name it.
	Name string `json:"name"`
	// Used is the points awarded from the budget so far, to all members.
	Used decimal.Decimal `json:"used"`
}

// BudgetDraw is an operation's draw on a campaign budget: a store adds
// Points to the budget's Used, atomically with the rest of the append, and
// refuses the append with [ErrBudgetExhausted] if the sum would pass
// Limit.
type BudgetDraw struct {
	// Name is the budget's name.
	Name string `json:"name"`
	// Points is the amount drawn: the sum of the operation's awards under
	// the budget, never negative.
	Points decimal.Decimal `json:"points"`
	// Limit is the budget's limit, from the rule's [BudgetCap].
	Limit decimal.Decimal `json:"limit"`
}
