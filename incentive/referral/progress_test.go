package referral_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive"
	"github.com/qunkit/qun/incentive/referral"
)

// chain builds lin → wei → bo: lin a seed, wei invited by lin, bo by wei.
func chain(t *testing.T, p referral.Program) *referral.Graph {
	t.Helper()
	g := newGraph(t, p)
	must[referral.Attribution](t)(g.Join("lin", t0))
	for _, pair := range [][2]qun.MemberID{{"lin", "wei"}, {"wei", "bo"}} {
		if err := g.Touch(referral.Touch{Inviter: pair[0], Invitee: pair[1], Time: t0}); err != nil {
			t.Fatal(err)
		}
		must[referral.Attribution](t)(g.Join(pair[1], t0.Add(hours(1))))
	}
	return g
}

func purchase(id string, m qun.MemberID, at time.Time) qun.Event {
	return qun.Event{ID: id, Member: m, Name: "purchase", Time: at}
}

type paid struct {
	Member qun.MemberID
	Level  int
	Points string
	Cut    bool
}

func paidOf(gs referral.Grants) []paid {
	var out []paid
	for _, g := range gs {
		out = append(out, paid{g.Account.Member, g.Level, g.Points.String(), g.Cap != nil})
	}
	return out
}

func TestMilestonesPayTwoLevels(t *testing.T) {
	g := chain(t, program())
	at := t0.Add(days(2))
	p := must[referral.Progress](t)(g.Observe(purchase("order-1", "bo", at), nil, at))
	want := []paid{{"wei", 1, "100", false}, {"lin", 2, "20", false}}
	if diff := cmp.Diff(want, paidOf(p.Grants)); diff != "" {
		t.Errorf("grants (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"first_purchase"}, p.Reached); diff != "" {
		t.Errorf("reached (-want +got):\n%s", diff)
	}
	reqs := p.Grants.EarnRequests()
	if len(reqs) != 2 || reqs[0].Account != (incentive.AccountID{Community: "wine-club", Member: "wei", Kind: "points"}) ||
		reqs[0].Key != "referral/bring-a-buyer/bo/order-1/1" || reqs[1].Key != "referral/bring-a-buyer/bo/order-1/2" {
		t.Errorf("earn requests: %+v", reqs)
	}
	// A second purchase reaches nothing: the milestone is reached once.
	p2 := must[referral.Progress](t)(g.Observe(purchase("order-2", "bo", at.Add(time.Hour)), nil, at))
	if len(p2.Reached) != 0 || len(p2.Grants) != 0 {
		t.Errorf("second purchase: %+v", p2)
	}
	// A replay of the first is a duplicate with the same grants.
	dup := must[referral.Progress](t)(g.Observe(purchase("order-1", "bo", at), nil, at.Add(days(3))))
	if !dup.Duplicate {
		t.Error("replay not flagged duplicate")
	}
	dup.Duplicate = false
	if diff := cmp.Diff(p, dup, cmpOpts); diff != "" {
		t.Errorf("replay (-first +replay):\n%s", diff)
	}
	if s := g.Inviter("wei"); s.Activated != 1 || s.Accepted != 1 {
		t.Errorf("wei's stats: %+v", s)
	}
}

func TestDepthOneStopsAtTheInviter(t *testing.T) {
	p := program()
	p.Depth = 1
	p.Rewards[1].Inviters = decs("100")
	g := chain(t, p)
	pr := must[referral.Progress](t)(g.Observe(purchase("o", "bo", t0.Add(days(1))), nil, t0.Add(days(1))))
	if diff := cmp.Diff([]paid{{"wei", 1, "100", false}}, paidOf(pr.Grants)); diff != "" {
		t.Errorf("grants (-want +got):\n%s", diff)
	}
}

func TestStayLateChurnAndSignals(t *testing.T) {
	cases := []struct {
		name    string
		before  []qun.Event // fed first
		event   qun.Event
		signals []string
		reached []string
		missed  []referral.Miss
		grants  []paid
	}{
		{"a check-in before seven days reaches nothing",
			nil, qun.Event{ID: "c1", Member: "bo", Name: "check_in", Time: t0.Add(days(6))}, nil,
			nil, nil, nil},
		{"any event after seven days reaches the stay",
			nil, qun.Event{ID: "c1", Member: "bo", Name: "check_in", Time: t0.Add(days(8))}, nil,
			[]string{"stayed_7d"}, nil, []paid{{"wei", 1, "10", false}}},
		{"a purchase after 30 days is late; it still shows the stay",
			nil, purchase("o", "bo", t0.Add(days(31))), nil,
			[]string{"stayed_7d"}, []referral.Miss{{Milestone: "first_purchase", Reason: referral.Late}}, []paid{{"wei", 1, "10", false}}},
		{"a churned member reaches nothing",
			[]qun.Event{{ID: "bye", Member: "bo", Name: "left", Time: t0.Add(days(1))}},
			purchase("o", "bo", t0.Add(days(2))), nil,
			nil, []referral.Miss{{Milestone: "first_purchase", Reason: referral.Churned}}, nil},
		{"an event from before the churn still counts",
			[]qun.Event{{ID: "bye", Member: "bo", Name: "left", Time: t0.Add(days(3))}},
			purchase("o", "bo", t0.Add(days(2))), nil,
			[]string{"first_purchase"}, nil, []paid{{"wei", 1, "100", false}, {"lin", 2, "20", false}}},
		{"a fraud signal refuses the milestone",
			nil, purchase("o", "bo", t0.Add(days(2))), []string{referral.SamePaymentAccount},
			nil, []referral.Miss{{Milestone: "first_purchase", Reason: referral.Signal}}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := chain(t, program())
			for _, ev := range c.before {
				must[referral.Progress](t)(g.Observe(ev, nil, ev.Time))
			}
			p := must[referral.Progress](t)(g.Observe(c.event, c.signals, c.event.Time))
			if diff := cmp.Diff(c.reached, p.Reached, cmpOpts); diff != "" {
				t.Errorf("reached (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(c.missed, p.Missed, cmpOpts); diff != "" {
				t.Errorf("missed (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(c.grants, paidOf(p.Grants), cmpOpts); diff != "" {
				t.Errorf("grants (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSignalRefusalIsFinal(t *testing.T) {
	g := chain(t, program())
	must[referral.Progress](t)(g.Observe(purchase("o1", "bo", t0.Add(days(1))), []string{referral.SamePaymentAccount}, t0.Add(days(1))))
	p := must[referral.Progress](t)(g.Observe(purchase("o2", "bo", t0.Add(days(2))), nil, t0.Add(days(2))))
	if len(p.Reached) != 0 || len(p.Grants) != 0 {
		t.Errorf("a second try after a refused milestone: %+v", p)
	}
	if s := g.Inviter("wei"); s.Activated != 0 {
		t.Errorf("a refused activation counted: %+v", s)
	}
}

func TestCapsCutInviterGrants(t *testing.T) {
	p := program()
	p.Caps = []referral.Cap{
		{Kind: "points", Per: qun.Month, Points: dec("250")},
		{Kind: "points", Rewards: 4},
	}
	p.Rewards = p.Rewards[:2] // no stay reward: a purchase pays once
	g := newGraph(t, p)
	must[referral.Attribution](t)(g.Join("lin", t0))
	var got []paid
	for i, m := range []qun.MemberID{"a", "b", "c", "d", "e"} {
		at := t0.Add(days(1 + i*10)) // March 3, 13, 23; April 2, 12
		if err := g.Touch(referral.Touch{Inviter: "lin", Invitee: m, Time: at.Add(-hours(2))}); err != nil {
			t.Fatal(err)
		}
		must[referral.Attribution](t)(g.Join(m, at.Add(-hours(1))))
		pr := must[referral.Progress](t)(g.Observe(purchase("o-"+string(m), m, at), nil, at))
		got = append(got, paidOf(pr.Grants)...)
	}
	want := []paid{
		{"lin", 1, "100", false},
		{"lin", 1, "100", false},
		{"lin", 1, "50", true}, // the month's 250 is reached
		{"lin", 1, "100", false},
		{"lin", 1, "0", true}, // the fifth grant passes the lifetime count of 4
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("grants (-want +got):\n%s", diff)
	}
}

func TestCapsClampAClockGoingBack(t *testing.T) {
	p := program()
	g := newGraph(t, p)
	must[referral.Attribution](t)(g.Join("lin", t0))
	var total []paid
	for i, m := range []qun.MemberID{"a", "b", "c", "d"} {
		if err := g.Touch(referral.Touch{Inviter: "lin", Invitee: m, Time: t0}); err != nil {
			t.Fatal(err)
		}
		must[referral.Attribution](t)(g.Join(m, t0.Add(hours(1))))
		now := t0.Add(days(40)) // April
		if i%2 == 1 {
			now = t0.Add(days(1)) // back in March
		}
		pr := must[referral.Progress](t)(g.Observe(purchase("o-"+string(m), m, t0.Add(days(1))), nil, now))
		total = append(total, paidOf(pr.Grants)...)
	}
	want := []paid{{"lin", 1, "100", false}, {"lin", 1, "100", false}, {"lin", 1, "50", true}, {"lin", 1, "0", true}}
	if diff := cmp.Diff(want, total); diff != "" {
		t.Errorf("grants (-want +got):\n%s", diff)
	}
}

func TestRefundReversesAndReopens(t *testing.T) {
	g := chain(t, program())
	at := t0.Add(days(2))
	first := must[referral.Progress](t)(g.Observe(purchase("order-1", "bo", at), nil, at))
	rev := must[referral.Reversal](t)(g.Refund("order-1", "refund-1", at.Add(days(1))))
	want := []incentive.ReverseRequest{
		{Account: first.Grants[0].Account, Key: "refund/refund-1/referral/bring-a-buyer/bo/order-1/1", Earn: first.Grants[0].Key, Reason: "refund refund-1 of order-1"},
		{Account: first.Grants[1].Account, Key: "refund/refund-1/referral/bring-a-buyer/bo/order-1/2", Earn: first.Grants[1].Key, Reason: "refund refund-1 of order-1"},
	}
	if diff := cmp.Diff(want, rev.Requests, cmpOpts); diff != "" {
		t.Errorf("reversals (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"first_purchase"}, rev.Reopened); diff != "" {
		t.Errorf("reopened (-want +got):\n%s", diff)
	}
	if s := g.Inviter("wei"); s.Activated != 0 {
		t.Errorf("activation not taken back: %+v", s)
	}
	// The refund replayed is a duplicate; another key refunds nothing more.
	dup := must[referral.Reversal](t)(g.Refund("order-1", "refund-1", at.Add(days(2))))
	if !dup.Duplicate || len(dup.Requests) != 2 {
		t.Errorf("replayed refund: %+v", dup)
	}
	if other := must[referral.Reversal](t)(g.Refund("order-1", "refund-2", at.Add(days(2)))); len(other.Requests) != 0 || other.Duplicate {
		t.Errorf("a second refund of the same event: %+v", other)
	}
	if _, err := g.Refund("order-9", "refund-1", at); !errors.Is(err, incentive.ErrIdempotencyConflict) {
		t.Errorf("a refund key reused for another event: %v", err)
	}
	// The next purchase reaches the milestone again, under new keys.
	again := must[referral.Progress](t)(g.Observe(purchase("order-2", "bo", at.Add(days(3))), nil, at.Add(days(3))))
	if len(again.Grants) != 2 || again.Grants[0].Key != "referral/bring-a-buyer/bo/order-2/1" {
		t.Errorf("purchase after the refund: %+v", again)
	}
	// An event that reached nothing refunds nothing.
	if none := must[referral.Reversal](t)(g.Refund("order-77", "refund-77", at)); len(none.Requests) != 0 {
		t.Errorf("refund of an unknown event: %+v", none)
	}
}

// TestRefundWithTheLedger applies grants and their reversal to the
// incentive ledger: the reversal takes back exactly what was earned.
func TestRefundWithTheLedger(t *testing.T) {
	engine, err := incentive.Compile(incentive.Program{Calendar: calSH, Kinds: []incentive.Kind{{Name: "points", Spendable: true}}})
	if err != nil {
		t.Fatal(err)
	}
	ledger, err := incentive.NewLedger(incentive.NewMemoryStore(), engine)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	g := chain(t, program())
	at := t0.Add(days(2))
	p := must[referral.Progress](t)(g.Observe(purchase("order-1", "bo", at), nil, at))
	for _, r := range p.Grants.EarnRequests() {
		if _, err := ledger.Earn(ctx, r, at); err != nil {
			t.Fatal(err)
		}
	}
	rev := must[referral.Reversal](t)(g.Refund("order-1", "refund-1", at.Add(days(1))))
	for _, r := range rev.Requests {
		if _, err := ledger.Reverse(ctx, r, at.Add(days(1))); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range []qun.MemberID{"wei", "lin"} {
		b, err := ledger.Balance(ctx, incentive.AccountID{Community: "wine-club", Member: m, Kind: "points"}, at.Add(days(1)), 0)
		if err != nil {
			t.Fatal(err)
		}
		if !b.Net.IsZero() {
			t.Errorf("%s's balance after the refund: %s", m, b.Net)
		}
	}
}

func TestLongKeysAreHashed(t *testing.T) {
	g := chain(t, program())
	long := "order/x"
	for len(long) < 240 {
		long += "-123456789"
	}
	p := must[referral.Progress](t)(g.Observe(purchase(long, "bo", t0.Add(days(1))), nil, t0.Add(days(1))))
	for _, gr := range p.Grants {
		if err := qun.ValidateName(gr.Key); err != nil || len(gr.Key) != len("referral/")+64 {
			t.Errorf("key %q: %v", gr.Key, err)
		}
	}
	if p.Grants[0].Key == p.Grants[1].Key {
		t.Error("two grants share a key")
	}
	rev := must[referral.Reversal](t)(g.Refund(long, "refund/1", t0.Add(days(2))))
	for _, r := range rev.Requests {
		if err := qun.ValidateName(r.Key); err != nil || r.Key == r.Earn {
			t.Errorf("reversal key %q: %v", r.Key, err)
		}
	}
}
