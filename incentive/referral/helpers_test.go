package referral_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive/referral"
	"github.com/shopspring/decimal"
)

var (
	shanghai = qun.MustLoadZone("Asia/Shanghai")
	calSH    = qun.Calendar{Zone: shanghai, WeekStart: time.Monday}
	t0       = time.Date(2026, 3, 2, 9, 0, 0, 0, shanghai.Location()) // a Monday
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func decs(ss ...string) []decimal.Decimal {
	var ds []decimal.Decimal
	for _, s := range ss {
		ds = append(ds, dec(s))
	}
	return ds
}

func hours(n int) time.Duration { return time.Duration(n) * time.Hour }

func days(n int) time.Duration { return time.Duration(n) * 24 * time.Hour }

// cmpOpts compares decimals by value and times by instant.
var cmpOpts = cmp.Options{cmp.Comparer(decimal.Decimal.Equal), cmpopts.EquateEmpty()}

// program is the programs the tests start from: last touch within 7 days,
// a welcome on joining, a first purchase within 30 days paying two levels,
// a stay of 7 days, and a monthly cap.
func program() referral.Program {
	return referral.Program{
		Calendar:    calSH,
		Attribution: referral.Credit{Model: referral.LastTouch, Window: qun.Days(7)},
		Milestones: []referral.Milestone{
			{Name: "joined"},
			{Name: "first_purchase", Event: &qun.EventFilter{Name: "purchase"}, Within: qun.Days(30)},
			{Name: "stayed_7d", After: qun.Days(7)},
		},
		Activation: "first_purchase",
		Churn:      &qun.EventFilter{Name: "left"},
		Rewards: []referral.Reward{
			{ID: "welcome", Milestone: "joined", Kind: "points", Invitee: dec("50")},
			{ID: "bring-a-buyer", Milestone: "first_purchase", Kind: "points", Inviters: decs("100", "20")},
			{ID: "stay", Milestone: "stayed_7d", Kind: "points", Inviters: decs("10")},
		},
		Caps: []referral.Cap{{Kind: "points", Per: qun.Month, Points: dec("250")}},
	}
}

func newGraph(t testing.TB, p referral.Program) *referral.Graph {
	t.Helper()
	g, err := referral.NewGraph("wine-club", p)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func must[T any](t testing.TB) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}
