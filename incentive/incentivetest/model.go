package incentivetest

import (
	"slices"
	"time"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive"
	"github.com/shopspring/decimal"
)

// model is a plain model of one account: the semantics of the ledger
// written as directly as possible, with no store, no entries and no
// optimisation, to check the real thing against.
type model struct {
	k    incentive.Kind
	cal  qun.Calendar
	lots []*mlot
	debt decimal.Decimal
	// totals
	earned, granted, spent, deducted, expired, reversed, shortfall decimal.Decimal
}

type mlot struct {
	id                                                string
	amount, remaining, used, expired, clawed, charged decimal.Decimal
	earned, avail, expires                            time.Time
}

func (m *model) clone() *model {
	c := *m
	c.lots = nil
	for _, l := range m.lots {
		cp := *l
		c.lots = append(c.lots, &cp)
	}
	return &c
}

// ordered returns the lots in the order spending takes them: soonest
// expiry first, never last, then oldest, then by ID.
func (m *model) ordered() []*mlot {
	out := slices.Clone(m.lots)
	slices.SortStableFunc(out, func(a, b *mlot) int {
		switch {
		case a.expires.IsZero() && !b.expires.IsZero():
			return 1
		case !a.expires.IsZero() && b.expires.IsZero():
			return -1
		case !a.expires.Equal(b.expires):
			return a.expires.Compare(b.expires)
		case !a.earned.Equal(b.earned):
			return a.earned.Compare(b.earned)
		}
		return compareStrings(a.id, b.id)
	})
	return out
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (l *mlot) spendable(now time.Time) bool {
	return !now.Before(l.avail) && (l.expires.IsZero() || now.Before(l.expires)) && l.remaining.Sign() > 0
}

// prepare expires what is due and repays debt, returning the expired
// lots' changes.
func (m *model) prepare(now time.Time) []incentive.LotChange {
	var expired []incentive.LotChange
	for _, l := range m.ordered() {
		if !l.expires.IsZero() && !now.Before(l.expires) && l.remaining.Sign() > 0 {
			expired = append(expired, incentive.LotChange{Lot: l.id, Points: l.remaining.Neg()})
			m.expired = m.expired.Add(l.remaining)
			l.expired = l.expired.Add(l.remaining)
			l.remaining = decimal.Zero
		}
	}
	if m.debt.Sign() > 0 {
		paid, _ := m.consume(m.debt, now)
		m.debt = m.debt.Sub(paid)
	}
	return expired
}

func (m *model) available(now time.Time) decimal.Decimal {
	sum := decimal.Zero
	for _, l := range m.lots {
		if l.spendable(now) {
			sum = sum.Add(l.remaining)
		}
	}
	return sum
}

func (m *model) consume(amount decimal.Decimal, now time.Time) (decimal.Decimal, []incentive.LotChange) {
	taken := decimal.Zero
	var changes []incentive.LotChange
	for _, l := range m.ordered() {
		if taken.Equal(amount) {
			break
		}
		if !l.spendable(now) {
			continue
		}
		x := decimal.Min(l.remaining, amount.Sub(taken))
		l.remaining = l.remaining.Sub(x)
		l.used = l.used.Add(x)
		taken = taken.Add(x)
		changes = append(changes, incentive.LotChange{Lot: l.id, Points: x.Neg()})
	}
	return taken, changes
}

func (m *model) earn(id string, amount decimal.Decimal, now time.Time, grant bool) {
	m.prepare(now)
	avail := now.Add(time.Duration(m.k.Pending))
	start := now // the expiry clock starts when the points are earned,
	if m.k.Expiry.From == incentive.ExpiryFromAvailable {
		start = avail // or when they become available
	}
	expires := m.k.Expiry.At(start, m.cal)
	if !expires.IsZero() && !expires.After(avail) {
		expires = m.k.Expiry.At(avail, m.cal) // never before they can be spent
	}
	l := &mlot{id: id, amount: amount, remaining: amount, earned: now, avail: avail, expires: expires}
	m.lots = append(m.lots, l)
	if grant {
		m.granted = m.granted.Add(amount)
	} else {
		m.earned = m.earned.Add(amount)
	}
	paid := decimal.Min(m.debt, l.remaining)
	l.remaining = l.remaining.Sub(paid)
	l.used = l.used.Add(paid)
	m.debt = m.debt.Sub(paid)
}

// spend returns the lots it consumed, or ok false if too few points are
// available (and then changes nothing the caller keeps).
func (m *model) spend(amount decimal.Decimal, now time.Time, deduct bool) ([]incentive.LotChange, bool) {
	m.prepare(now)
	if m.available(now).LessThan(amount) {
		return nil, false
	}
	_, changes := m.consume(amount, now)
	if deduct {
		m.deducted = m.deducted.Add(amount)
	} else {
		m.spent = m.spent.Add(amount)
	}
	return changes, true
}

// reverse returns whether the lot exists, whether the amount is within
// what can be reversed, and what was written off.
func (m *model) reverse(id string, amount decimal.Decimal, now time.Time) (found, valid bool, shortfall decimal.Decimal) {
	m.prepare(now)
	i := slices.IndexFunc(m.lots, func(l *mlot) bool { return l.id == id })
	if i < 0 {
		return false, false, decimal.Zero
	}
	l := m.lots[i]
	reversible := l.remaining.Add(l.used).Sub(l.charged)
	if amount.IsZero() {
		amount = reversible
	}
	if amount.GreaterThan(reversible) {
		return true, false, decimal.Zero
	}
	clawed := decimal.Min(amount, l.remaining)
	l.remaining = l.remaining.Sub(clawed)
	l.clawed = l.clawed.Add(clawed)
	rest := amount.Sub(clawed)
	l.charged = l.charged.Add(rest)
	taken, debt := decimal.Zero, decimal.Zero
	shortfall = decimal.Zero
	switch m.k.Reversal {
	case incentive.LotOnly:
		shortfall = rest
	case incentive.CapAtZero:
		taken, _ = m.consume(rest, now)
		shortfall = rest.Sub(taken)
	case incentive.Debt:
		taken, _ = m.consume(rest, now)
		debt = rest.Sub(taken)
	}
	m.debt = m.debt.Add(debt)
	m.reversed = m.reversed.Add(clawed).Add(taken).Add(debt)
	m.shortfall = m.shortfall.Add(shortfall)
	return true, true, shortfall
}

// balance is the model's balance at now, as [incentive.Balance] defines it:
// as the next operation would find the account, with what is due expired
// and debt repaid from available points.
func (m *model) balance(now time.Time) (available, pending, debt, net, lifetime decimal.Decimal) {
	m = m.clone()
	m.prepare(now)
	available, pending = decimal.Zero, decimal.Zero
	pendingNet := decimal.Zero
	for _, l := range m.lots {
		if !l.expires.IsZero() && !now.Before(l.expires) {
			continue
		}
		if now.Before(l.avail) {
			pending = pending.Add(l.remaining)
			pendingNet = pendingNet.Add(l.amount.Sub(l.clawed).Sub(l.charged))
		} else {
			available = available.Add(l.remaining)
		}
	}
	net = available.Add(pending).Sub(m.debt)
	lifetime = m.earned.Add(m.granted).Sub(m.reversed).Sub(m.shortfall).Sub(pendingNet)
	return available, pending, m.debt, net, lifetime
}
