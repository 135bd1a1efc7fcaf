package streak_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive"
	"github.com/qunkit/qun/incentive/streak"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// growthPlan is a 3-day plan: check in each day, read 2 chapters on day 2,
// with points for day 2 and a badge for finishing.
func growthPlan(catchUp bool) streak.Plan {
	checkIn := streak.Task{ID: "check-in", Event: qun.EventFilter{Name: "check_in"}}
	return streak.Plan{
		ID: "growth", CatchUp: catchUp,
		Days: []streak.PlanDay{
			{Tasks: []streak.Task{checkIn}},
			{Tasks: []streak.Task{checkIn, {ID: "read", Event: qun.EventFilter{Name: "read"}, Count: 2}},
				Reward: incentive.Reward{Kind: "points", Points: decimal.NewFromInt(20)}},
			{Tasks: []streak.Task{checkIn}},
		},
		Reward: incentive.Reward{Badge: "growth-plan"},
	}
}

func compilePlan(t rapid.TB, p streak.Plan) *streak.PlanEngine {
	t.Helper()
	c, err := streak.CompilePlan(p)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func event(id, name string, day qun.Date, hour int) qun.Event {
	return qun.Event{ID: id, Member: "lin", Name: name, Time: day.At(hour, 0, 0, 0, shanghai.Location())}
}

func TestPlan(t *testing.T) {
	c := compilePlan(t, growthPlan(false))
	start := date(2026, 11, 16)
	pr := c.Start(start, shanghai)
	var log []string
	for _, ev := range []qun.Event{
		event("e1", "check_in", start, 8),
		event("e1", "check_in", start, 8), // replayed
		event("e2", "read", start, 9),     // no task of day 1 reads
		event("e3", "check_in", start.AddDays(1), 8),
		event("e4", "read", start.AddDays(1), 21),
		event("e5", "read", start.AddDays(1), 22),
		event("e6", "read", start.AddDays(1), 23), // read is done
		event("e7", "check_in", start.AddDays(2), 0),
		event("e8", "check_in", start.AddDays(3), 8), // after the plan
	} {
		var res streak.PlanResult
		var err error
		pr, res, err = c.Apply(pr, ev)
		if err != nil {
			t.Fatal(err)
		}
		line := fmt.Sprintf("%s: day %d %v done %v complete %v dup %v", ev.ID, res.Day, res.Tasks, res.DayDone, res.Completed, res.Duplicate)
		for _, p := range res.Payouts {
			line += " pays " + p.Key
		}
		log = append(log, line)
	}
	want := []string{
		"e1: day 1 [check-in] done true complete false dup false",
		"e1: day 0 [] done false complete false dup true",
		"e2: day 0 [] done false complete false dup false",
		"e3: day 2 [check-in] done false complete false dup false",
		"e4: day 2 [read] done false complete false dup false",
		"e5: day 2 [read] done true complete false dup false pays plan/growth/2026-11-16/day-2",
		"e6: day 0 [] done false complete false dup false",
		"e7: day 3 [check-in] done true complete true dup false pays plan/growth/2026-11-16",
		"e8: day 0 [] done false complete false dup false",
	}
	if diff := gocmp.Diff(want, log); diff != "" {
		t.Errorf("log (-want +got):\n%s", diff)
	}
	st, _ := c.Status(pr, time.Date(2026, 11, 20, 9, 0, 0, 0, shanghai.Location()))
	if !st.Completed || st.Failed || st.Today != 4 || len(st.Done) != 3 {
		t.Errorf("status %+v", st)
	}
}

func TestPlanMissedAndCatchUp(t *testing.T) {
	start := date(2026, 11, 16)
	for _, catchUp := range []bool{false, true} {
		c := compilePlan(t, growthPlan(catchUp))
		pr := c.Start(start, shanghai)
		for _, ev := range []qun.Event{
			event("a", "check_in", start, 8),
			// day 2 missed
			event("b", "check_in", start.AddDays(2), 8),
			event("c", "check_in", start.AddDays(2), 9), // with catch-up: day 2's check-in
			event("d", "read", start.AddDays(2), 10),
			event("e", "read", start.AddDays(2), 11),
		} {
			pr, _, _ = c.Apply(pr, ev)
		}
		st, _ := c.Status(pr, start.AddDays(2).At(12, 0, 0, 0, shanghai.Location()))
		if catchUp != st.Completed || catchUp == st.Failed {
			t.Errorf("catch up %v: status %+v", catchUp, st)
		}
		if !catchUp && (len(st.Missed) != 1 || st.Missed[0] != 2) {
			t.Errorf("missed %v, want [2]", st.Missed)
		}
	}
}

// TestPlanNeverOverCounts: whatever events come, no task counts past its
// count, and each event counts for at most one day.
func TestPlanNeverOverCounts(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := growthPlan(rapid.Bool().Draw(t, "catch up"))
		c := compilePlan(t, p)
		start := date(2026, 11, 16)
		pr := c.Start(start, shanghai)
		for i := range rapid.IntRange(0, 40).Draw(t, "events") {
			ev := event(fmt.Sprint(rapid.IntRange(0, 30).Draw(t, "id")),
				rapid.SampledFrom([]string{"check_in", "read", "post"}).Draw(t, "name"),
				start.AddDays(rapid.IntRange(-1, 4).Draw(t, "day")), rapid.IntRange(0, 23).Draw(t, "hour"))
			before := pr
			var res streak.PlanResult
			var err error
			pr, res, err = c.Apply(pr, ev)
			if err != nil {
				t.Fatal(err)
			}
			added := 0
			for d := range pr.Counts {
				for j, n := range pr.Counts[d] {
					if n > max(p.Days[d].Tasks[j].Count, 1) {
						t.Fatalf("event %d: day %d task %d counts %d", i, d+1, j, n)
					}
					if n != before.Counts[d][j] {
						added++
						if d+1 != res.Day {
							t.Fatalf("event %d counted for day %d, reported %d", i, d+1, res.Day)
						}
					}
				}
			}
			if added != len(res.Tasks) {
				t.Fatalf("event %d: %d counts changed, %d tasks reported", i, added, len(res.Tasks))
			}
		}
	})
}

func TestPlanJSON(t *testing.T) {
	p := growthPlan(true)
	data, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	back, err := streak.ParsePlan(data)
	if err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	if diff := gocmp.Diff(p, back, gocmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) })); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	for _, tc := range []struct{ json, field string }{
		{`{"id":"p","days":[]}`, "days"},
		{`{"id":"p","days":[{"tasks":[]}]}`, "days[0].tasks"},
		{`{"id":"p","days":[{"tasks":[{"id":"a","event":{"name":"x"}},{"id":"a","event":{"name":"y"}}]}]}`, "days[0].tasks[1].id"},
		{`{"id":"p","days":[{"tasks":[{"id":"a","event":{"name":""}}]}]}`, "days[0].tasks[0].event.name"},
		{`{"id":"p","days":[{"tasks":[{"id":"a","event":{"name":"x"},"count":1001}]}]}`, "days[0].tasks[0].count"},
		{`{"id":"p","days":[{"tasks":[{"id":"a","event":{"name":"x"}}],"reward":{"kind":"points"}}]}`, "days[0].reward.points"},
		{`{"id":"p","days":[{"tasks":[{"id":"a","event":{"name":"x"}}]}],"catchup":true}`, "catchup"},
	} {
		_, err := streak.ParsePlan([]byte(tc.json))
		var ve *qun.ValidationError
		if !errors.As(err, &ve) || ve.Field != tc.field {
			t.Errorf("%s: %v, want an error at %q", tc.json, err, tc.field)
		}
	}
	c := compilePlan(t, p)
	pr := c.Start(date(2026, 11, 16), shanghai)
	pr, _, _ = c.Apply(pr, event("e1", "check_in", date(2026, 11, 16), 9))
	data, _ = json.Marshal(pr)
	var pb streak.Progress
	if err := json.Unmarshal(data, &pb); err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	if diff := gocmp.Diff(pr, pb, gocmp.Comparer(func(a, b qun.Zone) bool { return a.Equal(b) })); diff != "" {
		t.Errorf("progress round trip (-want +got):\n%s", diff)
	}
	if _, _, err := c.Apply(streak.Progress{Plan: "other"}, event("x", "check_in", date(2026, 11, 16), 9)); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("progress of another plan: %v", err)
	}
}

func FuzzParsePlan(f *testing.F) {
	data, _ := json.Marshal(growthPlan(true))
	f.Add(data)
	f.Add([]byte(`{"id":"p","days":[{"tasks":[{"id":"a","event":{"name":"x","where":[{"prop":"k","op":"exact","values":["v"]}]}}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := streak.ParsePlan(data)
		if err != nil {
			if !errors.Is(err, qun.ErrInvalid) {
				t.Fatalf("error %v does not match qun.ErrInvalid", err)
			}
			return
		}
		c, err := streak.CompilePlan(p)
		if err != nil {
			t.Fatalf("CompilePlan refuses a parsed plan: %v", err)
		}
		pr := c.Start(date(2026, 1, 1), qun.Zone{})
		if _, _, err := c.Apply(pr, qun.Event{ID: "e", Member: "m", Name: p.Days[0].Tasks[0].Event.Name, Time: time.Date(2026, 1, 1, 1, 0, 0, 0, time.UTC)}); err != nil {
			t.Fatalf("Apply: %v", err)
		}
		out, _ := json.Marshal(p)
		if _, err := streak.ParsePlan(out); err != nil {
			t.Fatalf("a written plan does not read back: %v\n%s", err, out)
		}
	})
}
