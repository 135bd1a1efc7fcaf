package incentive_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive"
	"github.com/shopspring/decimal"
)

var ctx = context.Background()

func spendable(name string) incentive.Kind {
	return incentive.Kind{Name: name, Spendable: true}
}

// balances is a compact view of a Balance for comparisons.
type balances struct{ Available, Pending, Debt, Net, Lifetime string }

func view(b incentive.Balance) balances {
	return balances{b.Available.String(), b.Pending.String(), b.Debt.String(), b.Net.String(), b.Lifetime.String()}
}

func TestSpendTakesSoonestExpiringFirst(t *testing.T) {
	// Within one policy expiry follows earning order; it differs when the
	// program changes: lot A was earned under a 90-day expiry, B later
	// under a 10-day one, so B expires first and is spent first.
	long, short := spendable("points"), spendable("points")
	long.Expiry = incentive.Expiry{After: qun.Days(90)}
	short.Expiry = incentive.Expiry{After: qun.Days(10)}
	l := newLedger(t, []incentive.Kind{long})
	id := acct("points")
	ok := must[incentive.Result](t)
	ok(l.Earn(ctx, incentive.EarnRequest{Account: id, Key: "A", Points: dec("100")}, t0))
	l2 := newLedger(t, []incentive.Kind{short})
	l2.Store = l.Store
	ok(l2.Earn(ctx, incentive.EarnRequest{Account: id, Key: "B", Points: dec("100")}, t0.Add(days(1))))
	res := ok(l2.Spend(ctx, incentive.SpendRequest{Account: id, Key: "s", Points: dec("150")}, t0.Add(days(2))))
	got := res.Entries[len(res.Entries)-1].Lots
	want := []incentive.LotChange{{Lot: "B", Points: dec("-100")}, {Lot: "A", Points: dec("-50")}}
	if diff := cmp.Diff(want, got, cmp.Comparer(decimal.Decimal.Equal)); diff != "" {
		t.Errorf("lots consumed (-want +got):\n%s", diff)
	}
}

func TestExpiryNeverRemovesSpentPoints(t *testing.T) {
	k := spendable("points")
	k.Expiry = incentive.Expiry{End: qun.Year} // 积分年底清零
	l := newLedger(t, []incentive.Kind{k})
	id := acct("points")
	ok := must[incentive.Result](t)
	ok(l.Earn(ctx, incentive.EarnRequest{Account: id, Key: "e1", Points: dec("100")}, t0))
	ok(l.Spend(ctx, incentive.SpendRequest{Account: id, Key: "s1", Points: dec("60")}, t0.Add(time.Hour)))

	newYear := time.Date(2027, 1, 1, 0, 0, 0, 0, shanghai.Location())
	if res := ok(l.Expire(ctx, incentive.ExpireRequest{Account: id, Key: "x-2026"}, newYear.Add(-time.Nanosecond))); len(res.Entries) != 0 {
		t.Fatalf("expired before the year ended: %+v", res.Entries)
	}
	res := ok(l.Expire(ctx, incentive.ExpireRequest{Account: id, Key: "x-2027"}, newYear))
	if len(res.Entries) != 1 || !res.Entries[0].Points.Equal(dec("-40")) {
		t.Fatalf("expiry entries = %+v, want one of -40", res.Entries)
	}
	if got, want := view(mustBalance(t, l, id, newYear)), (balances{"0", "0", "0", "0", "100"}); got != want {
		t.Errorf("balance = %+v, want %+v", got, want)
	}
}

func TestSpendIgnoresExpiredLotsBeforeTheJobRuns(t *testing.T) {
	k := spendable("points")
	k.Expiry = incentive.Expiry{After: qun.Days(30)}
	l := newLedger(t, []incentive.Kind{k})
	id := acct("points")
	must[incentive.Result](t)(l.Earn(ctx, incentive.EarnRequest{Account: id, Key: "e1", Points: dec("100")}, t0))
	_, err := l.Spend(ctx, incentive.SpendRequest{Account: id, Key: "s1", Points: dec("1")}, t0.Add(days(30)))
	if !errors.Is(err, incentive.ErrInsufficientPoints) {
		t.Fatalf("spend of expired points: err = %v, want ErrInsufficientPoints", err)
	}
}

func TestPendingPoints(t *testing.T) {
	k := spendable("points")
	k.Pending = qun.Days(7)
	l := newLedger(t, []incentive.Kind{k})
	id := acct("points")
	must[incentive.Result](t)(l.Earn(ctx, incentive.EarnRequest{Account: id, Key: "order-1", Points: dec("50")}, t0))
	if got, want := view(mustBalance(t, l, id, t0)), (balances{"0", "50", "0", "50", "0"}); got != want {
		t.Errorf("while pending: %+v, want %+v", got, want)
	}
	if _, err := l.Spend(ctx, incentive.SpendRequest{Account: id, Key: "s1", Points: dec("10")}, t0.Add(days(6))); !errors.Is(err, incentive.ErrInsufficientPoints) {
		t.Errorf("spend of pending points: err = %v", err)
	}
	if got, want := view(mustBalance(t, l, id, t0.Add(days(7)))), (balances{"50", "0", "0", "50", "50"}); got != want {
		t.Errorf("after the pending period: %+v, want %+v", got, want)
	}
	must[incentive.Result](t)(l.Spend(ctx, incentive.SpendRequest{Account: id, Key: "s2", Points: dec("10")}, t0.Add(days(7))))
}

func TestReversalPolicies(t *testing.T) {
	// Earn A 100, earn B 50, spend 120 (all of A, then 20 of B), then
	// refund A: 0 remains in A, 100 was spent from it.
	cases := []struct {
		policy            incentive.Reversal
		points, shortfall string
		after             balances
		afterEarn         balances // after earning 100 more
	}{
		{incentive.CapAtZero, "-30", "70", balances{"0", "0", "0", "0", "50"}, balances{"100", "0", "0", "100", "150"}},
		{incentive.Debt, "-100", "0", balances{"0", "0", "70", "-70", "50"}, balances{"30", "0", "0", "30", "150"}},
		{incentive.LotOnly, "0", "100", balances{"30", "0", "0", "30", "50"}, balances{"130", "0", "0", "130", "150"}},
	}
	for _, c := range cases {
		t.Run(c.policy.String(), func(t *testing.T) {
			k := spendable("points")
			k.Reversal = c.policy
			l := newLedger(t, []incentive.Kind{k})
			id := acct("points")
			ok := must[incentive.Result](t)
			ok(l.Earn(ctx, incentive.EarnRequest{Account: id, Key: "A", Points: dec("100")}, t0))
			ok(l.Earn(ctx, incentive.EarnRequest{Account: id, Key: "B", Points: dec("50")}, t0.Add(time.Minute)))
			ok(l.Spend(ctx, incentive.SpendRequest{Account: id, Key: "s", Points: dec("120")}, t0.Add(2*time.Minute)))
			res := ok(l.Reverse(ctx, incentive.ReverseRequest{Account: id, Key: "refund-A", Earn: "A"}, t0.Add(3*time.Minute)))
			if !res.Points().Equal(dec(c.points)) || !res.Shortfall().Equal(dec(c.shortfall)) {
				t.Errorf("reversal: points %s shortfall %s, want %s and %s", res.Points(), res.Shortfall(), c.points, c.shortfall)
			}
			if got := view(mustBalance(t, l, id, t0.Add(4*time.Minute))); got != c.after {
				t.Errorf("after the reversal: %+v, want %+v", got, c.after)
			}
			ok(l.Earn(ctx, incentive.EarnRequest{Account: id, Key: "C", Points: dec("100")}, t0.Add(5*time.Minute)))
			if got := view(mustBalance(t, l, id, t0.Add(6*time.Minute))); got != c.afterEarn {
				t.Errorf("after earning again: %+v, want %+v", got, c.afterEarn)
			}
			// Nothing is left to reverse of A: a second reversal does nothing.
			res = ok(l.Reverse(ctx, incentive.ReverseRequest{Account: id, Key: "refund-A-again", Earn: "A"}, t0.Add(7*time.Minute)))
			if len(res.Entries) != 0 {
				t.Errorf("second reversal wrote %+v", res.Entries)
			}
			_, err := l.Reverse(ctx, incentive.ReverseRequest{Account: id, Key: "refund-Z", Earn: "Z"}, t0.Add(8*time.Minute))
			if !errors.Is(err, incentive.ErrNotFound) {
				t.Errorf("reversal of an unknown earn: err = %v", err)
			}
		})
	}
}

func TestPartialReversalOfAPendingEarn(t *testing.T) {
	k := spendable("points")
	k.Pending = qun.Days(7)
	l := newLedger(t, []incentive.Kind{k})
	id := acct("points")
	ok := must[incentive.Result](t)
	ok(l.Earn(ctx, incentive.EarnRequest{Account: id, Key: "order-9", Points: dec("90")}, t0))
	ok(l.Reverse(ctx, incentive.ReverseRequest{Account: id, Key: "return-9a", Earn: "order-9", Points: dec("30")}, t0.Add(days(1))))
	if got, want := view(mustBalance(t, l, id, t0.Add(days(8)))), (balances{"60", "0", "0", "60", "60"}); got != want {
		t.Errorf("balance = %+v, want %+v", got, want)
	}
	_, err := l.Reverse(ctx, incentive.ReverseRequest{Account: id, Key: "return-9b", Earn: "order-9", Points: dec("61")}, t0.Add(days(9)))
	if !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("reversing more than is left: err = %v, want ErrInvalid", err)
	}
}

func TestAdjust(t *testing.T) {
	l := newLedger(t, []incentive.Kind{spendable("points"), {Name: "growth"}})
	ok := must[incentive.Result](t)
	id := acct("growth")
	if _, err := l.Adjust(ctx, incentive.AdjustRequest{Account: id, Key: "a1", Points: dec("10")}, t0); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("adjustment without a reason: err = %v", err)
	}
	ok(l.Adjust(ctx, incentive.AdjustRequest{Account: id, Key: "a2", Points: dec("10"), Reason: "welcome gift"}, t0))
	ok(l.Adjust(ctx, incentive.AdjustRequest{Account: id, Key: "a3", Points: dec("-4"), Reason: "typo"}, t0))
	if _, err := l.Adjust(ctx, incentive.AdjustRequest{Account: id, Key: "a4", Points: dec("-7"), Reason: "typo"}, t0); !errors.Is(err, incentive.ErrInsufficientPoints) {
		t.Errorf("deducting more than available: err = %v", err)
	}
	if _, err := l.Spend(ctx, incentive.SpendRequest{Account: id, Key: "s1", Points: dec("1")}, t0); !errors.Is(err, incentive.ErrNotSpendable) || !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("spending growth value: err = %v", err)
	}
	if got, want := view(mustBalance(t, l, id, t0)), (balances{"6", "0", "0", "6", "10"}); got != want {
		t.Errorf("balance = %+v, want %+v", got, want)
	}
}

func TestIdempotency(t *testing.T) {
	l := newLedger(t, []incentive.Kind{spendable("points")})
	id := acct("points")
	ok := must[incentive.Result](t)
	first := ok(l.Earn(ctx, incentive.EarnRequest{Account: id, Key: "order-1", Points: dec("10")}, t0))
	again := ok(l.Earn(ctx, incentive.EarnRequest{Account: id, Key: "order-1", Points: dec("10")}, t0.Add(time.Hour)))
	if !again.Duplicate || first.Duplicate {
		t.Errorf("Duplicate: first %v, again %v", first.Duplicate, again.Duplicate)
	}
	if diff := cmp.Diff(first.Entries, again.Entries, cmp.Comparer(decimal.Decimal.Equal)); diff != "" {
		t.Errorf("replay entries differ:\n%s", diff)
	}
	_, err := l.Earn(ctx, incentive.EarnRequest{Account: id, Key: "order-1", Points: dec("11")}, t0)
	if !errors.Is(err, incentive.ErrIdempotencyConflict) || !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("same key, different request: err = %v", err)
	}
	if b := mustBalance(t, l, id, t0); !b.Net.Equal(dec("10")) {
		t.Errorf("balance = %s, want 10", b.Net)
	}
	op, err := l.Operation(ctx, id, "order-1")
	if err != nil || op.Version != 1 {
		t.Errorf("Operation = %+v, %v", op, err)
	}
	if _, err := l.Operation(ctx, id, "order-2"); !errors.Is(err, incentive.ErrNotFound) {
		t.Errorf("Operation of an unused key: err = %v", err)
	}
}

func TestBadRequests(t *testing.T) {
	k := spendable("points")
	k.Scale = 2
	l := newLedger(t, []incentive.Kind{k})
	id := acct("points")
	cases := []struct {
		name string
		do   func() error
		want error
	}{
		{"too many places", func() error {
			_, err := l.Earn(ctx, incentive.EarnRequest{Account: id, Key: "k", Points: dec("1.005")}, t0)
			return err
		}, qun.ErrInvalid},
		{"zero", func() error {
			_, err := l.Earn(ctx, incentive.EarnRequest{Account: id, Key: "k", Points: dec("0")}, t0)
			return err
		}, qun.ErrInvalid},
		{"negative spend", func() error {
			_, err := l.Spend(ctx, incentive.SpendRequest{Account: id, Key: "k", Points: dec("-1")}, t0)
			return err
		}, qun.ErrInvalid},
		{"unknown kind", func() error {
			_, err := l.Earn(ctx, incentive.EarnRequest{Account: acct("stars"), Key: "k", Points: dec("1")}, t0)
			return err
		}, incentive.ErrUnknownKind},
		{"empty key", func() error {
			_, err := l.Earn(ctx, incentive.EarnRequest{Account: id, Points: dec("1")}, t0)
			return err
		}, qun.ErrInvalid},
		{"empty community", func() error {
			_, err := l.Earn(ctx, incentive.EarnRequest{Account: incentive.AccountID{Member: "m", Kind: "points"}, Key: "k", Points: dec("1")}, t0)
			return err
		}, qun.ErrInvalid},
		{"zero now", func() error {
			_, err := l.Earn(ctx, incentive.EarnRequest{Account: id, Key: "k", Points: dec("1")}, time.Time{})
			return err
		}, qun.ErrInvalid},
		{"awards that do not add up", func() error {
			_, err := l.Earn(ctx, incentive.EarnRequest{Account: id, Key: "k", Points: dec("1"), Awards: []incentive.Award{{Rule: "x", Kind: "points", Points: dec("2")}}}, t0)
			return err
		}, qun.ErrInvalid},
	}
	for _, c := range cases {
		if err := c.do(); !errors.Is(err, c.want) {
			t.Errorf("%s: err = %v, want %v", c.name, err, c.want)
		}
	}
	if v := mustBalance(t, l, id, t0); !v.Net.IsZero() {
		t.Errorf("a refused request wrote something: %+v", v)
	}
}

func TestExpiryAt(t *testing.T) {
	ny := qun.Calendar{Zone: qun.MustLoadZone("America/New_York")}
	earned := time.Date(2026, 10, 31, 22, 30, 0, 0, shanghai.Location())
	cases := []struct {
		name   string
		expiry incentive.Expiry
		cal    qun.Calendar
		at     time.Time
		want   time.Time
	}{
		{"never", incentive.Expiry{}, calSH, earned, time.Time{}},
		{"after 30 days of elapsed time", incentive.Expiry{After: qun.Days(30)}, calSH, earned, earned.Add(days(30))},
		{"end of the year (积分年底清零)", incentive.Expiry{End: qun.Year}, calSH, earned, time.Date(2027, 1, 1, 0, 0, 0, 0, shanghai.Location())},
		{"end of the next year", incentive.Expiry{End: qun.Year, Periods: 1}, calSH, earned, time.Date(2028, 1, 1, 0, 0, 0, 0, shanghai.Location())},
		{"end of the month", incentive.Expiry{End: qun.Month}, calSH, earned, time.Date(2026, 11, 1, 0, 0, 0, 0, shanghai.Location())},
		{"end of the 30th day (Open Loyalty's after X days)", incentive.Expiry{End: qun.Day, Periods: 30}, calSH, earned, time.Date(2026, 12, 1, 0, 0, 0, 0, shanghai.Location())},
		// 22:30 in Shanghai on Oct 31 is 10:30 in New York: its month ends
		// at local midnight, in EST after the DST change on Nov 1.
		{"end of the month in New York, across DST", incentive.Expiry{End: qun.Month}, ny, earned, time.Date(2026, 11, 1, 4, 0, 0, 0, time.UTC)},
		{"end of next month in New York, across DST", incentive.Expiry{End: qun.Month, Periods: 1}, ny, earned, time.Date(2026, 12, 1, 5, 0, 0, 0, time.UTC)},
	}
	for _, c := range cases {
		if got := c.expiry.At(c.at, c.cal); !got.Equal(c.want) {
			t.Errorf("%s: At = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestRounding(t *testing.T) {
	cases := []struct {
		in   string
		r    incentive.Rounding
		want string
	}{
		{"9.95", incentive.Down, "9"}, {"9.95", incentive.Up, "10"}, {"9.5", incentive.HalfUp, "10"},
		{"9.5", incentive.HalfEven, "10"}, {"8.5", incentive.HalfEven, "8"}, {"8.51", incentive.HalfEven, "9"},
		{"-2.5", incentive.HalfUp, "-3"}, {"-2.5", incentive.Down, "-2"},
	}
	for _, c := range cases {
		if got := c.r.Round(dec(c.in), 0); !got.Equal(dec(c.want)) {
			t.Errorf("%s rounded %s = %s, want %s", c.in, c.r, got, c.want)
		}
	}
}

func TestStatementExplainsEveryChange(t *testing.T) {
	k := spendable("points")
	k.Expiry = incentive.Expiry{After: qun.Days(10)}
	l := newLedger(t, []incentive.Kind{k})
	id := acct("points")
	ok := must[incentive.Result](t)
	ok(l.Earn(ctx, incentive.EarnRequest{Account: id, Key: "e1", Points: dec("30"), Reason: "check-in"}, t0))
	ok(l.Earn(ctx, incentive.EarnRequest{Account: id, Key: "e2", Points: dec("20"), Reason: "post"}, t0.Add(days(5))))
	ok(l.Spend(ctx, incentive.SpendRequest{Account: id, Key: "s1", Points: dec("15"), Reason: "coupon"}, t0.Add(days(11))))
	var types []string
	sum := decimal.Zero
	for e, err := range l.Statement(ctx, id) {
		if err != nil {
			t.Fatal(err)
		}
		types = append(types, e.Type.String())
		sum = sum.Add(e.Points)
		if !e.Balance.Equal(sum) {
			t.Errorf("entry %d: balance %s, running sum %s", e.Seq, e.Balance, sum)
		}
	}
	if diff := cmp.Diff([]string{"earn", "earn", "expire", "spend"}, types); diff != "" {
		t.Errorf("statement types (-want +got):\n%s", diff)
	}
	if b := mustBalance(t, l, id, t0.Add(days(11))); !b.Net.Equal(sum) || !sum.Equal(dec("5")) {
		t.Errorf("balance %s, sum of entries %s, want 5", b.Net, sum)
	}
}
