package funnel

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/qunkit/qun"
	"pgregory.net/rapid"
)

// onDay returns an event of member on the given day of November 2026, at
// hour h UTC.
func onDay(member, name string, day, h int) qun.Event {
	return qun.Event{Member: qun.MemberID(member), Name: name, Time: time.Date(2026, 11, day, h, 0, 0, 0, time.UTC)}
}

func nov(d int) qun.Date { return qun.Date{Year: 2026, Month: time.November, Day: d} }

func TestRetentionWeekly(t *testing.T) {
	mon := qun.Calendar{WeekStart: time.Monday}
	evs := []qun.Event{
		// Week of 2 November: a and b join; a checks in the next week, b two weeks later.
		onDay("a", "join", 2, 9), onDay("a", "check_in", 3, 9), onDay("a", "check_in", 10, 9),
		onDay("b", "join", 4, 9), onDay("b", "check_in", 18, 9),
		// Week of 9 November: c joins and never returns; a joins again (not first time).
		onDay("c", "join", 9, 9), onDay("a", "join", 11, 9),
	}
	r := Retention{Start: qun.EventFilter{Name: "join"}, Return: qun.EventFilter{Name: "check_in"}, Grain: qun.Week, Calendar: mon, Periods: 4}
	res, err := r.Run(mustTable(t, evs), nov(2), nov(16), time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Period   string
		Size     int64
		Retained []int64
		Observed int
	}
	var got []row
	for _, c := range res.Cohorts {
		got = append(got, row{c.Period.String(), c.Size, c.Retained, c.Observed})
	}
	// "now" is 20 November: the week of 23 November has not begun.
	want := []row{
		{"2026-11-02/P1W", 2, []int64{2, 1, 1, 0}, 3},
		{"2026-11-09/P1W", 1, []int64{1, 0, 0, 0}, 2},
		{"2026-11-16/P1W", 0, []int64{0, 0, 0, 0}, 1},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("first time, on (-want +got):\n%s", diff)
	}
	wantCurve := []CurvePoint{{Cohorts: 2, Weighted: 1, Simple: 1}, {Cohorts: 2, Weighted: 1.0 / 3, Simple: 0.25}, {Cohorts: 1, Weighted: 0.5, Simple: 0.5}, {}}
	if diff := cmp.Diff(wantCurve, res.Curve); diff != "" {
		t.Errorf("curve (-want +got):\n%s", diff)
	}

	r.OnOrAfter = true
	res, _ = r.Run(mustTable(t, evs), nov(2), nov(16), time.Time{})
	if diff := cmp.Diff([]int64{2, 2, 1, 0}, res.Cohorts[0].Retained); diff != "" {
		t.Errorf("on or after (-want +got):\n%s", diff)
	}

	r.OnOrAfter, r.Recurring = false, true
	res, _ = r.Run(mustTable(t, evs), nov(2), nov(9), time.Time{})
	if got := []int64{res.Cohorts[0].Size, res.Cohorts[1].Size}; !slices.Equal(got, []int64{2, 2}) {
		t.Errorf("recurring cohort sizes = %v, want [2 2] (a is in both)", got)
	}
	if diff := cmp.Diff([]int64{2, 0, 0, 0}, res.Cohorts[1].Retained); diff != "" {
		t.Errorf("recurring second cohort (-want +got):\n%s", diff)
	}
}

func TestRetentionFromJoined(t *testing.T) {
	evs := []qun.Event{onDay("a", "post", 3, 9), onDay("b", "post", 2, 9)}
	tab := mustTable(t, evs)
	err := tab.AddProfiles(slices.Values([]Profile{
		{Member: "a", Joined: time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)},
		{Member: "c", Joined: time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)}, // joined, never active
	}))
	if err != nil {
		t.Fatal(err)
	}
	r := Retention{FromJoined: true, Grain: qun.Day, Periods: 3}
	res, err := r.Run(tab, nov(2), nov(4), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int64{2, 1, 0}, res.Cohorts[0].Retained); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// Each member is in exactly one first-time cohort, and the cohort sizes sum
// to the members who did the start event in the range.
func TestPropertyRetentionCohortsPartition(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		evs := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) qun.Event {
			return onDay(fmt.Sprint("m", rapid.IntRange(0, 6).Draw(t, "member")), rapid.SampledFrom([]string{"join", "post"}).Draw(t, "name"),
				rapid.IntRange(1, 28).Draw(t, "day"), rapid.IntRange(0, 23).Draw(t, "hour"))
		}), 0, 30).Draw(t, "events")
		grain := rapid.SampledFrom([]qun.Grain{qun.Day, qun.Week, qun.Month}).Draw(t, "grain")
		zone := rapid.SampledFrom([]string{"UTC", "Asia/Shanghai", "America/New_York"}).Draw(t, "zone")
		cal := qun.Calendar{Zone: qun.MustLoadZone(zone), WeekStart: time.Monday}
		from, to := nov(rapid.IntRange(1, 14).Draw(t, "from")), nov(rapid.IntRange(14, 28).Draw(t, "to"))
		r := Retention{Start: qun.EventFilter{Name: "join"}, Grain: grain, Calendar: cal, Periods: rapid.IntRange(1, 5).Draw(t, "periods")}
		res, err := r.Run(mustTable(t, evs), from, to, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		var sum int64
		for _, c := range res.Cohorts {
			sum += c.Size
			if len(c.Retained) != r.Periods || c.Retained[0] != c.Size {
				t.Fatalf("cohort %v of %d: %v over %d periods", c.Period, c.Size, c.Retained, r.Periods)
			}
			for _, n := range c.Retained {
				if n > c.Size {
					t.Fatalf("cohort %v retains %d of %d", c.Period, n, c.Size)
				}
			}
		}
		// The members whose first join falls in the cohorts' periods.
		first := map[qun.MemberID]time.Time{}
		for _, e := range evs {
			if f, ok := first[e.Member]; e.Name == "join" && (!ok || e.Time.Before(f)) {
				first[e.Member] = e.Time
			}
		}
		lo := cal.PeriodOn(grain, from).Start(cal.Location())
		hi := cal.PeriodOn(grain, to).End(cal.Location())
		var want int64
		for _, f := range first {
			if !f.Before(lo) && f.Before(hi) {
				want++
			}
		}
		if sum != want {
			t.Fatalf("cohorts hold %d members, %d first joined in the range", sum, want)
		}
		// On or after never counts fewer than on.
		r.OnOrAfter = true
		cum, err := r.Run(mustTable(t, evs), from, to, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if len(cum.Cohorts) != len(res.Cohorts) {
			t.Fatalf("%d cohorts on, %d on or after", len(res.Cohorts), len(cum.Cohorts))
		}
		for i := range res.Cohorts {
			if !leq(res.Cohorts[i].Retained, cum.Cohorts[i].Retained) || !isMonotone(cum.Cohorts[i].Retained) {
				t.Fatalf("on %v, on or after %v", res.Cohorts[i].Retained, cum.Cohorts[i].Retained)
			}
		}
	})
}

func TestActiveDaily(t *testing.T) {
	evs := []qun.Event{
		onDay("a", "post", 1, 9), onDay("a", "post", 1, 10), onDay("a", "post", 5, 9),
		onDay("b", "like", 7, 9), onDay("b", "post", 8, 9),
		onDay("c", "post", 30, 9),
	}
	a := Activity{Events: []qun.EventFilter{{Name: "post"}}}
	days, err := a.Daily(mustTable(t, evs), nov(7), nov(9))
	if err != nil {
		t.Fatal(err)
	}
	// WAU on the 8th covers 2–8 November (a on the 5th, b on the 8th);
	// b's like on the 7th is not activity.
	want := []ActiveDay{
		{Day: nov(7), DAU: 0, WAU: 1, MAU: 1},
		{Day: nov(8), DAU: 1, WAU: 2, MAU: 2, Stickiness: 0.5},
		{Day: nov(9), DAU: 0, WAU: 2, MAU: 2},
	}
	if diff := cmp.Diff(want, days); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	// A day in Shanghai starts at 16:00 UTC the day before.
	sh := Activity{Calendar: qun.Calendar{Zone: qun.MustLoadZone("Asia/Shanghai")}}
	days, _ = sh.Daily(mustTable(t, []qun.Event{onDay("a", "post", 7, 17)}), nov(7), nov(8))
	if days[0].DAU != 0 || days[1].DAU != 1 {
		t.Errorf("Shanghai days = %+v", days)
	}
}

func TestActiveDaysPer(t *testing.T) {
	evs := []qun.Event{
		onDay("a", "post", 2, 9), onDay("a", "post", 3, 9), onDay("a", "post", 3, 12), onDay("a", "post", 9, 9),
		onDay("b", "post", 4, 9),
	}
	got, err := Activity{Calendar: qun.Calendar{WeekStart: time.Monday}}.ActiveDaysPer(mustTable(t, evs), qun.Week, nov(2), nov(9))
	if err != nil {
		t.Fatal(err)
	}
	want := []ActiveDays{
		{Period: qun.Period{Grain: qun.Week, First: nov(2)}, Members: 2, Days: []int64{1, 1, 0, 0, 0, 0, 0}, Mean: 1.5},
		{Period: qun.Period{Grain: qun.Week, First: nov(9)}, Members: 1, Days: []int64{1, 0, 0, 0, 0, 0, 0}, Mean: 1},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestLifecycle(t *testing.T) {
	evs := []qun.Event{
		onDay("a", "post", 1, 9), onDay("a", "post", 2, 9), onDay("a", "post", 4, 9), // new, returning, (dormant 3rd), resurrecting
		onDay("b", "post", 3, 9), // created on the 1st by a like: resurrecting under PostHog's rule
		onDay("b", "like", 1, 9),
		onDay("c", "post", 2, 9), // new on the 2nd, dormant on the 3rd
	}
	l := Lifecycle{Events: []qun.EventFilter{{Name: "post"}}, Grain: qun.Day}
	tab := mustTable(t, evs)
	got, err := l.Run(tab, nov(1), nov(5))
	if err != nil {
		t.Fatal(err)
	}
	want := []LifecyclePeriod{
		{Period: qun.Period{Grain: qun.Day, First: nov(1)}, New: 1},
		{Period: qun.Period{Grain: qun.Day, First: nov(2)}, New: 1, Returning: 1},
		{Period: qun.Period{Grain: qun.Day, First: nov(3)}, Resurrecting: 1, Dormant: -2},
		{Period: qun.Period{Grain: qun.Day, First: nov(4)}, Resurrecting: 1, Dormant: -1},
		{Period: qun.Period{Grain: qun.Day, First: nov(5)}, Dormant: -1},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("PostHog's rule (-want +got):\n%s", diff)
	}
	l.NewFromFirstActivity = true
	got, _ = l.Run(tab, nov(1), nov(5))
	want[2].Resurrecting, want[2].New = 0, 1
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("new from first activity (-want +got):\n%s", diff)
	}
}
