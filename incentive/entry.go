package incentive

import (
	"fmt"
	"time"

	"github.com/qunkit/qun"
	"github.com/shopspring/decimal"
)

// Entry is one line of an account's statement (积分明细): one change, with
// what it did to each lot and why. Entries are never changed or deleted;
// the balance is the sum of their Points.
type Entry struct {
	// Seq numbers the account's entries from 1, in the order written.
	Seq int64 `json:"seq"`
	// Key is the idempotency key of the operation that wrote the entry.
	// An operation may write more than one entry: a spend that finds lots
	// past their expiry first writes their expiry, then the spend.
	Key string `json:"key"`
	// Type says what happened.
	Type EntryType `json:"type"`
	// Time is the instant the operation was applied at (its now).
	Time time.Time `json:"time"`
	// Points is the signed change of the balance (Available + Pending -
	// Debt): positive for earns and grants, negative for spends,
	// deductions, expiries and reversals, zero for a debt repayment.
	Points decimal.Decimal `json:"points"`
	// Balance is the balance after the entry.
	Balance decimal.Decimal `json:"balance"`
	// Debt is the signed change of the debt.
	Debt decimal.Decimal `json:"debt"`
	// Shortfall is what a reversal could not take back and wrote off.
	Shortfall decimal.Decimal `json:"shortfall"`
	// Lots says how much each lot changed: positive for the lot an earn
	// created, negative for what was consumed, expired or clawed back.
	Lots []LotChange `json:"lots,omitempty"`
	// Lot is the lot an earn or grant created, or the lot a reversal
	// reversed.
	Lot string `json:"lot,omitempty"`
	// Reason says why, in the host's or the operator's words.
	Reason string `json:"reason,omitempty"`
	// Awards explain an earn that came from earning rules.
	Awards []Award `json:"awards,omitempty"`
}

// LotChange is how much one lot changed in an entry.
type LotChange struct {
	// Lot is the lot's ID: the key of the earn that opened it.
	Lot string `json:"lot"`
	// Points is the change: positive when the entry put points into the
	// lot (an earn), negative when it took them out (a spend, an expiry, a
	// reversal).
	Points decimal.Decimal `json:"points"`
}

// EntryType says what an entry did.
type EntryType uint8

// The entry types. The zero EntryType is not valid.
const (
	// EntryEarn records points earned: a new lot.
	EntryEarn EntryType = iota + 1
	// EntrySpend records points spent.
	EntrySpend
	// EntryExpire records points that expired unspent.
	EntryExpire
	// EntryReverse records a reversal of an earn (a refund).
	EntryReverse
	// EntryGrant records points added by hand, with a reason: a new lot.
	EntryGrant
	// EntryDeduct records points removed by hand, with a reason.
	EntryDeduct
	// EntryRepay records debt repaid from newly earned points.
	EntryRepay
)

var entryNames = [...]string{
	EntryEarn: "earn", EntrySpend: "spend", EntryExpire: "expire", EntryReverse: "reverse",
	EntryGrant: "grant", EntryDeduct: "deduct", EntryRepay: "repay",
}

// IsValid reports whether t is one of the entry types.
func (t EntryType) IsValid() bool { return t >= EntryEarn && t <= EntryRepay }

// String returns the type's name: "earn", "spend", ...
func (t EntryType) String() string {
	if !t.IsValid() {
		return fmt.Sprintf("EntryType(%d)", uint8(t))
	}
	return entryNames[t]
}

// MarshalText writes the type's name.
func (t EntryType) MarshalText() ([]byte, error) {
	if !t.IsValid() {
		return nil, fmt.Errorf("incentive: marshal entry type %d: %w", uint8(t), qun.Invalid("", "not an entry type"))
	}
	return []byte(entryNames[t]), nil
}

// UnmarshalText reads a type's name.
func (t *EntryType) UnmarshalText(text []byte) error {
	for v := EntryEarn; v <= EntryRepay; v++ {
		if entryNames[v] == string(text) {
			*t = v
			return nil
		}
	}
	return fmt.Errorf("incentive: parse entry type %q: %w", text, qun.Invalid("", "not an entry type"))
}

// Operation is the record of one applied request: its idempotency key, the
// fingerprint of the request, and the entries it wrote. Stores keep it so
// that a replay of the key returns the original result.
type Operation struct {
	// Key is the request's idempotency key.
	Key string `json:"key"`
	// Fingerprint identifies the request's content (a SHA-256 of its
	// canonical form, in hex): a replay with the same key and a different
	// fingerprint is refused with [ErrIdempotencyConflict].
	Fingerprint string `json:"fingerprint"`
	// Version is the account's version after the operation.
	Version int64 `json:"version"`
	// Entries are what the operation wrote, in order.
	Entries []Entry `json:"entries"`
}
