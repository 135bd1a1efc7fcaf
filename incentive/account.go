package incentive

import (
	"errors"
	"slices"
	"time"

	"github.com/qunkit/qun"
	"github.com/shopspring/decimal"
)

// AccountID names one account: a member's points of one kind in one
// community. The community is the host's tenant: no operation on one
// community's accounts reads or changes another's, even for the same member
// ID.
type AccountID struct {
	// Community is the host's tenant the account belongs to: a name of 1
	// to 256 bytes of UTF-8 without control characters.
	Community string `json:"community"`
	// Member is the member who holds the points.
	Member qun.MemberID `json:"member"`
	// Kind is the kind of points, as the program names it ("points",
	// "growth"): a name like Community.
	Kind string `json:"kind"`
}

// Validate reports every problem with id, joined: each part must be a name
// (1 to 256 bytes of UTF-8 without control characters).
func (id AccountID) Validate() error {
	var errs []error
	if reason := nameProblem(id.Community); reason != "" {
		errs = append(errs, qun.Invalid("community", "%s", reason))
	}
	if err := id.Member.Validate(); err != nil {
		errs = append(errs, qun.Within("member", err))
	}
	if reason := nameProblem(id.Kind); reason != "" {
		errs = append(errs, qun.Invalid("kind", "%s", reason))
	}
	return errors.Join(errs...)
}

// String writes id as community/member/kind, for messages.
func (id AccountID) String() string { return id.Community + "/" + string(id.Member) + "/" + id.Kind }

// nameProblem returns why s is not a name in qun's sense (see
// [qun.MaxNameLen]), or "" if it is.
func nameProblem(s string) string {
	var ve *qun.ValidationError
	if err := qun.ValidateName(s); errors.As(err, &ve) {
		return ve.Reason
	}
	return ""
}

// Account is the state of an account as a store holds it: what the pure
// operations read, and what they return changed. Its lots are the open ones
// (see [Lot.Open]) plus any lot a load asked for by name.
//
// The zero Account, with Version 0, is an account never written.
type Account struct {
	// ID names the account.
	ID AccountID `json:"id"`
	// Version counts the appends to the account; a store appends only if
	// the version it holds is still the one the writer read.
	Version int64 `json:"version"`
	// Seq is the sequence number of the last entry written, 0 for none.
	Seq int64 `json:"seq"`
	// Debt is what the member owes after reversals under the Debt policy;
	// never negative. Earnings repay it before anything else.
	Debt decimal.Decimal `json:"debt"`
	// Totals are the account's running totals.
	Totals Totals `json:"totals"`
	// Lots are the open lots, and any lot a load asked for by ID, in any
	// order: the operations put them in the order spending consumes them
	// (see [Lot]).
	Lots []Lot `json:"lots,omitempty"`
	// Usage counts what each earning rule awarded into this account, for
	// caps, cooldowns and first-time bonuses.
	Usage []Usage `json:"usage,omitempty"`
}

// Totals are an account's running totals since it was opened, each a
// non-negative amount. The balance is Earned + Granted - Spent - Deducted -
// Expired - Reversed, and equals the sum of the entries' Points.
type Totals struct {
	// Earned counts points earned.
	Earned decimal.Decimal `json:"earned"`
	// Granted counts points added by manual adjustments.
	Granted decimal.Decimal `json:"granted"`
	// Spent counts points spent.
	Spent decimal.Decimal `json:"spent"`
	// Deducted counts points removed by manual adjustments.
	Deducted decimal.Decimal `json:"deducted"`
	// Expired counts points that expired unspent.
	Expired decimal.Decimal `json:"expired"`
	// Reversed counts points taken back by reversals, debt included.
	Reversed decimal.Decimal `json:"reversed"`
	// Shortfall counts points that reversals could not take back and wrote
	// off (under CapAtZero and LotOnly).
	Shortfall decimal.Decimal `json:"shortfall"`
}

// Lot is the points of one earn (or one positive adjustment), tracked until
// they are used up, expire or are reversed: Open Loyalty's points transfer.
// Lots are what make expiry exact: a lot expires only what remains of it,
// never what was spent from it.
//
// Remaining + Used + Expired + Clawed always equals Amount, and Charged
// never exceeds Used.
type Lot struct {
	// ID is the idempotency key of the operation that created the lot.
	ID string `json:"id"`
	// Amount is what the lot held when it was created.
	Amount decimal.Decimal `json:"amount"`
	// Remaining is what is left to spend.
	Remaining decimal.Decimal `json:"remaining"`
	// Used is what spends, deductions, debt repayments and reversals of
	// other lots consumed from it.
	Used decimal.Decimal `json:"used"`
	// Expired is what expired unspent.
	Expired decimal.Decimal `json:"expired"`
	// Clawed is what reversals of this lot took from Remaining.
	Clawed decimal.Decimal `json:"clawed"`
	// Charged is the part of Used that reversals of this lot charged back
	// (from other points, as debt, or as a shortfall).
	Charged decimal.Decimal `json:"charged"`
	// EarnedAt is when the lot was created.
	EarnedAt time.Time `json:"earned_at"`
	// AvailableAt is when the lot can first be spent: EarnedAt plus the
	// kind's pending period.
	AvailableAt time.Time `json:"available_at"`
	// ExpiresAt is the first instant at which the lot is expired; the zero
	// time means never.
	ExpiresAt time.Time `json:"expires_at,omitzero"`
	// Open says whether a store must load the lot with its account: it has
	// points remaining, or it was still pending when last written. Closed
	// lots are loaded only when asked for by ID, to be reversed.
	Open bool `json:"open"`
}

// expiredAt reports whether the lot is expired at now.
func (l *Lot) expiredAt(now time.Time) bool { return !l.ExpiresAt.IsZero() && !now.Before(l.ExpiresAt) }

// pendingAt reports whether the lot is still locked at now.
func (l *Lot) pendingAt(now time.Time) bool { return now.Before(l.AvailableAt) }

// spendableAt reports whether the lot's remaining points can be spent now.
func (l *Lot) spendableAt(now time.Time) bool {
	return !l.pendingAt(now) && !l.expiredAt(now) && l.Remaining.Sign() > 0
}

// consumeOrder reports whether a is spent before b: soonest-expiring first
// (a lot that never expires comes last), then oldest, then by ID, so that
// the order is total and every store agrees on it.
func consumeOrder(a, b *Lot) int {
	switch {
	case a.ExpiresAt.IsZero() != b.ExpiresAt.IsZero():
		if a.ExpiresAt.IsZero() {
			return 1
		}
		return -1
	case !a.ExpiresAt.Equal(b.ExpiresAt):
		return a.ExpiresAt.Compare(b.ExpiresAt)
	case !a.EarnedAt.Equal(b.EarnedAt):
		return a.EarnedAt.Compare(b.EarnedAt)
	case a.ID < b.ID:
		return -1
	case a.ID > b.ID:
		return 1
	}
	return 0
}

// Usage counts what one earning rule awarded into an account: the state
// behind its caps, cooldown and first-time bonus. It lives in the account,
// and is written in the same append as the points, so that two concurrent
// awards cannot both slip under a cap.
type Usage struct {
	// Rule is the rule's ID.
	Rule string `json:"rule"`
	// Awards counts the awards that gave points.
	Awards int64 `json:"awards"`
	// Points is everything the rule awarded, for the lifetime cap.
	Points decimal.Decimal `json:"points"`
	// Last is when the rule last gave points, for the cooldown.
	Last time.Time `json:"last,omitzero"`
	// Day, Week and Month are the points awarded in the latest local day,
	// week and month in which the rule gave any.
	Day   Tally `json:"day"`
	Week  Tally `json:"week"`
	Month Tally `json:"month"`
}

// Tally is the points awarded in one calendar period, named by its
// [qun.Period.Index].
type Tally struct {
	// Period is the period's [qun.Period.Index] in the program's calendar.
	Period int64 `json:"period"`
	// Points is what the rule awarded the member in that period, caps
	// applied.
	Points decimal.Decimal `json:"points"`
}

// Balance is what an account holds as of an instant.
type Balance struct {
	// Available is what can be spent now: the remaining points of the
	// lots that are available and not expired, less the debt they repay.
	Available decimal.Decimal `json:"available"`
	// Pending is what is earned but still locked.
	Pending decimal.Decimal `json:"pending"`
	// Debt is what the member owes (Debt policy only) once available
	// points have repaid what they can; while it is positive, Available is
	// zero.
	Debt decimal.Decimal `json:"debt"`
	// Net is Available + Pending - Debt: the sum of all entries, once
	// points due to expire have been expired.
	Net decimal.Decimal `json:"net"`
	// Expiring is the part of Available and Pending that expires within the
	// horizon asked for.
	Expiring decimal.Decimal `json:"expiring"`
	// NextExpiry is the soonest instant at which some of those points
	// expire, or zero.
	NextExpiry time.Time `json:"next_expiry,omitzero"`
	// Lifetime is everything earned or granted, less reversals and
	// shortfalls, and less what is still pending: the figure a tier reads
	// (never Available, which spending lowers; never pending points, which a
	// return can still take back).
	Lifetime decimal.Decimal `json:"lifetime"`
}

// BalanceAt returns a's balance at now, with the points expiring within
// horizon after now, as the next operation would find it: lots past their
// expiry count as expired even if no expiry has been written yet, and debt
// is repaid from the points that have become available (soonest-expiring
// first) before they count as Available, as every operation does before
// anything else. So Available is exactly what a spend at now can take.
func (a *Account) BalanceAt(now time.Time, horizon time.Duration) Balance {
	// Work on a copy, as an operation would, so that the balance and the
	// operations cannot disagree about repayment.
	t := &tx{a: a.clone(), now: now}
	slices.SortFunc(t.a.Lots, func(x, y Lot) int { return consumeOrder(&x, &y) })
	t.changed = make([]bool, len(t.a.Lots))
	t.expireDue()
	t.repay(-1)
	var b Balance
	b.Debt = t.a.Debt
	until := now.Add(horizon)
	pendingNet := decimal.Zero
	for i := range t.a.Lots {
		l := &t.a.Lots[i]
		if l.expiredAt(now) {
			continue
		}
		if l.pendingAt(now) {
			b.Pending = b.Pending.Add(l.Remaining)
			pendingNet = pendingNet.Add(l.Amount.Sub(l.Clawed).Sub(l.Charged))
		} else {
			b.Available = b.Available.Add(l.Remaining)
		}
		if !l.ExpiresAt.IsZero() && !l.ExpiresAt.After(until) && l.Remaining.Sign() > 0 {
			b.Expiring = b.Expiring.Add(l.Remaining)
			if b.NextExpiry.IsZero() || l.ExpiresAt.Before(b.NextExpiry) {
				b.NextExpiry = l.ExpiresAt
			}
		}
	}
	b.Net = b.Available.Add(b.Pending).Sub(b.Debt)
	tot := t.a.Totals
	b.Lifetime = tot.Earned.Add(tot.Granted).Sub(tot.Reversed).Sub(tot.Shortfall).Sub(pendingNet)
	return b
}

// net returns the account's balance from its totals.
func (a *Account) net() decimal.Decimal {
	t := a.Totals
	return t.Earned.Add(t.Granted).Sub(t.Spent).Sub(t.Deducted).Sub(t.Expired).Sub(t.Reversed)
}

// clone returns a deep copy of a's slices, so that an operation can change
// the copy and leave the input as it was.
func (a Account) clone() Account {
	a.Lots = append([]Lot(nil), a.Lots...)
	a.Usage = append([]Usage(nil), a.Usage...)
	return a
}
