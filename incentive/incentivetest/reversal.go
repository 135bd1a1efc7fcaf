package incentivetest

import (
	"errors"
	"fmt"
	"time"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// The reversal property: reversing an earn is, within the kind's policy,
// as if the points had never been earned.
//
// Two ledgers run the same history in lockstep: world A earns E somewhere
// in it and reverses E later (at once or in two parts, sometimes right
// after spending everything, so that the reversal finds E spent and
// nothing else to charge), and the history goes on after the reversal,
// with earns that repay any debt; world B never earns E. Operations that
// depend on E's points are not skipped: a spend may succeed in A and fail
// in B, and each world keeps what it spent and deducted (S) and what its
// reversals wrote off (W). Nothing expires (the clock moves by seconds,
// and once by the pending period), so that which lots a spend took cannot
// change what expires; a history in which points expire anyway is cut
// short there.
//
// At each reversal of E, its outcome is computed from the policy and the
// state the reversal starts from: it claws back what remains of E's lot,
// and charges what was spent from it (less what earlier reversals
// charged) to the member's other available points under CapAtZero and
// Debt, writing off the rest (CapAtZero) or recording it as debt (Debt);
// LotOnly writes off all of it. After E is reversed in full, at every step
//
//	Net(A) + S(A) - W(A) = Net(B) + S(B) - W(B)
//	Lifetime(A) = Lifetime(B)
//
// (the balance differs only by what A spent on E's points, less what its
// reversal wrote off, which the member keeps; lifetime points, which tiers
// read, not at all). At the end an earn of at least A's debt leaves A with
// none.

// reversalStats counts what the reversal property reached, so that Check
// can report it and the package's tests can require each policy's path.
type reversalStats struct {
	histories int // histories with E reversed in full and compared
	dependent int // in which an operation's outcome depended on E's points
	writeOff  int // reversals of E that wrote points off
	debt      int // reversals of E that left debt
	repaid    int // histories in which a later earn repaid debt
	partial   int // histories that reversed E in two parts
	expired   int // histories cut short because points expired
}

func (s reversalStats) String() string {
	return fmt.Sprintf("%d histories compared, %d depending on the earn's points, %d reversed in two parts; reversals that wrote off points: %d, that left debt: %d; debt repaid in %d; %d cut short by an expiry",
		s.histories, s.dependent, s.partial, s.writeOff, s.debt, s.repaid, s.expired)
}

// world is one of the two ledgers of the reversal property.
type world struct {
	l       *incentive.Ledger
	id      incentive.AccountID
	k       incentive.Kind
	spent   decimal.Decimal // spent and deducted
	written decimal.Decimal // written off by reversals
	keys    []string        // earns and grants of the history, to reverse
	expired bool            // some points expired
}

func newWorld(eng *incentive.Engine, k incentive.Kind) *world {
	return &world{
		l:  &incentive.Ledger{Store: incentive.NewMemoryStore(), Engine: eng},
		id: incentive.AccountID{Community: "community", Member: "member", Kind: k.Name},
		k:  k, spent: decimal.Zero, written: decimal.Zero,
	}
}

// note records what a result says about expiry.
func (w *world) note(res incentive.Result) {
	for _, e := range res.Entries {
		if e.Type == incentive.EntryExpire {
			w.expired = true
		}
	}
}

// apply applies a history's operation, and reports whether it succeeded.
// Failures the operation may meet (too few points, a kind that is not
// spendable, a reversal beyond what is left) are outcomes; any other error
// fails the test.
func (w *world) apply(t *rapid.T, op Op, key string, now time.Time) bool {
	var res incentive.Result
	var err error
	switch op.Kind {
	case OpEarn:
		res, err = w.l.Earn(ctx, incentive.EarnRequest{Account: w.id, Key: key, Points: op.Points}, now)
		w.keys = append(w.keys, key)
	case OpGrant:
		res, err = w.l.Adjust(ctx, incentive.AdjustRequest{Account: w.id, Key: key, Points: op.Points, Reason: "grant"}, now)
		w.keys = append(w.keys, key)
	case OpSpend:
		res, err = w.l.Spend(ctx, incentive.SpendRequest{Account: w.id, Key: key, Points: op.Points}, now)
	case OpDeduct:
		res, err = w.l.Adjust(ctx, incentive.AdjustRequest{Account: w.id, Key: key, Points: op.Points.Neg(), Reason: "deduct"}, now)
	case OpReverse:
		if len(w.keys) == 0 {
			return false
		}
		res, err = w.l.Reverse(ctx, incentive.ReverseRequest{Account: w.id, Key: key, Earn: w.keys[op.Target%len(w.keys)], Points: op.Points}, now)
	case OpExpire:
		res, err = w.l.Expire(ctx, incentive.ExpireRequest{Account: w.id, Key: key}, now)
	}
	switch {
	case errors.Is(err, incentive.ErrInsufficientPoints), errors.Is(err, incentive.ErrNotSpendable),
		op.Kind == OpReverse && errors.Is(err, qun.ErrInvalid):
		return false
	case err != nil:
		t.Fatalf("%v %s of %s: %v", op.Kind, op.Points, key, err)
	}
	w.note(res)
	if op.Kind == OpSpend || op.Kind == OpDeduct {
		w.spent = w.spent.Add(op.Points)
	}
	if op.Kind == OpReverse {
		w.written = w.written.Add(res.Shortfall())
	}
	return true
}

// drain spends (or, for a kind that cannot be spent, deducts) everything
// available, and returns how much.
func (w *world) drain(t *rapid.T, key string, now time.Time) decimal.Decimal {
	avail := w.balance(t, now).Available
	if avail.Sign() <= 0 {
		return decimal.Zero
	}
	op := Op{Kind: OpDeduct, Points: avail}
	if w.k.Spendable {
		op.Kind = OpSpend
	}
	if !w.apply(t, op, key, now) {
		t.Fatalf("%s: spending the %s available failed", key, avail)
	}
	return avail
}

func (w *world) balance(t *rapid.T, now time.Time) incentive.Balance {
	b, err := w.l.Balance(ctx, w.id, now, 0)
	if err != nil {
		t.Fatalf("balance: %v", err)
	}
	return b
}

// dueExpiry reports whether any points expired, or are past their expiry
// at now without an expiry written yet.
func (w *world) dueExpiry(t *rapid.T, now time.Time) bool {
	if w.expired {
		return true
	}
	snap, err := w.l.Store.Load(ctx, incentive.LoadParams{Account: w.id})
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	for _, l := range snap.Account.Lots {
		if !l.ExpiresAt.IsZero() && !now.Before(l.ExpiresAt) && l.Remaining.Sign() > 0 {
			return true
		}
	}
	return false
}

// reverseE reverses part (zero: all that is left) of E in a, and checks
// the outcome against the one the policy gives, computed from the state
// the reversal starts from.
func reverseE(t *rapid.T, a *world, key string, part decimal.Decimal, now time.Time, stats *reversalStats) {
	snap, err := a.l.Store.Load(ctx, incentive.LoadParams{Account: a.id, Lot: "E"})
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	acc := snap.Account
	var e *incentive.Lot
	for i := range acc.Lots {
		if acc.Lots[i].ID == "E" {
			e = &acc.Lots[i]
		}
	}
	if e == nil {
		t.Fatalf("the earn E is not among the account's lots")
	}
	before := acc.BalanceAt(now, 0)
	reversible := e.Remaining.Add(e.Used).Sub(e.Charged)
	amount := part
	if amount.IsZero() {
		amount = reversible
	}
	clawed := decimal.Min(amount, e.Remaining)
	charged := amount.Sub(clawed)
	others := before.Available
	if !now.Before(e.AvailableAt) && e.Remaining.Sign() > 0 {
		others = others.Sub(e.Remaining)
	}
	taken, debt, written := decimal.Zero, decimal.Zero, decimal.Zero
	switch a.k.Reversal {
	case incentive.CapAtZero:
		taken = decimal.Min(charged, others)
		written = charged.Sub(taken)
	case incentive.Debt:
		taken = decimal.Min(charged, others)
		debt = charged.Sub(taken)
	case incentive.LotOnly:
		written = charged
	}
	res, err := a.l.Reverse(ctx, incentive.ReverseRequest{Account: a.id, Key: key, Earn: "E", Points: part}, now)
	if err != nil {
		t.Fatalf("reverse %s of E: %v", part, err)
	}
	a.note(res)
	gotDebt := decimal.Zero
	for _, en := range res.Entries {
		if en.Type == incentive.EntryReverse {
			gotDebt = gotDebt.Add(en.Debt)
		}
	}
	if want := clawed.Add(taken).Add(debt).Neg(); !res.Points().Equal(want) || !res.Shortfall().Equal(written) || !gotDebt.Equal(debt) {
		t.Fatalf("%s reversal of %s of E (remaining %s, spent %s, %s charged before; %s other points available): took %s, wrote off %s, left debt %s; want %s, %s and %s",
			a.k.Reversal, amount, e.Remaining, e.Used, e.Charged, others, res.Points().Neg(), res.Shortfall(), gotDebt, want.Neg(), written, debt)
	}
	a.written = a.written.Add(written)
	if written.Sign() > 0 {
		stats.writeOff++
	}
	if debt.Sign() > 0 {
		stats.debt++
	}
}

// compareWorlds checks the property's equations after E is reversed in
// full. It returns false, and compares nothing, once points have expired.
func compareWorlds(t *rapid.T, a, b *world, now time.Time, step string) bool {
	if a.dueExpiry(t, now) || b.dueExpiry(t, now) {
		return false
	}
	ba, bb := a.balance(t, now), b.balance(t, now)
	left := ba.Net.Add(a.spent).Sub(a.written)
	right := bb.Net.Add(b.spent).Sub(b.written)
	if !left.Equal(right) {
		t.Fatalf("%s: with E earned and reversed, balance %s + %s spent - %s written off = %s; never earned, %s + %s - %s = %s",
			step, ba.Net, a.spent, a.written, left, bb.Net, b.spent, b.written, right)
	}
	if !ba.Lifetime.Equal(bb.Lifetime) {
		t.Fatalf("%s: with E earned and reversed, lifetime points %s; never earned, %s", step, ba.Lifetime, bb.Lifetime)
	}
	return true
}

// checkReversal runs the reversal property once on kind k.
func checkReversal(t *rapid.T, eng *incentive.Engine, k incentive.Kind, stats *reversalStats) {
	ops := Ops(k).Draw(t, "history")
	n := len(ops)
	points := amount(t, "earn", k, 300)
	at := rapid.IntRange(0, n).Draw(t, "earn at")
	revs := []int{rapid.IntRange(at, n).Draw(t, "reverse at")}
	parts := []decimal.Decimal{decimal.Zero}
	if rapid.Bool().Draw(t, "two parts") {
		q := int64(rapid.IntRange(1, 3).Draw(t, "first part quarters"))
		if first := points.Mul(decimal.New(q, 0)).Div(decimal.New(4, 0)).Truncate(k.Scale); first.Sign() > 0 {
			revs = append(revs, rapid.IntRange(revs[0], n).Draw(t, "rest at"))
			parts = []decimal.Decimal{first, decimal.Zero}
		}
	}
	drains := make([]bool, len(revs))
	for j := range drains {
		drains[j] = rapid.Bool().Draw(t, "spend everything before the reversal")
	}
	wait := rapid.IntRange(0, n+1).Draw(t, "wait for the pending period before")

	a, b := newWorld(eng, k), newWorld(eng, k)
	now := Start
	reversed, dependent := false, false
	compared := true
	for i := 0; i <= n; i++ {
		if i == wait {
			now = now.Add(time.Duration(k.Pending) + time.Minute)
		}
		if i == at {
			res, err := a.l.Earn(ctx, incentive.EarnRequest{Account: a.id, Key: "E", Points: points}, now)
			if err != nil {
				t.Fatalf("earn E: %v", err)
			}
			a.note(res)
		}
		for j, r := range revs {
			if r != i {
				continue
			}
			if drains[j] {
				key := fmt.Sprint("drain-", j)
				if !a.drain(t, key, now).Equal(b.drain(t, key, now)) {
					dependent = true
				}
			}
			// Settle both accounts (write what is due, repay debt from
			// available points), so that E's lot is loaded as the reversal
			// finds it.
			for _, w := range []*world{a, b} {
				w.apply(t, Op{Kind: OpExpire}, fmt.Sprint("settle-", j), now)
			}
			reverseE(t, a, fmt.Sprint("reverse-E-", j), parts[j], now, stats)
			reversed = j == len(revs)-1
		}
		if reversed && compared {
			compared = compareWorlds(t, a, b, now, fmt.Sprint("after the reversal, before operation ", i))
		}
		if i == n {
			break
		}
		op := ops[i]
		now = now.Add(op.Advance / (24 * 3600)) // hours of the history are seconds here: nothing expires
		key := fmt.Sprint("op-", i)
		if a.apply(t, op, key, now) != b.apply(t, op, key, now) {
			dependent = true
		}
		if reversed && compared {
			compared = compareWorlds(t, a, b, now, fmt.Sprint("after operation ", i, " (", op.Kind, " ", op.Points, ")"))
		}
	}
	if !compared {
		stats.expired++
		return
	}
	// An earn of at least A's debt repays it, in both worlds.
	if debt := a.balance(t, now).Debt; debt.Sign() > 0 {
		op := Op{Kind: OpEarn, Points: debt.Add(amount(t, "repay beyond the debt", k, 50))}
		a.apply(t, op, "repay", now)
		b.apply(t, op, "repay", now)
		if left := a.balance(t, now).Debt; left.Sign() != 0 {
			t.Fatalf("an earn of %s left %s of a debt of %s", op.Points, left, debt)
		}
		if !compareWorlds(t, a, b, now, "after the earn that repays the debt") {
			stats.expired++
			return
		}
		stats.repaid++
	}
	stats.histories++
	if dependent {
		stats.dependent++
	}
	if len(revs) > 1 {
		stats.partial++
	}
}
