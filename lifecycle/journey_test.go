package lifecycle_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/qunkit/qun"
	"github.com/qunkit/qun/lifecycle"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

func TestJourney(t *testing.T) {
	j := lifecycle.DefaultJourney()
	if j != (lifecycle.Journey{ActivationDays: 1, RetainedAfter: qun.Days(7), RetentionDays: 2, RevenuePurchases: 1, ReferralMembers: 1}) {
		t.Errorf("defaults changed: %+v; update the package overview", j)
	}
	joined := t0
	type F = lifecycle.JourneyFacts
	tests := []struct {
		name    string
		f       F
		reached lifecycle.Milestone
		met     []lifecycle.Milestone
	}{
		{"not a member", F{ActiveDays: 3, Purchases: 1}, 0, nil},
		{"joined", F{Joined: joined}, lifecycle.Acquisition, []lifecycle.Milestone{lifecycle.Acquisition}},
		{"active one day", F{Joined: joined, LastActive: joined, ActiveDays: 1}, lifecycle.Activation,
			[]lifecycle.Milestone{lifecycle.Acquisition, lifecycle.Activation}},
		{"back exactly 7 days after joining", F{Joined: joined, LastActive: joined.Add(7 * day), ActiveDays: 2}, lifecycle.Retention,
			[]lifecycle.Milestone{lifecycle.Acquisition, lifecycle.Activation, lifecycle.Retention}},
		{"back a minute short of 7 days", F{Joined: joined, LastActive: joined.Add(7*day - time.Minute), ActiveDays: 2}, lifecycle.Activation,
			[]lifecycle.Milestone{lifecycle.Acquisition, lifecycle.Activation}},
		{"one long visit a week on is not coming back", F{Joined: joined, LastActive: joined.Add(8 * day), ActiveDays: 1}, lifecycle.Activation,
			[]lifecycle.Milestone{lifecycle.Acquisition, lifecycle.Activation}},
		{"retained buyer", F{Joined: joined, LastActive: joined.Add(30 * day), ActiveDays: 9, Purchases: 1}, lifecycle.Revenue,
			[]lifecycle.Milestone{lifecycle.Acquisition, lifecycle.Activation, lifecycle.Retention, lifecycle.Revenue}},
		{"every step", F{Joined: joined, LastActive: joined.Add(30 * day), ActiveDays: 9, Purchases: 2, Referrals: 3}, lifecycle.Referral,
			[]lifecycle.Milestone{lifecycle.Acquisition, lifecycle.Activation, lifecycle.Retention, lifecycle.Revenue, lifecycle.Referral}},
		{"referred a friend, never bought: reached retention", F{Joined: joined, LastActive: joined.Add(30 * day), ActiveDays: 9, Referrals: 1},
			lifecycle.Retention, []lifecycle.Milestone{lifecycle.Acquisition, lifecycle.Activation, lifecycle.Retention, lifecycle.Referral}},
		{"bought on day one, never came back", F{Joined: joined, LastActive: joined, ActiveDays: 1, Purchases: 1}, lifecycle.Activation,
			[]lifecycle.Milestone{lifecycle.Acquisition, lifecycle.Activation, lifecycle.Revenue}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := j.Reached(tt.f); got != tt.reached {
				t.Errorf("Reached = %v, want %v", got, tt.reached)
			}
			met := j.Met(tt.f)
			var got []lifecycle.Milestone
			for m := lifecycle.Acquisition; m <= lifecycle.Referral; m++ {
				if met.Has(m) {
					got = append(got, m)
				}
			}
			if diff := cmp.Diff(tt.met, got); diff != "" {
				t.Errorf("Met (-want +got):\n%s", diff)
			}
		})
	}
}

func TestJourneyValidate(t *testing.T) {
	if err := lifecycle.DefaultJourney().Validate(); err != nil {
		t.Fatal(err)
	}
	var fields []string
	for _, ve := range qun.ValidationErrors((lifecycle.Journey{RetentionDays: 1, ActivationDays: 2}).Validate()) {
		fields = append(fields, ve.Field)
	}
	want := []string{"revenue_purchases", "referral_members", "retained_after", "retention_days"}
	if diff := cmp.Diff(want, fields); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
	data, _ := json.Marshal(lifecycle.DefaultJourney())
	if string(data) != `{"activation_days":1,"retained_after":"7d","retention_days":2,"revenue_purchases":1,"referral_members":1}` {
		t.Errorf("Marshal = %s", data)
	}
	var back lifecycle.Journey
	if err := json.Unmarshal(data, &back); err != nil || back != lifecycle.DefaultJourney() {
		t.Errorf("round trip = %+v, %v", back, err)
	}
	if err := json.Unmarshal([]byte(`{"activation_days":1,"aha":true}`), &back); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("unknown field: %v", err)
	}
	for m := lifecycle.Milestone(0); m <= lifecycle.Referral; m++ {
		data, err := json.Marshal(m)
		var back lifecycle.Milestone
		if err != nil || json.Unmarshal(data, &back) != nil || back != m {
			t.Errorf("milestone %v: %s, %v, %v", m, data, err, back)
		}
	}
	var m lifecycle.Milestone
	if err := m.UnmarshalText([]byte("profit")); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("UnmarshalText(profit) = %v", err)
	}
}

var genJourneyFacts = rapid.Custom(func(t *rapid.T) lifecycle.JourneyFacts {
	f := lifecycle.JourneyFacts{
		ActiveDays: rapid.Int64Range(0, 10).Draw(t, "days"),
		Purchases:  rapid.Int64Range(0, 3).Draw(t, "purchases"),
		Referrals:  rapid.Int64Range(0, 3).Draw(t, "referrals"),
	}
	if rapid.IntRange(0, 9).Draw(t, "member") > 0 {
		f.Joined = t0
	}
	if rapid.Bool().Draw(t, "active") {
		f.LastActive = t0.Add(time.Duration(rapid.IntRange(0, 20*24).Draw(t, "hours")) * time.Hour)
	}
	return f
})

// More activity, later activity, more purchases or referrals never move a
// member back along the journey, and never unmeet a milestone.
func TestPropJourneyMonotone(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		j := lifecycle.Journey{
			ActivationDays: rapid.Int64Range(1, 3).Draw(t, "activation"), RetainedAfter: qun.Days(rapid.IntRange(1, 14).Draw(t, "after")),
			RevenuePurchases: rapid.Int64Range(1, 2).Draw(t, "revenue"), ReferralMembers: rapid.Int64Range(1, 2).Draw(t, "referral"),
		}
		j.RetentionDays = j.ActivationDays + rapid.Int64Range(0, 2).Draw(t, "retention")
		f := genJourneyFacts.Draw(t, "f")
		g := f
		g.ActiveDays += rapid.Int64Range(0, 5).Draw(t, "more days")
		g.Purchases += rapid.Int64Range(0, 2).Draw(t, "more purchases")
		g.Referrals += rapid.Int64Range(0, 2).Draw(t, "more referrals")
		if !g.LastActive.IsZero() || rapid.Bool().Draw(t, "first activity") {
			g.LastActive = latest(g.LastActive, t0).Add(time.Duration(rapid.IntRange(0, 10*24).Draw(t, "later")) * time.Hour)
		}
		if j.Reached(g) < j.Reached(f) {
			t.Fatalf("Reached fell from %v to %v: %+v → %+v", j.Reached(f), j.Reached(g), f, g)
		}
		if mf, mg := j.Met(f), j.Met(g); mf&^mg != 0 {
			t.Fatalf("milestones %b met, then %b: %+v → %+v", mf, mg, f, g)
		}
	})
}

func latest(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// The funnel counts everyone, and never widens from one step to the next.
func TestPropJourneyFunnel(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		facts := rapid.SliceOf(genJourneyFacts).Draw(t, "facts")
		j := lifecycle.DefaultJourney()
		got := j.Funnel(slices.Values(facts))
		if got[0] != int64(len(facts)) {
			t.Fatalf("funnel starts at %d, want %d", got[0], len(facts))
		}
		for m := lifecycle.Acquisition; m <= lifecycle.Referral; m++ {
			if got[m] > got[m-1] {
				t.Fatalf("funnel widens at %v: %v", m, got)
			}
			var want int64
			for _, f := range facts {
				if j.Reached(f) >= m {
					want++
				}
			}
			if got[m] != want {
				t.Fatalf("funnel at %v = %d, want %d", m, got[m], want)
			}
		}
	})
}

func TestLadder(t *testing.T) {
	l := lifecycle.Ladder{
		FrontEnd: []string{"tasting-9.9"}, Profit: []string{"wine-club", "case-of-6"}, Premium: []string{"cellar-trip"},
		TrueFan: lifecycle.DefaultTrueFan(),
	}
	if err := l.Validate(); err != nil {
		t.Fatal(err)
	}
	for product, want := range map[string]lifecycle.Rung{"tasting-9.9": lifecycle.FrontEnd, "case-of-6": lifecycle.Profit, "cellar-trip": lifecycle.Premium, "socks": 0} {
		if got, ok := l.RungOf(product); got != want || ok != (want != 0) {
			t.Errorf("RungOf(%s) = %v, %v", product, got, ok)
		}
	}
	yuan := decimal.RequireFromString
	type F = lifecycle.LadderFacts
	members := []F{
		{},
		{FrontEnd: 1, Spend: yuan("9.9")},
		{FrontEnd: 1, Profit: 2, Spend: yuan("607.9")},
		{Premium: 1, Spend: yuan("5000")},                           // one premium purchase: not yet a fan
		{FrontEnd: 1, Profit: 1, Premium: 1, Spend: yuan("5308.9")}, // climbed the ladder: a fan
		{Premium: 3, Spend: yuan("15000")},
	}
	wantFan := []bool{false, false, false, false, true, true}
	for i, f := range members {
		if got := l.TrueFan.IsTrueFan(f); got != wantFan[i] {
			t.Errorf("member %d (%+v): IsTrueFan = %v", i, f, got)
		}
	}
	got := l.TrueFan.Count(slices.Values(members))
	want := lifecycle.LadderCounts{At: [4]int64{1, 1, 1, 3}, Reached: [4]int64{6, 5, 4, 3}, TrueFans: 2}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Count (-want +got):\n%s", diff)
	}
	rich := l.TrueFan
	rich.MinSpend = yuan("10000")
	if rich.IsTrueFan(members[4]) || !rich.IsTrueFan(members[5]) {
		t.Error("MinSpend is not applied")
	}
}

func TestLadderValidateAndJSON(t *testing.T) {
	bad := lifecycle.Ladder{FrontEnd: []string{"a", ""}, Premium: []string{"a"},
		TrueFan: lifecycle.TrueFan{MinSpend: decimal.RequireFromString("-1")}}
	var fields []string
	for _, ve := range qun.ValidationErrors(bad.Validate()) {
		fields = append(fields, ve.Field)
	}
	want := []string{"front_end[1]", "premium[0]", "true_fan.min_rung", "true_fan.min_purchases", "true_fan.min_spend"}
	if diff := cmp.Diff(want, fields); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
	l := lifecycle.Ladder{FrontEnd: []string{"trial"}, Premium: []string{"retreat"},
		TrueFan: lifecycle.TrueFan{MinRung: lifecycle.Profit, MinPurchases: 3, MinSpend: decimal.RequireFromString("99.5")}}
	data, err := json.Marshal(l)
	if err != nil {
		t.Fatal(err)
	}
	const wantJSON = `{"front_end":["trial"],"profit":null,"premium":["retreat"],"true_fan":{"min_rung":"profit","min_purchases":3,"min_spend":"99.5"}}`
	if string(data) != wantJSON {
		t.Errorf("Marshal = %s\nwant      %s", data, wantJSON)
	}
	var back lifecycle.Ladder
	if err := json.Unmarshal(data, &back); err != nil || !back.TrueFan.MinSpend.Equal(l.TrueFan.MinSpend) || back.TrueFan.MinRung != lifecycle.Profit {
		t.Errorf("round trip = %+v, %v", back, err)
	}
	for _, in := range []string{`{"true_fan":{"min_rung":"ultra"}}`, `{"middle":[]}`, `{"true_fan":{"min_spend":"lots"}}`} {
		if err := json.Unmarshal([]byte(in), &back); !errors.Is(err, qun.ErrInvalid) {
			t.Errorf("Unmarshal(%s) = %v; want an error matching qun.ErrInvalid", in, err)
		}
	}
	if _, err := lifecycle.Rung(0).MarshalText(); err == nil {
		t.Error("the zero Rung marshalled")
	}
	if s := fmt.Sprint(lifecycle.Rung(0), lifecycle.Rung(7)); s != "none Rung(7)" {
		t.Errorf("String = %q", s)
	}
}

// Members climbing the value ladder, counted, with the true fans.
func ExampleTrueFan_Count() {
	ladder := lifecycle.Ladder{
		FrontEnd: []string{"tasting-9.9"}, Profit: []string{"wine-club"}, Premium: []string{"cellar-trip"},
		TrueFan: lifecycle.DefaultTrueFan(),
	}
	bought := map[string][]string{
		"lin":  {"tasting-9.9", "wine-club", "cellar-trip", "cellar-trip"},
		"zhou": {"tasting-9.9", "wine-club"},
		"wu":   {"tasting-9.9"},
		"chen": {},
	}
	var members []lifecycle.LadderFacts
	for _, name := range []string{"lin", "zhou", "wu", "chen"} {
		var f lifecycle.LadderFacts
		for _, sku := range bought[name] {
			switch r, _ := ladder.RungOf(sku); r {
			case lifecycle.FrontEnd:
				f.FrontEnd++
			case lifecycle.Profit:
				f.Profit++
			case lifecycle.Premium:
				f.Premium++
			}
		}
		members = append(members, f)
	}
	c := ladder.TrueFan.Count(slices.Values(members))
	for r := lifecycle.FrontEnd; r <= lifecycle.Premium; r++ {
		fmt.Printf("%-9s reached by %d, top rung of %d\n", r, c.Reached[r], c.At[r])
	}
	fmt.Println("true fans:", c.TrueFans)
	// Output:
	// front_end reached by 3, top rung of 1
	// profit    reached by 2, top rung of 1
	// premium   reached by 1, top rung of 1
	// true fans: 1
}

// The AARRR funnel of a small community.
func ExampleJourney_Funnel() {
	j := lifecycle.DefaultJourney()
	joined := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	members := []lifecycle.JourneyFacts{
		{Joined: joined},
		{Joined: joined, LastActive: joined, ActiveDays: 1},
		{Joined: joined, LastActive: joined.AddDate(0, 0, 20), ActiveDays: 6},
		{Joined: joined, LastActive: joined.AddDate(0, 0, 40), ActiveDays: 15, Purchases: 2},
		{Joined: joined, LastActive: joined.AddDate(0, 0, 50), ActiveDays: 30, Purchases: 5, Referrals: 4},
	}
	funnel := j.Funnel(slices.Values(members))
	for m := lifecycle.Acquisition; m <= lifecycle.Referral; m++ {
		fmt.Printf("%-11s %d\n", m, funnel[m])
	}
	// Output:
	// acquisition 5
	// activation  4
	// retention   3
	// revenue     2
	// referral    1
}
