package funnel

import (
	"errors"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/qunkit/qun"
	"pgregory.net/rapid"
)

func TestGrowthRate(t *testing.T) {
	r, err := GrowthRate(100, 155, 3)
	if err != nil || math.Abs(r-(math.Cbrt(1.55)-1)) > 1e-15 {
		t.Errorf("GrowthRate = %v, %v", r, err)
	}
	if got := Compound(100, r, 3); math.Abs(got-155) > 1e-9 {
		t.Errorf("Compound = %v", got)
	}
	for _, bad := range [][3]float64{{0, 1, 1}, {1, -1, 1}, {1, 1, 0}} {
		if _, err := GrowthRate(bad[0], bad[1], int(bad[2])); !errors.Is(err, qun.ErrInvalid) {
			t.Errorf("GrowthRate%v err = %v", bad, err)
		}
	}
}

// Skok's closed form: with no churn, members after n cycles are
// seed·(K^(n+1) − 1)/(K − 1).
func TestViralProjectMatchesSkok(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		v := Viral{Invites: rapid.Float64Range(0, 10).Draw(t, "invites"), Conversion: rapid.Float64Range(0, 1).Draw(t, "conversion"), CycleTime: qun.Days(2)}
		k := v.K()
		if math.Abs(k-1) < 1e-6 {
			t.Skip("K = 1")
		}
		n := rapid.IntRange(0, 20).Draw(t, "cycles")
		got := v.Project(100, n)[n]
		want := 100 * (math.Pow(k, float64(n+1)) - 1) / (k - 1)
		if math.Abs(got-want) > 1e-9*math.Max(1, want) {
			t.Fatalf("K=%v n=%d: %v, want %v", k, n, got, want)
		}
	})
}

func TestViralChurnAndPlanning(t *testing.T) {
	v := Viral{Invites: 4, Conversion: 0.25, CycleTime: qun.Days(1), Churn: 0.1} // K = 1
	got := v.Project(100, 2)
	// Cycle 1: 100·0.9 + 100 = 190; cycle 2: 190·0.9 + 100 = 271.
	if diff := cmp.Diff([]float64{100, 190, 271}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	k, err := v.KFor(100, 271, 2*24*time.Hour)
	if err != nil || math.Abs(k-1) > 1e-9 {
		t.Errorf("KFor = %v, %v; want 1", k, err)
	}
	if k, _ := v.KFor(100, 50, 48*time.Hour); k != 0 {
		t.Errorf("a target below the seed needs K = %v", k)
	}
	if _, err := v.KFor(100, 1000, time.Hour); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("no cycle fits: %v", err)
	}
	if err := (Viral{Invites: -1, Conversion: 2, Churn: 1}).Validate(); err == nil {
		t.Error("bad model accepted")
	}
	// KFor is the least K that reaches the target.
	rapid.Check(t, func(t *rapid.T) {
		v := Viral{CycleTime: qun.Days(1), Churn: rapid.Float64Range(0, 0.5).Draw(t, "churn")}
		target := rapid.Float64Range(101, 1e6).Draw(t, "target")
		days := rapid.IntRange(1, 30).Draw(t, "days")
		k, err := v.KFor(100, target, time.Duration(days)*24*time.Hour)
		if err != nil {
			t.Skip(err)
		}
		reach := membersAfter(100, k, v.Churn, days)
		below := membersAfter(100, k*(1-1e-9), v.Churn, days)
		if model := (Viral{Invites: k, Conversion: 1, Churn: v.Churn}).Project(100, days)[days]; model != reach {
			t.Fatalf("Project gives %v members, KFor plans with %v", model, reach)
		}
		if reach < target*(1-1e-12) || below >= target {
			t.Fatalf("K=%v reaches %v, just below reaches %v, target %v", k, reach, below, target)
		}
	})
}

func TestGenerations(t *testing.T) {
	invites := []Invite{
		{"seed", "a"}, {"seed", "b"}, {"a", "c"}, {"a", "d"}, {"b", "e"}, {"c", "f"},
		{"x", "a"},             // a was invited already: the first inviter is credited
		{"g", "g"},             // self-invitation
		{"p", "q"}, {"q", "p"}, // a cycle no seed reaches
	}
	got := Generations(slices.Values(invites))
	want := Tree{
		// One seed: x's invitation of a came second and was not credited.
		Generations: []Generation{{Members: 1, K: 2}, {Members: 2, K: 1.5}, {Members: 3, K: 1.0 / 3}, {Members: 1}},
		Ignored:     2,
		Unreached:   2,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
