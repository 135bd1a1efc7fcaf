package influence_test

import (
	"encoding/json"
	"errors"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/qunkit/qun"
	"github.com/qunkit/qun/scoring/influence"
)

var orbitRules = influence.OrbitRules{
	Calendar: qun.Calendar{WeekStart: time.Monday},
	Activities: []influence.Activity{
		{Event: qun.EventFilter{Name: "read_newsletter"}, Weight: 2},
		{Event: qun.EventFilter{Name: "attend_event"}, Weight: 5},
		{Event: qun.EventFilter{Name: "host_meetup"}, Weight: 10},
	},
}

func TestOrbitPlace(t *testing.T) {
	o, err := orbitRules.Compile()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC) // a Sunday
	day := func(d int) time.Time { return now.AddDate(0, 0, -d) }
	events := []qun.Event{
		ev("reader", "read_newsletter", day(3)),
		ev("attendee", "attend_event", day(40)),
		ev("leader", "host_meetup", day(100)),
		ev("old", "host_meetup", day(400)),
		ev("stranger", "view", day(1)),
	}
	// Two days in each of three weeks (not consecutive).
	for _, w := range []int{0, 2, 5} {
		events = append(events, ev("regular", "read_newsletter", day(7*w)), ev("regular", "read_newsletter", day(7*w+1)))
	}
	// Seven days in each of two months (October and September).
	for d := 0; d < 7; d++ {
		events = append(events,
			ev("contributor", "read_newsletter", time.Date(2026, 10, 1+d, 9, 0, 0, 0, time.UTC)),
			ev("contributor", "read_newsletter", time.Date(2026, 9, 10+d, 9, 0, 0, 0, time.UTC)))
	}
	// Thirty days in each of three quarters.
	for _, q := range []time.Month{time.January, time.April, time.July} {
		for d := 0; d < 30; d++ {
			events = append(events, ev("pillar", "read_newsletter", time.Date(2026, q, 1, 9, 0, 0, 0, time.UTC).AddDate(0, 0, d)))
		}
	}
	got := o.Place(slices.Values(events), now)
	want := []influence.Placement{
		{Member: "attendee", Level: 3, Step: 5, Weight: 5, Activity: "attend_event", ActiveDays: 1},
		{Member: "contributor", Level: 2, Step: 8, Weight: 2, Activity: "read_newsletter", Presence: 8, ActiveDays: 14},
		{Member: "leader", Level: 1, Step: 10, Weight: 10, Activity: "host_meetup", ActiveDays: 1},
		{Member: "pillar", Level: 1, Step: 12, Weight: 2, Activity: "read_newsletter", Presence: 12, ActiveDays: 90},
		{Member: "reader", Level: 4, Step: 2, Weight: 2, Activity: "read_newsletter", ActiveDays: 1},
		{Member: "regular", Level: 3, Step: 6, Weight: 2, Activity: "read_newsletter", Presence: 6, ActiveDays: 6},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Place (-want +got):\n%s", diff)
	}
	names := []string{}
	for _, p := range got {
		names = append(names, p.StepName())
	}
	if diff := cmp.Diff([]string{"Participating II", "Contributing II", "Leading III", "Leading I", "Exploring II", "Participating I"}, names); diff != "" {
		t.Errorf("step names (-want +got):\n%s", diff)
	}
	if got := influence.Level(1).String(); got != "orbit 1 (leading)" {
		t.Errorf("Level(1) = %q", got)
	}
	census := influence.CensusOf(got, []qun.MemberID{"leader"})
	if census != (influence.Census{1, 1, 2, 1}) {
		t.Errorf("census %v", census)
	}
}

// Orbit's worked example of gravity (pages/gravity/measure.mdx).
func TestGravityOrbitExample(t *testing.T) {
	january := influence.Census{1, 4, 8, 17}
	february := influence.Census{1, 5, 9, 15}
	march := influence.Census{2, 6, 10, 12}
	w := influence.OrbitGravity()
	for _, tc := range []struct {
		c    influence.Census
		want float64
	}{{january, 441}, {february, 504}, {march, 666}} {
		if got := w.Commitment(tc.c); got != tc.want {
			t.Errorf("Commitment(%v) = %v, want %v", tc.c, got, tc.want)
		}
	}
	if got := w.Gravity(january, february); math.Abs(got-2.1) > 1e-12 {
		t.Errorf("gravity January to February = %v, want 2.1", got)
	}
	if got := w.Gravity(february, march); math.Abs(got-5.4) > 1e-12 {
		t.Errorf("gravity February to March = %v, want 5.4", got)
	}
	if got := w.Gravity(march, influence.Census{}); got != 0 {
		t.Errorf("gravity of no members = %v", got)
	}
}

func TestOrbitRulesValidate(t *testing.T) {
	bad := influence.OrbitRules{
		Lookback:   -1,
		Activities: []influence.Activity{{Event: qun.EventFilter{Name: "post"}, Weight: 13}},
		Milestones: influence.Milestones{WeekDays: 8, MonthDays: 7, QuarterDays: 0},
	}
	want := []string{"lookback", "activities[0].weight", "milestones.week_days", "milestones.quarter_days"}
	if diff := cmp.Diff(want, fields(bad.Validate())); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
	if _, err := bad.Compile(); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("Compile: %v", err)
	}
}

func FuzzOrbitRulesJSON(f *testing.F) {
	data, _ := json.Marshal(orbitRules)
	f.Add(data)
	f.Add([]byte(`{"activities":[{"event":{"name":"post"},"weight":0}],"milestones":{"week_days":9}}`))
	fuzzConfig[influence.OrbitRules](f)
}
