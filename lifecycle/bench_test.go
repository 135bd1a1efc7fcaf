package lifecycle_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/qunkit/qun/lifecycle"
)

// The member lifecycle as a machine over small integer states, the shape
// hosts use in hot paths, for BenchmarkFire.
type (
	benchState   uint8
	benchTrigger uint8
	benchCtx     struct{ optedIn bool }
)

const (
	bNew benchState = iota + 1
	bActive
	bSilent
	bChurned
	bRecalled
)

const (
	tActivity benchTrigger = iota + 1
	tIdle
	tLongIdle
	tSettle
)

func benchMachine(b *testing.B) *lifecycle.Machine[benchState, benchTrigger, benchCtx] {
	b.Helper()
	m, err := lifecycle.NewMachine(lifecycle.Definition[benchState, benchTrigger, benchCtx]{
		Initial: bNew,
		States: []lifecycle.StateSpec[benchState]{
			{State: bNew, Exit: []string{"end onboarding"}},
			{State: bActive},
			{State: bSilent, Entry: []string{"send recall content"}},
			{State: bChurned, Entry: []string{"send win-back offer"}},
			{State: bRecalled, Entry: []string{"send welcome back"}},
		},
		Triggers: []benchTrigger{tActivity, tIdle, tLongIdle, tSettle},
		Transitions: []lifecycle.TransitionSpec[benchState, benchTrigger]{
			{From: bNew, To: bActive, On: tActivity},
			{From: bNew, To: bSilent, On: tIdle},
			{From: bActive, To: bActive, On: tActivity},
			{From: bActive, To: bSilent, On: tIdle},
			{From: bSilent, To: bRecalled, On: tActivity, Guards: []string{"opted_in"}, Effects: []string{"count recall"}},
			{From: bSilent, To: bChurned, On: tLongIdle},
			{From: bChurned, To: bRecalled, On: tActivity, Guards: []string{"opted_in"}},
			{From: bRecalled, To: bActive, On: tSettle},
			{From: bRecalled, To: bSilent, On: tIdle},
		},
		Guards: map[string]lifecycle.Guard[benchCtx]{
			"opted_in": func(c benchCtx, _ time.Time) bool { return c.optedIn },
		},
	})
	if err != nil {
		b.Fatal(err)
	}
	return m
}

// BenchmarkFire fires a guarded transition with effects: the silent member
// who comes back.
func BenchmarkFire(b *testing.B) {
	m := benchMachine(b)
	now := time.Date(2026, 11, 22, 20, 0, 0, 0, time.UTC)
	ctx := benchCtx{optedIn: true}
	b.ReportAllocs()
	for b.Loop() {
		tr, err := m.Fire(bSilent, tActivity, ctx, now)
		if err != nil || tr.To != bRecalled {
			b.Fatal(tr, err)
		}
	}
}

// BenchmarkFireString is Fire with string states and triggers.
func BenchmarkFireString(b *testing.B) {
	m := clubMachine(b)
	ctx := clubCtx{paid: true}
	b.ReportAllocs()
	for b.Loop() {
		tr, err := m.Fire("trial", "pay", ctx, t0)
		if err != nil || tr.To != "member" {
			b.Fatal(tr, err)
		}
	}
}

// switchTransition is what a hand-written switch returns: the same
// information as a Transition.
type switchTransition struct {
	From, To benchState
	Trigger  benchTrigger
	At       time.Time
	Effects  []string
	Guards   []string
}

var (
	recallEffects = []string{"count recall", "send welcome back"}
	recallGuards  = []string{"opted_in"}
)

//go:noinline
func fireSwitch(s benchState, t benchTrigger, c benchCtx, now time.Time) (switchTransition, bool) {
	switch s {
	case bSilent:
		switch t {
		case tActivity:
			if c.optedIn {
				return switchTransition{s, bRecalled, t, now, recallEffects, recallGuards}, true
			}
		case tLongIdle:
			return switchTransition{s, bChurned, t, now, nil, nil}, true
		}
	case bActive:
		if t == tIdle {
			return switchTransition{s, bSilent, t, now, nil, nil}, true
		}
	}
	return switchTransition{}, false
}

// BenchmarkFireSwitch is the floor: the same decision as BenchmarkFire, by
// a hand-written switch that is not inlined (as a Machine's Fire is not).
func BenchmarkFireSwitch(b *testing.B) {
	now := time.Date(2026, 11, 22, 20, 0, 0, 0, time.UTC)
	ctx := benchCtx{optedIn: true}
	b.ReportAllocs()
	for b.Loop() {
		tr, ok := fireSwitch(bSilent, tActivity, ctx, now)
		if !ok || tr.To != bRecalled {
			b.Fatal(tr)
		}
	}
}

// BenchmarkClassifyAll classifies a million members, reusing the slice of
// changes; the metric is ns per member.
func BenchmarkClassifyAll(b *testing.B) {
	const n = 1_000_000
	now := time.Date(2026, 11, 22, 20, 0, 0, 0, time.UTC)
	pop := benchPopulation(n, now)
	c, err := lifecycle.NewClassifier(lifecycle.DefaultMemberRules())
	if err != nil {
		b.Fatal(err)
	}
	dst := make([]lifecycle.MemberChange, 0, n)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		dst, err = c.ClassifyAll(dst[:0], pop, now)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/member")
	b.ReportMetric(float64(len(dst))/n, "changed/member")
}

// BenchmarkClassifyAllLocalDays is BenchmarkClassifyAll counting local days
// in four time zones.
func BenchmarkClassifyAllLocalDays(b *testing.B) {
	const n = 1_000_000
	now := time.Date(2026, 11, 22, 20, 0, 0, 0, time.UTC)
	pop := benchPopulation(n, now)
	pop.Zones = []*time.Location{nil, time.UTC, mustLoc(b, "Asia/Shanghai"), mustLoc(b, "America/New_York")}
	pop.Zone = make([]uint16, n)
	for i := range pop.Zone {
		pop.Zone[i] = uint16(i % len(pop.Zones))
	}
	rules := lifecycle.DefaultMemberRules()
	rules.LocalDays = true
	c, err := lifecycle.NewClassifier(rules)
	if err != nil {
		b.Fatal(err)
	}
	dst := make([]lifecycle.MemberChange, 0, n)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		dst, err = c.ClassifyAll(dst[:0], pop, now)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/member")
}

// BenchmarkObserve reads one snapshot into a community's stage state: the
// runs of every stage updated, the stage machine stepped, no change.
func BenchmarkObserve(b *testing.B) {
	d := defaultDetector(b)
	var st lifecycle.StageState
	s := buildingSnap
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		s.At = t0.Add(time.Duration(i) * time.Second)
		obs, err := d.Observe(st, s)
		if err != nil || obs.Change != nil {
			b.Fatal(obs, err)
		}
		st = obs.State
	}
}

func mustLoc(b *testing.B, name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		b.Fatal(err)
	}
	return loc
}

// benchPopulation is n members of a year-old community at now: joins spread
// over the year, a fifth never active, the rest last active within the
// year with recency skewed towards now, and states as classified a week
// ago, so that a realistic share of members changes.
func benchPopulation(n int, now time.Time) lifecycle.Population {
	rng := rand.New(rand.NewPCG(1, 2))
	c, _ := lifecycle.NewClassifier(lifecycle.DefaultMemberRules())
	week := now.Add(-7 * 24 * time.Hour)
	at := func(s int64) time.Time {
		if s == 0 {
			return time.Time{}
		}
		return time.Unix(s, 0)
	}
	pop := lifecycle.Population{
		Joined: make([]int64, n), LastActive: make([]int64, n),
		State: make([]lifecycle.MemberState, n), Since: make([]int64, n),
	}
	for i := range n {
		joined := now.Unix() - rng.Int64N(365*86400)
		pop.Joined[i] = joined
		if rng.IntN(5) > 0 {
			age := now.Unix() - joined
			pop.LastActive[i] = now.Unix() - int64(float64(age)*rng.Float64()*rng.Float64())
		}
		pop.State[i] = c.Classify(lifecycle.Facts{Joined: at(pop.Joined[i]), LastActive: at(pop.LastActive[i])}, week)
		pop.Since[i] = week.Unix()
	}
	return pop
}
