package referral_test

import (
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive/referral"
)

// smallTree builds two seeds, s1 and s2, joined on March 2nd; s1 invites
// a and b (joined a day later) and s2 invites c (a week later); a invites
// d (in April), who buys. s1 recorded 5 sends, a 2, s2 none.
func smallTree(t *testing.T) *referral.Graph {
	t.Helper()
	g := newGraph(t, program())
	must[referral.Attribution](t)(g.Join("s1", t0))
	must[referral.Attribution](t)(g.Join("s2", t0))
	for _, e := range []struct {
		inviter, invitee qun.MemberID
		join             time.Duration
	}{{"s1", "a", days(1)}, {"s1", "b", days(1)}, {"s2", "c", days(8)}, {"a", "d", days(30)}} {
		if err := g.Touch(referral.Touch{Inviter: e.inviter, Invitee: e.invitee, Time: t0.Add(e.join - time.Hour)}); err != nil {
			t.Fatal(err)
		}
		must[referral.Attribution](t)(g.Join(e.invitee, t0.Add(e.join)))
	}
	if err := g.Send("s1", 5); err != nil {
		t.Fatal(err)
	}
	if err := g.Send("a", 2); err != nil {
		t.Fatal(err)
	}
	must[referral.Progress](t)(g.Observe(purchase("o-d", "d", t0.Add(days(31))), nil, t0.Add(days(31))))
	return g
}

var approx = cmpopts.EquateApprox(0, 1e-12)

func TestGenerations(t *testing.T) {
	g := smallTree(t)
	want := []referral.Viral{
		{Members: 2, Sent: 6, Accepted: 3, Activated: 0, Invites: 3, Conversion: 0.5, K: 1.5, CycleTime: time.Duration(10.0 / 3 * float64(days(1)))},
		{Members: 3, Sent: 2, Accepted: 1, Activated: 1, Invites: 2.0 / 3, Conversion: 0.5, K: 1.0 / 3, Activation: 1, CycleTime: days(29)},
		{Members: 1},
	}
	got := g.Generations()
	if diff := cmp.Diff(want, got, approx, cmpopts.EquateApproxTime(time.Microsecond), durationApprox); diff != "" {
		t.Errorf("generations (-want +got):\n%s", diff)
	}
	for _, v := range got {
		if v.Conversion > 1 || (v.Sent > 0 && !closeTo(v.K, v.Invites*v.Conversion)) {
			t.Errorf("K is not i × c: %+v", v)
		}
	}
}

var durationApprox = cmp.Comparer(func(a, b time.Duration) bool { d := a - b; return d < time.Microsecond && d > -time.Microsecond })

func closeTo(a, b float64) bool { d := a - b; return d < 1e-12 && d > -1e-12 }

func TestCohortAndViral(t *testing.T) {
	g := smallTree(t)
	march := calSH.Period(qun.Month, t0)
	got := g.Cohort(march)
	want := referral.Viral{Members: 5, Sent: 8, Accepted: 4, Activated: 1, Invites: 8.0 / 5, Conversion: 0.5, K: 0.8, Activation: 0.25,
		CycleTime: time.Duration((1 + 1 + 8 + 29) / 4.0 * float64(days(1)))}
	if diff := cmp.Diff(want, got, approx, durationApprox); diff != "" {
		t.Errorf("March cohort (-want +got):\n%s", diff)
	}
	april := g.Cohort(march.Next())
	if april.Members != 1 || april.Accepted != 0 {
		t.Errorf("April cohort: %+v", april)
	}
	seeds := g.Viral(slices.Values([]qun.MemberID{"s1", "s2", "stranger"}))
	if seeds.Members != 3 || seeds.Accepted != 3 || !closeTo(seeds.K, 1) {
		t.Errorf("seeds with a stranger: %+v", seeds)
	}
}

func TestTreeAndStats(t *testing.T) {
	g := smallTree(t)
	want := referral.Tree{Members: 6, Roots: 2, Depth: 2, Breadth: 3, Widest: 1, FanOut: 2, Generations: []int64{2, 3, 1}}
	if diff := cmp.Diff(want, g.Tree()); diff != "" {
		t.Errorf("tree (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(referral.Stats{Sent: 5, Touches: 2, Accepted: 2}, g.Inviter("s1")); diff != "" {
		t.Errorf("s1 (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(referral.Stats{Sent: 2, Touches: 1, Accepted: 1, Activated: 1}, g.Inviter("a")); diff != "" {
		t.Errorf("a (-want +got):\n%s", diff)
	}
	if (g.Inviter("nobody") != referral.Stats{}) {
		t.Error("stats of an unknown member")
	}
	empty := newGraph(t, program())
	if diff := cmp.Diff(referral.Tree{}, empty.Tree(), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("empty tree (-want +got):\n%s", diff)
	}
	if len(empty.Generations()) != 0 {
		t.Error("generations of an empty graph")
	}
}

func TestProspectsAreNotMembers(t *testing.T) {
	g := newGraph(t, program())
	must[referral.Attribution](t)(g.Join("lin", t0))
	if err := g.Touch(referral.Touch{Inviter: "lin", Invitee: "maybe", Time: t0}); err != nil {
		t.Fatal(err)
	}
	if tr := g.Tree(); tr.Members != 1 || tr.Roots != 1 {
		t.Errorf("a prospect who never joined counted: %+v", tr)
	}
}
