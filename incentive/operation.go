package incentive

import (
	"fmt"
	"slices"
	"time"

	"github.com/qunkit/qun"
	"github.com/shopspring/decimal"
)

// The ledger's operations are pure functions from an account's state and a
// request to the entries they append: [Engine.Earn], [Engine.Spend],
// [Engine.Reverse], [Engine.Adjust] and [Engine.Expire]. Each returns an
// Outcome, which a [Store] appends atomically; the [Ledger] does both, and
// retries when the account changed in between.
//
// Every operation first expires the lots that are past their expiry at now,
// writing an expiry entry under the operation's key, and repays debt from
// points that have become available; so no operation ever spends points
// that have expired, and the statement shows each expiry when it happened.

// Outcome is what an operation decided: the account's next state, the
// record of the operation with its entries, and what a store must write.
// An Outcome with no entries changed nothing and is not written.
type Outcome struct {
	// Account is the state after the operation, with its open lots.
	Account Account
	// Operation is the idempotency record, with the entries written.
	Operation Operation
	// Lots are the lots created or changed, closed ones included.
	Lots []Lot
	// Draws are the campaign budget draws the operation makes.
	Draws []BudgetDraw
}

// tx applies one operation to a working copy of an account.
type tx struct {
	e       *Engine
	kind    *Kind
	a       Account
	now     time.Time
	key     string
	entries []Entry
	changed []bool // parallel to a.Lots
	draws   []BudgetDraw
}

// begin checks the request's common parts and starts an operation on a
// copy of a: it expires what is due and repays debt from what became
// available.
func (e *Engine) begin(a Account, id AccountID, key string, now time.Time) (*tx, error) {
	if err := id.Validate(); err != nil {
		return nil, qun.Within("account", err)
	}
	if reason := nameProblem(key); reason != "" {
		return nil, qun.Invalid("key", "%s", reason)
	}
	if now.IsZero() {
		return nil, qun.Invalid("now", "must not be zero")
	}
	kind, ok := e.kinds[id.Kind]
	if !ok {
		return nil, fmt.Errorf("incentive: kind %q: %w", id.Kind, ErrUnknownKind)
	}
	if a.Version != 0 && a.ID != id {
		return nil, qun.Invalid("account", "state of %s given for %s", a.ID, id)
	}
	t := &tx{e: e, kind: kind, a: a.clone(), now: now, key: key}
	t.a.ID = id
	slices.SortFunc(t.a.Lots, func(x, y Lot) int { return consumeOrder(&x, &y) }) // fast when sorted
	t.changed = make([]bool, len(t.a.Lots))
	t.expireDue()
	t.repay(-1)
	return t, nil
}

// entry appends an entry of the given type, with the balance after it.
func (t *tx) entry(typ EntryType, points decimal.Decimal, reason string) *Entry {
	t.a.Seq++
	t.entries = append(t.entries, Entry{
		Seq: t.a.Seq, Key: t.key, Type: typ, Time: t.now, Points: points,
		Balance: t.a.net(), Reason: reason,
	})
	return &t.entries[len(t.entries)-1]
}

// expireDue expires what remains of every lot past its expiry.
func (t *tx) expireDue() {
	var changes []LotChange
	total := decimal.Zero
	for i := range t.a.Lots {
		l := &t.a.Lots[i]
		if l.expiredAt(t.now) && l.Remaining.Sign() > 0 {
			changes = append(changes, LotChange{l.ID, l.Remaining.Neg()})
			total = total.Add(l.Remaining)
			l.Expired = l.Expired.Add(l.Remaining)
			l.Remaining = decimal.Zero
			t.changed[i] = true
		}
	}
	if len(changes) == 0 {
		return
	}
	t.a.Totals.Expired = t.a.Totals.Expired.Add(total)
	en := t.entry(EntryExpire, total.Neg(), "")
	en.Lots = changes
}

// available returns the points spendable now.
func (t *tx) available() decimal.Decimal {
	sum := decimal.Zero
	for i := range t.a.Lots {
		if l := &t.a.Lots[i]; l.spendableAt(t.now) {
			sum = sum.Add(l.Remaining)
		}
	}
	return sum
}

// consume takes up to amount from the spendable lots, soonest-expiring
// first, and returns what it took and from which lots.
func (t *tx) consume(amount decimal.Decimal) (decimal.Decimal, []LotChange) {
	taken := decimal.Zero
	var changes []LotChange
	for i := range t.a.Lots {
		if taken.Equal(amount) {
			break
		}
		l := &t.a.Lots[i]
		if !l.spendableAt(t.now) {
			continue
		}
		x := decimal.Min(l.Remaining, amount.Sub(taken))
		l.Remaining = l.Remaining.Sub(x)
		l.Used = l.Used.Add(x)
		t.changed[i] = true
		taken = taken.Add(x)
		changes = append(changes, LotChange{l.ID, x.Neg()})
	}
	return taken, changes
}

// repay pays debt: from the lot at index only (a new earn, even if still
// pending), or, for a negative index, from every spendable lot.
func (t *tx) repay(only int) {
	if t.a.Debt.Sign() <= 0 {
		return
	}
	var paid decimal.Decimal
	var changes []LotChange
	if only >= 0 {
		l := &t.a.Lots[only]
		paid = decimal.Min(l.Remaining, t.a.Debt)
		if paid.Sign() == 0 {
			return
		}
		l.Remaining = l.Remaining.Sub(paid)
		l.Used = l.Used.Add(paid)
		t.changed[only] = true
		changes = []LotChange{{l.ID, paid.Neg()}}
	} else {
		paid, changes = t.consume(t.a.Debt)
		if paid.Sign() == 0 {
			return
		}
	}
	t.a.Debt = t.a.Debt.Sub(paid)
	en := t.entry(EntryRepay, decimal.Zero, "")
	en.Debt = paid.Neg()
	en.Lots = changes
}

// addLot creates a lot of the given amount under the operation's key and
// returns its index. Its expiry counts from now or from when it becomes
// available, as the kind says; should a zone's calendar ever make an
// expiry counted from now come before the lot is available (Validate
// keeps a day's margin), it counts from availability instead, so that no
// lot expires before it can be spent.
func (t *tx) addLot(amount decimal.Decimal) int {
	available := t.kind.availableAt(t.now)
	expires := t.kind.expiresAt(t.now, available, t.e.cal)
	if !expires.IsZero() && !expires.After(available) {
		expires = t.kind.Expiry.At(available, t.e.cal)
	}
	l := Lot{
		ID: t.key, Amount: amount, Remaining: amount,
		EarnedAt: t.now, AvailableAt: available,
		ExpiresAt: expires, Open: true,
	}
	i, _ := slices.BinarySearchFunc(t.a.Lots, l, func(x, y Lot) int { return consumeOrder(&x, &y) })
	t.a.Lots = slices.Insert(t.a.Lots, i, l)
	t.changed = slices.Insert(t.changed, i, true)
	return i
}

// findLot returns the index of the lot with the given ID, or -1.
func (t *tx) findLot(id string) int {
	for i := range t.a.Lots {
		if t.a.Lots[i].ID == id {
			return i
		}
	}
	return -1
}

// finish closes lots that are used up, and returns the outcome.
func (t *tx) finish(fp string) Outcome {
	if len(t.entries) == 0 {
		return Outcome{Account: t.a}
	}
	t.a.Version++
	var lots []Lot
	open := t.a.Lots[:0] // t.a.Lots is the operation's own copy
	for i := range t.a.Lots {
		l := t.a.Lots[i]
		if stillOpen := l.Remaining.Sign() > 0 || l.pendingAt(t.now); stillOpen != l.Open {
			l.Open = stillOpen
			t.changed[i] = true
		}
		if t.changed[i] {
			lots = append(lots, l)
		}
		if l.Open {
			open = append(open, l)
		}
	}
	t.a.Lots = open
	return Outcome{
		Account:   t.a,
		Operation: Operation{Key: t.key, Fingerprint: fp, Version: t.a.Version, Entries: t.entries},
		Lots:      lots,
		Draws:     t.draws,
	}
}

// points checks that p is a positive amount at the kind's scale.
func (t *tx) points(field string, p decimal.Decimal) error {
	switch {
	case p.Sign() <= 0:
		return qun.Invalid(field, "must be positive")
	case !t.kind.exact(p):
		return qun.Invalid(field, "must have at most %d decimal places, the scale of %q", t.kind.Scale, t.kind.Name)
	}
	return nil
}

// Earn applies an earn to a, the account's current state, at now. An earn
// with awards fails with ErrStaleDecision if the account's rule usage no
// longer allows them (see [EarnRequest].Awards).
func (e *Engine) Earn(a Account, r EarnRequest, now time.Time) (Outcome, error) {
	t, err := e.begin(a, r.Account, r.Key, now)
	if err != nil {
		return Outcome{}, err
	}
	if err := t.points("points", r.Points); err != nil {
		return Outcome{}, err
	}
	if len(r.Awards) > 0 {
		sum := decimal.Zero
		for _, aw := range r.Awards {
			sum = sum.Add(aw.Points)
		}
		if !sum.Equal(r.Points) {
			return Outcome{}, qun.Invalid("awards", "add up to %s, not to the %s points earned", sum, r.Points)
		}
		if err := t.recordUsage(r.Awards); err != nil {
			return Outcome{}, err
		}
	}
	if t.findLot(r.Key) >= 0 {
		return Outcome{}, qun.Invalid("key", "names a lot the account already holds")
	}
	i := t.addLot(r.Points)
	t.a.Totals.Earned = t.a.Totals.Earned.Add(r.Points)
	en := t.entry(EntryEarn, r.Points, r.Reason)
	en.Lot = r.Key
	en.Lots = []LotChange{{r.Key, r.Points}}
	en.Awards = r.Awards
	t.repay(i)
	return t.finish(r.Fingerprint()), nil
}

// Spend applies a spend to a at now. It fails with ErrInsufficientPoints
// if fewer points are available, and ErrNotSpendable for a kind that
// cannot be spent.
func (e *Engine) Spend(a Account, r SpendRequest, now time.Time) (Outcome, error) {
	t, err := e.begin(a, r.Account, r.Key, now)
	if err != nil {
		return Outcome{}, err
	}
	if !t.kind.Spendable {
		return Outcome{}, fmt.Errorf("incentive: spend %s: %w", r.Account, ErrNotSpendable)
	}
	if err := t.points("points", r.Points); err != nil {
		return Outcome{}, err
	}
	return t.deduct(EntrySpend, r.Points, r.Reason, r.Fingerprint())
}

// deduct consumes points for a spend or a negative adjustment.
func (t *tx) deduct(typ EntryType, points decimal.Decimal, reason, fp string) (Outcome, error) {
	if avail := t.available(); avail.LessThan(points) {
		return Outcome{}, fmt.Errorf("incentive: %s %s of %s: %s available: %w", typ, points, t.a.ID, avail, ErrInsufficientPoints)
	}
	_, changes := t.consume(points)
	if typ == EntrySpend {
		t.a.Totals.Spent = t.a.Totals.Spent.Add(points)
	} else {
		t.a.Totals.Deducted = t.a.Totals.Deducted.Add(points)
	}
	en := t.entry(typ, points.Neg(), reason)
	en.Lots = changes
	return t.finish(fp), nil
}

// Adjust applies a manual adjustment to a at now.
func (e *Engine) Adjust(a Account, r AdjustRequest, now time.Time) (Outcome, error) {
	t, err := e.begin(a, r.Account, r.Key, now)
	if err != nil {
		return Outcome{}, err
	}
	if r.Reason == "" {
		return Outcome{}, qun.Invalid("reason", "an adjustment needs a reason")
	}
	if err := t.points("points", r.Points.Abs()); err != nil {
		return Outcome{}, err
	}
	if r.Points.Sign() < 0 {
		return t.deduct(EntryDeduct, r.Points.Neg(), r.Reason, r.Fingerprint())
	}
	if t.findLot(r.Key) >= 0 {
		return Outcome{}, qun.Invalid("key", "names a lot the account already holds")
	}
	i := t.addLot(r.Points)
	t.a.Totals.Granted = t.a.Totals.Granted.Add(r.Points)
	en := t.entry(EntryGrant, r.Points, r.Reason)
	en.Lot = r.Key
	en.Lots = []LotChange{{r.Key, r.Points}}
	t.repay(i)
	return t.finish(r.Fingerprint()), nil
}

// Expire expires every lot of a that is past its expiry at now. If none
// is, the outcome has no entries and nothing is to be written.
func (e *Engine) Expire(a Account, r ExpireRequest, now time.Time) (Outcome, error) {
	t, err := e.begin(a, r.Account, r.Key, now)
	if err != nil {
		return Outcome{}, err
	}
	return t.finish(r.Fingerprint()), nil
}

// Reverse applies a reversal to a at now. a must hold the lot being
// reversed (a store loads it when [LoadParams].Lot names it); if it does
// not, Reverse fails with ErrNotFound.
//
// What can be reversed of a lot is what remains of it and what was spent
// from it, less what earlier reversals charged: never what expired, which
// the member already lost. So a lot of 100 of which 30 were spent and 70
// expired reverses 30, charged to the member's other points as the kind's
// [Reversal] policy says; a lot with nothing left to reverse (all of it
// expired, or reversed before) changes nothing and records nothing.
// Reversing more than is left is refused as invalid.
func (e *Engine) Reverse(a Account, r ReverseRequest, now time.Time) (Outcome, error) {
	t, err := e.begin(a, r.Account, r.Key, now)
	if err != nil {
		return Outcome{}, err
	}
	if reason := nameProblem(r.Earn); reason != "" {
		return Outcome{}, qun.Invalid("earn", "%s", reason)
	}
	if r.Points.Sign() != 0 {
		if err := t.points("points", r.Points); err != nil {
			return Outcome{}, err
		}
	}
	i := t.findLot(r.Earn)
	if i < 0 {
		return Outcome{}, fmt.Errorf("incentive: reverse %q in %s: no such earn: %w", r.Earn, r.Account, ErrNotFound)
	}
	l := &t.a.Lots[i]
	reversible := l.Remaining.Add(l.Used).Sub(l.Charged)
	amount := r.Points
	if amount.Sign() == 0 {
		amount = reversible
	}
	if amount.GreaterThan(reversible) {
		return Outcome{}, qun.Invalid("points", "%s exceeds the %s left to reverse of %q", amount, reversible, r.Earn)
	}
	if amount.Sign() == 0 {
		return t.finish(r.Fingerprint()), nil
	}
	clawed := decimal.Min(amount, l.Remaining)
	l.Remaining = l.Remaining.Sub(clawed)
	l.Clawed = l.Clawed.Add(clawed)
	charged := amount.Sub(clawed)
	l.Charged = l.Charged.Add(charged)
	t.changed[i] = true
	var changes []LotChange
	if clawed.Sign() > 0 {
		changes = append(changes, LotChange{r.Earn, clawed.Neg()})
	}
	taken, debt, shortfall := decimal.Zero, decimal.Zero, decimal.Zero
	if charged.Sign() > 0 {
		if t.kind.Reversal == LotOnly {
			shortfall = charged
		} else {
			var more []LotChange
			taken, more = t.consume(charged)
			changes = append(changes, more...)
			if t.kind.Reversal == Debt {
				debt = charged.Sub(taken)
			} else {
				shortfall = charged.Sub(taken)
			}
		}
	}
	t.a.Debt = t.a.Debt.Add(debt)
	out := clawed.Add(taken).Add(debt)
	t.a.Totals.Reversed = t.a.Totals.Reversed.Add(out)
	t.a.Totals.Shortfall = t.a.Totals.Shortfall.Add(shortfall)
	en := t.entry(EntryReverse, out.Neg(), r.Reason)
	en.Lot = r.Earn
	en.Lots = changes
	en.Debt = debt
	en.Shortfall = shortfall
	return t.finish(r.Fingerprint()), nil
}
