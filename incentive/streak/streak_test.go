package streak_test

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive"
	"github.com/qunkit/qun/incentive/streak"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

var (
	shanghai = qun.MustLoadZone("Asia/Shanghai")
	newYork  = qun.MustLoadZone("America/New_York")
	losAng   = qun.MustLoadZone("America/Los_Angeles")
	sydney   = qun.MustLoadZone("Australia/Sydney")
)

func date(y int, m time.Month, d int) qun.Date { return qun.Date{Year: y, Month: m, Day: d} }

func rules() streak.Rules {
	return streak.Rules{
		ID:      "check-in",
		Freezes: streak.Freezes{MaxHeld: 2},
		MakeUps: streak.MakeUps{MaxHeld: 3, DaysBack: 7, Limit: 2, Per: qun.Month},
		Milestones: []streak.Milestone{
			{Day: 3, Reward: incentive.Reward{Kind: "points", Points: decimal.NewFromInt(30)}},
			{Day: 7, Reward: incentive.Reward{Badge: "week-streak"}},
			{Day: 5, Reward: incentive.Reward{Kind: "points", Points: decimal.NewFromInt(50)}, Repeat: true},
		},
	}
}

func compile(t rapid.TB, r streak.Rules) *streak.Engine {
	t.Helper()
	e, err := streak.Compile(r)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// at returns the instant of a wall-clock time on a day in a zone.
func at(d qun.Date, hour, minute int, z qun.Zone) time.Time {
	return d.At(hour, minute, 0, 0, z.Location())
}

type checkIn struct {
	day    qun.Date
	hour   int
	zone   qun.Zone
	want   int // current after
	counts bool
}

func run(t *testing.T, e *streak.Engine, s streak.State, steps []checkIn) streak.State {
	t.Helper()
	for i, c := range steps {
		var res streak.Result
		var err error
		s, res, err = e.CheckIn(s, "lin", at(c.day, c.hour, 0, c.zone), c.zone)
		if err != nil {
			t.Fatal(err)
		}
		if res.Current != c.want || res.Counted != c.counts {
			t.Errorf("step %d (%s %02d:00 %s): current %d counted %v, want %d %v", i, c.day, c.hour, c.zone, res.Current, res.Counted, c.want, c.counts)
		}
	}
	return s
}

func TestDaysAcrossDST(t *testing.T) {
	e := compile(t, streak.Rules{ID: "c"})
	// New York springs forward on 2026-03-08 and falls back on 2026-11-01:
	// check-ins at 23:30 and 00:30 local stay one a day.
	var steps []checkIn
	d := date(2026, 3, 6)
	for i := range 5 {
		steps = append(steps, checkIn{d.AddDays(i), 23, newYork, i + 1, true})
	}
	s := run(t, e, streak.State{}, steps)
	steps = nil
	d = date(2026, 10, 30)
	for i := range 4 {
		steps = append(steps, checkIn{d.AddDays(i), 0, newYork, i + 1, true})
	}
	s = run(t, e, s, steps)
	if s.Longest != 5 || s.Total != 9 {
		t.Errorf("longest %d total %d, want 5 and 9", s.Longest, s.Total)
	}
	// Missing the 23-hour day breaks the streak: from midnight before it
	// to midnight after it is 47 hours, but two days.
	run(t, e, streak.State{}, []checkIn{
		{date(2026, 3, 6), 0, newYork, 1, true},
		{date(2026, 3, 7), 0, newYork, 2, true},
		{date(2026, 3, 9), 0, newYork, 1, true},
	})
}

func TestDuplicates(t *testing.T) {
	e := compile(t, rules())
	d := date(2026, 11, 16)
	run(t, e, streak.State{}, []checkIn{
		{d, 8, shanghai, 1, true},
		{d, 22, shanghai, 1, false},          // the same day again
		{d.AddDays(1), 0, shanghai, 2, true}, // midnight is the next day
		{d, 12, shanghai, 2, false},          // a late check-in for a past day
	})
}

// TestZoneMoves: moving between zones neither breaks a streak nor counts a
// day twice.
func TestZoneMoves(t *testing.T) {
	e := compile(t, streak.Rules{ID: "c"})
	d := date(2026, 11, 16)
	// Los Angeles, Monday 20:00; the flight lands in Sydney on Wednesday
	// morning (Tuesday afternoon in Los Angeles): the skipped Tuesday does
	// not break the streak.
	s := run(t, e, streak.State{}, []checkIn{
		{d, 20, losAng, 1, true},
		{d.AddDays(2), 7, sydney, 2, true},
		{d.AddDays(3), 7, sydney, 3, true},
	})
	if r := s.Runs[len(s.Runs)-1]; r.From != d || r.To != d.AddDays(3) || r.Days != 3 {
		t.Errorf("run %+v: the skipped day is kept, not counted", r)
	}
	// Sydney, Thursday 07:00 (Wednesday 12:00 in LA); fly back and check
	// in Wednesday evening in LA: a date already counted, once.
	s = run(t, e, s, []checkIn{
		{d.AddDays(2), 20, losAng, 3, false},
		{d.AddDays(4), 9, losAng, 4, true},
	})
	// Shanghai to New York: Friday 08:00 in Shanghai is Thursday 19:00 in
	// New York; checking in again on Friday in New York counts Friday.
	e2 := compile(t, streak.Rules{ID: "c"})
	run(t, e2, streak.State{}, []checkIn{
		{d.AddDays(3), 8, shanghai, 1, true},
		{d.AddDays(3), 9, newYork, 1, false},
		{d.AddDays(4), 9, newYork, 2, true},
	})
}

func TestFreezes(t *testing.T) {
	e := compile(t, rules())
	d := date(2026, 11, 2)
	s := run(t, e, streak.State{}, []checkIn{{d, 9, shanghai, 1, true}, {d.AddDays(1), 9, shanghai, 2, true}})
	s, got := e.GrantFreezes(s, 5)
	if got != 2 || s.Freezes != 2 {
		t.Fatalf("granted %d, holds %d; want 2 and 2", got, s.Freezes)
	}
	st := e.Status(s, at(d.AddDays(4), 12, 0, shanghai), shanghai)
	if st.Current != 2 || !st.AtRisk || st.FreezesDue != 2 {
		t.Errorf("status after two missed days: %+v", st)
	}
	// Two missed days, two freezes: the streak holds at 2, then grows.
	s, res, _ := e.CheckIn(s, "lin", at(d.AddDays(4), 9, 0, shanghai), shanghai)
	if res.Current != 3 || res.Froze != 2 || s.Freezes != 0 || res.Broke {
		t.Errorf("after freezes: %+v, freezes left %d", res, s.Freezes)
	}
	// Three missed days with one freeze: the freeze is spent, the streak
	// breaks.
	s, _ = e.GrantFreezes(s, 1)
	if st := e.Status(s, at(d.AddDays(8), 12, 0, shanghai), shanghai); st.Current != 0 || st.AtRisk {
		t.Errorf("status of a broken streak: %+v", st)
	}
	s, res, _ = e.CheckIn(s, "lin", at(d.AddDays(8), 9, 0, shanghai), shanghai)
	if res.Current != 1 || res.Froze != 1 || !res.Broke || res.Previous != 3 || s.Freezes != 0 {
		t.Errorf("broken: %+v", res)
	}
	if st := e.Status(s, at(d.AddDays(8), 20, 0, shanghai), shanghai); !st.Today || st.Current != 1 {
		t.Errorf("status after checking in today: %+v", st)
	}
}

func TestMakeUps(t *testing.T) {
	e := compile(t, rules())
	d := date(2026, 11, 2)
	s := run(t, e, streak.State{}, []checkIn{
		{d, 9, shanghai, 1, true},
		{d.AddDays(1), 9, shanghai, 2, true},
		// d+2 missed
		{d.AddDays(3), 9, shanghai, 1, true},
		{d.AddDays(4), 9, shanghai, 2, true},
	})
	now := at(d.AddDays(4), 21, 0, shanghai)
	if _, _, err := e.MakeUp(s, "lin", d.AddDays(2), now, shanghai); !errors.Is(err, streak.ErrNoMakeUps) {
		t.Errorf("without a card: %v", err)
	}
	s, _ = e.GrantMakeUps(s, 3)
	s2, res, err := e.MakeUp(s, "lin", d.AddDays(2), now, shanghai)
	if err != nil {
		t.Fatal(err)
	}
	// 2 + the made-up day + 2: a streak of 5, which reaches day 3 (paid
	// at the first run? no: the first run never reached 3) and day 5.
	if res.Current != 5 || s2.Longest != 5 || s2.MakeUps != 2 || s2.Total != 5 {
		t.Errorf("after the make-up: %+v, state %+v", res, s2)
	}
	var keys []string
	for _, p := range res.Payouts {
		keys = append(keys, p.Key)
	}
	if diff := gocmp.Diff([]string{"streak/check-in/day-3", "streak/check-in/day-5/2026-11-06"}, keys); diff != "" {
		t.Errorf("payouts (-want +got):\n%s", diff)
	}
	for _, tc := range []struct {
		day  qun.Date
		want error
	}{
		{d.AddDays(4), streak.ErrNotMissed}, // today
		{d.AddDays(1), streak.ErrNotMissed}, // checked in
		{d.AddDays(2), streak.ErrNotMissed}, // made up already
		{d.AddDays(-4), streak.ErrTooFarBack},
	} {
		if _, _, err := e.MakeUp(s2, "lin", tc.day, now, shanghai); !errors.Is(err, tc.want) {
			t.Errorf("make up %s: %v, want %v", tc.day, err, tc.want)
		}
	}
	s3, _, err := e.MakeUp(s2, "lin", d.AddDays(-1), now, shanghai)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.MakeUp(s3, "lin", d.AddDays(-2), now, shanghai); !errors.Is(err, streak.ErrMakeUpLimit) {
		t.Errorf("a third make-up in November: %v", err)
	}
	// December is a new month.
	later := at(date(2026, 12, 1), 9, 0, shanghai)
	if _, _, err := e.MakeUp(s3, "lin", date(2026, 11, 30), later, shanghai); err != nil {
		t.Errorf("a make-up in December: %v", err)
	}
}

// TestMilestonesOnce: a milestone that does not repeat pays once ever; a
// repeating one pays once per streak, and a streak joined by a make-up to
// one that was paid is not paid again.
func TestMilestonesOnce(t *testing.T) {
	e := compile(t, rules())
	d := date(2026, 11, 2)
	var s streak.State
	paid := map[string]int{}
	check := func(day qun.Date) streak.Result {
		t.Helper()
		var res streak.Result
		s, res, _ = e.CheckIn(s, "lin", at(day, 9, 0, shanghai), shanghai)
		for _, p := range res.Payouts {
			paid[p.Key]++
		}
		return res
	}
	for i := range 5 {
		check(d.AddDays(i)) // days 0-4: reaches 3 and 5
	}
	for i := 6; i < 11; i++ {
		check(d.AddDays(i)) // day 5 missed: a new streak reaches 3 and 5 again
	}
	s, _ = e.GrantMakeUps(s, 1)
	_, res, err := e.MakeUp(s, "lin", d.AddDays(5), at(d.AddDays(10), 20, 0, shanghai), shanghai)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range res.Payouts {
		paid[p.Key]++
	}
	want := map[string]int{
		"streak/check-in/day-3":            1,
		"streak/check-in/day-5/2026-11-06": 1,
		"streak/check-in/day-5/2026-11-12": 1,
		"streak/check-in/day-7":            1, // the joined streak of 11 reaches 7
	}
	if diff := gocmp.Diff(want, paid); diff != "" {
		t.Errorf("payouts (-want +got):\n%s", diff)
	}
}

func TestRulesJSON(t *testing.T) {
	r := rules()
	data, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	back, err := streak.ParseRules(data)
	if err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	if diff := gocmp.Diff(r, back, gocmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) })); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	for _, tc := range []struct{ json, field string }{
		{`{"id":""}`, "id"},
		{`{"id":"c","freezes":{"max_held":63}}`, "freezes.max_held"},
		{`{"id":"c","make_ups":{"max_held":1}}`, "make_ups.days_back"},
		{`{"id":"c","make_ups":{"max_held":1,"days_back":3,"limit":2}}`, "make_ups.per"},
		{`{"id":"c","milestones":[{"day":7,"reward":{"badge":"a"}},{"day":7,"reward":{"badge":"b"}}]}`, "milestones[1].day"},
		{`{"id":"c","milestones":[{"day":7,"reward":{"points":"5"}}]}`, "milestones[0].reward.kind"},
		{`{"id":"c","milestones":[{"day":7,"reward":{}}]}`, "milestones[0].reward"},
		{`{"id":"c","freezes":{"maxheld":2}}`, "freezes.maxheld"},
	} {
		_, err := streak.ParseRules([]byte(tc.json))
		var ve *qun.ValidationError
		if !errors.As(err, &ve) || ve.Field != tc.field {
			t.Errorf("%s: %v, want an error at %q", tc.json, err, tc.field)
		}
	}
	// State round trip.
	e := compile(t, r)
	s := run(t, e, streak.State{}, []checkIn{{date(2026, 11, 2), 9, shanghai, 1, true}, {date(2026, 11, 3), 9, shanghai, 2, true}})
	s, _ = e.GrantMakeUps(s, 2)
	s, _, _ = e.MakeUp(s, "lin", date(2026, 11, 1), at(date(2026, 11, 3), 20, 0, shanghai), shanghai)
	data, err = json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var sb streak.State
	if err := json.Unmarshal(data, &sb); err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	if diff := gocmp.Diff(s, sb, gocmp.Comparer(func(a, b qun.Zone) bool { return a.Equal(b) })); diff != "" {
		t.Errorf("state round trip (-want +got):\n%s", diff)
	}
}

func FuzzParseRules(f *testing.F) {
	data, _ := json.Marshal(rules())
	f.Add(data)
	f.Add([]byte(`{"id":"c"}`))
	f.Add([]byte(`{"id":"c","make_ups":{"max_held":1,"days_back":62,"limit":1,"per":"week"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := streak.ParseRules(data)
		if err != nil {
			if !errors.Is(err, qun.ErrInvalid) {
				t.Fatalf("error %v does not match qun.ErrInvalid", err)
			}
			return
		}
		e, err := streak.Compile(r)
		if err != nil {
			t.Fatalf("Compile refuses parsed rules: %v", err)
		}
		s, _, err := e.CheckIn(streak.State{}, "m", time.Unix(1e9, 0), qun.Zone{})
		if err != nil || s.Current() != 1 {
			t.Fatalf("first check-in: %v", err)
		}
		out, _ := json.Marshal(r)
		if _, err := streak.ParseRules(out); err != nil {
			t.Fatalf("written rules do not read back: %v\n%s", err, out)
		}
	})
}

// drawDays draws a sorted set of distinct day offsets.
func drawDays(t *rapid.T) []int {
	set := map[int]bool{}
	if rapid.Bool().Draw(t, "dense") {
		// Most days, with a few missed: streaks long enough to span a
		// change of clocks, broken by single missed days.
		for d := range rapid.IntRange(1, 40).Draw(t, "span") {
			if rapid.IntRange(0, 9).Draw(t, "missed") > 0 {
				set[d] = true
			}
		}
		set[0] = true
	} else {
		for range rapid.IntRange(1, 40).Draw(t, "check-ins") {
			set[rapid.IntRange(0, 60).Draw(t, "day")] = true
		}
	}
	var days []int
	for d := range set {
		days = append(days, d)
	}
	slices.Sort(days)
	return days
}

type outcome struct {
	Current, Longest, Total int
	Payouts                 []int // milestone days paid, in order
}

func replay(t rapid.TB, e *streak.Engine, start qun.Date, days []int, when func(qun.Date) time.Time, zone qun.Zone) outcome {
	var s streak.State
	var o outcome
	for _, k := range days {
		var res streak.Result
		var err error
		s, res, err = e.CheckIn(s, "lin", when(start.AddDays(k)), zone)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range res.Payouts {
			o.Payouts = append(o.Payouts, len(p.Key)) // the key's shape, not its dates
		}
	}
	o.Current, o.Longest, o.Total = s.Current(), s.Longest, s.Total
	return o
}

// TestShiftInvariance: moving every check-in by whole days changes no
// count; checking in at local midnight gives the same counts in any time
// zone.
func TestShiftInvariance(t *testing.T) {
	zones := []qun.Zone{shanghai, newYork, losAng, sydney, qun.MustLoadZone("Pacific/Apia"), qun.MustLoadZone("America/Santiago"), {}}
	rapid.Check(t, func(t *rapid.T) {
		r := rules()
		r.MakeUps = streak.MakeUps{}
		r.Freezes = streak.Freezes{}
		e := compile(t, r)
		days := drawDays(t)
		zone := rapid.SampledFrom(zones).Draw(t, "zone")
		hour := rapid.IntRange(0, 23).Draw(t, "hour")
		start := date(2026, 1, 1).AddDays(rapid.IntRange(0, 700).Draw(t, "start"))
		if rapid.Bool().Draw(t, "around a DST change") {
			// Weeks before a change of New York's, Los Angeles's, Sydney's
			// or Santiago's clocks, so that the days span it.
			change := rapid.SampledFrom([]qun.Date{date(2026, 3, 8), date(2026, 11, 1), date(2026, 4, 5), date(2026, 10, 4), date(2026, 9, 6)}).Draw(t, "change")
			start = change.AddDays(-rapid.IntRange(0, 20).Draw(t, "days before"))
		}
		shift := rapid.IntRange(-400, 400).Draw(t, "shift")
		local := func(h int, z qun.Zone) func(qun.Date) time.Time {
			return func(d qun.Date) time.Time { return d.At(h, 0, 0, 0, z.Location()) }
		}
		base := replay(t, e, start, days, local(hour, zone), zone)
		shifted := replay(t, e, start.AddDays(shift), days, local(hour, zone), zone)
		if diff := gocmp.Diff(base, shifted); diff != "" {
			t.Fatalf("shifted by %d days (-base +shifted):\n%s", shift, diff)
		}
		other := rapid.SampledFrom(zones).Draw(t, "other zone")
		midnight := func(z qun.Zone) func(qun.Date) time.Time {
			return func(d qun.Date) time.Time { return d.Start(z.Location()) }
		}
		a := replay(t, e, start, days, midnight(zone), zone)
		b := replay(t, e, start, days, midnight(other), other)
		if diff := gocmp.Diff(a, b); diff != "" {
			t.Fatalf("%s vs %s (-a +b):\n%s", zone, other, diff)
		}
		// More: any wall-clock times, the same in both zones.
		hours := map[qun.Date]int{}
		for _, k := range days {
			hours[start.AddDays(k)] = rapid.IntRange(0, 23).Draw(t, "wall clock")
		}
		wall := func(z qun.Zone) func(qun.Date) time.Time {
			return func(d qun.Date) time.Time { return d.At(hours[d], 30, 0, 0, z.Location()) }
		}
		a = replay(t, e, start, days, wall(zone), zone)
		b = replay(t, e, start, days, wall(other), other)
		if diff := gocmp.Diff(a, b); diff != "" {
			t.Fatalf("wall clock, %s vs %s (-a +b):\n%s", zone, other, diff)
		}
	})
}

// FuzzState reads a state as a host's storage might hold it, and checks
// in, makes up and reads the status with it: no panic, whatever it says.
func FuzzState(f *testing.F) {
	f.Add([]byte(`{"zone":"Asia/Shanghai","runs":[{"from":"2026-11-16","to":"2026-11-22","days":7}],"longest":7,"total":9,"freezes":1,"make_ups":2,"reached":[{"day":7,"on":"2026-11-22"}]}`))
	f.Add([]byte(`{"zone":"UTC","runs":[{"from":"2026-11-22","to":"2026-11-16","days":-7},{"from":"2020-01-01","to":"2020-01-01","days":1}],"freezes":99,"make_ups":-1}`))
	f.Add([]byte(`{"zone":"+08:00","used":{"period":"2026-11","count":5}}`))
	f.Add([]byte(`{"zone":"Asia/Shanghai","runs":[{"from":"2026-11-16","to":"2026-11-20","days":5}],"freezes":-3}`))
	e, _ := streak.Compile(rules())
	f.Fuzz(func(t *testing.T, data []byte) {
		var s streak.State
		if err := json.Unmarshal(data, &s); err != nil {
			return
		}
		now := at(date(2026, 11, 24), 9, 0, shanghai)
		e.Status(s, now, shanghai)
		s2, res, err := e.CheckIn(s, "m", now, shanghai)
		if err != nil {
			t.Fatal(err)
		}
		if res.Froze < 0 || s2.Freezes < 0 || s2.MakeUps < 0 {
			t.Fatalf("negative tokens: froze %d, left %d freezes and %d make-ups", res.Froze, s2.Freezes, s2.MakeUps)
		}
		e.MakeUp(s2, "m", date(2026, 11, 23), now, newYork)
		e.MakeUp(s, "m", date(2026, 11, 20), now, shanghai)
	})
}
