package badge_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive/badge"
	"pgregory.net/rapid"
)

var (
	shanghai = qun.MustLoadZone("Asia/Shanghai")
	calSH    = qun.Calendar{Zone: shanghai, WeekStart: time.Monday}
	t0       = time.Date(2026, 11, 16, 9, 0, 0, 0, shanghai.Location()) // a Monday
)

func set() badge.Set {
	return badge.Set{Calendar: calSH, Badges: []badge.Badge{
		{ID: "first-post", Grades: []badge.Grade{{Criteria: []badge.Criterion{{Counter: "posts", Min: 1}}}}},
		{ID: "reader", Grades: []badge.Grade{
			{Name: "bronze", Criteria: []badge.Criterion{{Counter: "books", Min: 5}}},
			{Name: "silver", Criteria: []badge.Criterion{{Counter: "books", Min: 20}}},
			{Name: "gold", Criteria: []badge.Criterion{{Counter: "books", Min: 50}}},
		}},
		{ID: "weekly-champion", Multiple: true, Per: qun.Week, Limit: 3, Grades: []badge.Grade{{Criteria: []badge.Criterion{{Rank: "weekly-reading", Top: 1}}}}},
		{ID: "on-fire", Multiple: true, Grades: []badge.Grade{{Criteria: []badge.Criterion{{Streak: "check-in", Min: 7}}}}},
		{ID: "regular", Revoke: true, Grades: []badge.Grade{{Criteria: []badge.Criterion{{Streak: "check-in", Min: 30}}}}},
		{ID: "pioneer", Grades: []badge.Grade{{Criteria: []badge.Criterion{{First: "join", Top: 100}}}}},
		{ID: "kol", Grades: []badge.Grade{{Criteria: []badge.Criterion{{Tag: "kol"}, {Counter: "followers", Min: 1000}}}}},
		{ID: "host", Grades: []badge.Grade{{}}},
	}}
}

func compile(t rapid.TB) *badge.Engine {
	t.Helper()
	e, err := badge.Compile(set())
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func grants(d badge.Decision) []string {
	var out []string
	for _, g := range d.Grants {
		out = append(out, fmt.Sprintf("+%s%s", g.Badge, gradeSuffix(g.Grade)))
	}
	for _, r := range d.Revokes {
		out = append(out, fmt.Sprintf("-%s%s", r.Badge, gradeSuffix(r.Grade)))
	}
	return out
}

func gradeSuffix(g string) string {
	if g == "" {
		return ""
	}
	return ":" + g
}

func TestEvaluate(t *testing.T) {
	e := compile(t)
	var hs []badge.Holding
	steps := []struct {
		name  string
		facts badge.Facts
		after time.Duration
		want  []string
	}{
		{"first post, 3 books, joined 42nd", badge.Facts{Counters: map[string]int64{"posts": 1, "books": 3}, Firsts: map[string]int64{"join": 42}}, 0,
			[]string{"+first-post", "+pioneer"}},
		{"25 books: bronze and silver at once", badge.Facts{Counters: map[string]int64{"posts": 2, "books": 25}}, time.Hour,
			[]string{"+reader:bronze", "+reader:silver"}},
		{"weekly champion and a 7-day streak", badge.Facts{Ranks: map[string]int64{"weekly-reading": 1}, Streaks: map[string]badge.StreakFact{"check-in": {Current: 7, Longest: 7}}}, time.Hour,
			[]string{"+weekly-champion", "+on-fire"}},
		{"still champion the same week; the streak holds", badge.Facts{Ranks: map[string]int64{"weekly-reading": 1}, Streaks: map[string]badge.StreakFact{"check-in": {Current: 8}}}, 24 * time.Hour,
			nil},
		{"champion again next week; the streak broke", badge.Facts{Ranks: map[string]int64{"weekly-reading": 1}}, 7 * 24 * time.Hour,
			[]string{"+weekly-champion"}},
		{"a new 7-day streak", badge.Facts{Streaks: map[string]badge.StreakFact{"check-in": {Current: 7, Longest: 8}}}, time.Hour,
			[]string{"+on-fire"}},
		{"a 30-day streak", badge.Facts{Streaks: map[string]badge.StreakFact{"check-in": {Current: 30, Longest: 30}}}, time.Hour,
			[]string{"+regular"}},
		{"the streak breaks: regular is revoked", badge.Facts{Streaks: map[string]badge.StreakFact{"check-in": {Current: 1, Longest: 30}}}, time.Hour,
			[]string{"-regular"}},
		{"a tag without the followers", badge.Facts{Tags: []string{"kol"}, Counters: map[string]int64{"followers": 999}}, time.Hour, nil},
		{"a tag and the followers", badge.Facts{Tags: []string{"kol"}, Counters: map[string]int64{"followers": 1000}}, time.Hour, []string{"+kol"}},
	}
	now := t0
	for _, st := range steps {
		now = now.Add(st.after)
		var d badge.Decision
		hs, d = e.Evaluate(hs, st.facts, now)
		if diff := gocmp.Diff(st.want, grants(d)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", st.name, diff)
		}
	}
	// Revoked and earned again: a new grant, with a new key.
	// (A streak of 30 is also a new streak of at least 7: on-fire again.)
	_, d := e.Evaluate(hs, badge.Facts{Streaks: map[string]badge.StreakFact{"check-in": {Current: 30}}}, now)
	if len(d.Grants) != 2 || d.Grants[1].Key != "badge/regular/2" || d.Grants[1].Number != 2 || d.Grants[0].Key != "badge/on-fire/3" {
		t.Errorf("re-earned: %+v", d.Grants)
	}
}

func TestGrantByHand(t *testing.T) {
	e := compile(t)
	hs, d, err := e.Grant(nil, "host", t0)
	if err != nil || len(d.Grants) != 1 || d.Grants[0].Key != "badge/host/1" {
		t.Fatalf("grant: %+v, %v", d, err)
	}
	hs, d, _ = e.Grant(hs, "host", t0)
	if len(d.Grants) != 0 || !gocmp.Equal(d.Held, []string{"host"}) {
		t.Errorf("a second grant of a badge granted once: %+v", d)
	}
	// Evaluation leaves a badge by hand alone.
	if _, d := e.Evaluate(hs, badge.Facts{}, t0); len(d.Grants)+len(d.Revokes) != 0 {
		t.Errorf("evaluation touched a badge by hand: %+v", d)
	}
	for range 3 {
		hs, _, _ = e.Grant(hs, "weekly-champion", t0)
	}
	hs, d, _ = e.Grant(hs, "weekly-champion", t0)
	if !gocmp.Equal(d.Limited, []string{"weekly-champion"}) {
		t.Errorf("a fourth champion: %+v", d)
	}
	hs, d, _ = e.Grant(hs, "reader", t0)
	if len(d.Grants) != 1 || d.Grants[0].Grade != "bronze" {
		t.Errorf("reader by hand: %+v", d)
	}
	hs, d, _ = e.Revoke(hs, "weekly-champion", t0)
	if len(d.Revokes) != 3 {
		t.Errorf("revoke by hand: %+v", d)
	}
	if _, _, err := e.Grant(hs, "nope", t0); !errors.Is(err, badge.ErrUnknownBadge) || !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("unknown badge: %v", err)
	}
}

// TestGrantLimit: whatever the facts, over time, no member holds more
// grants of a badge than its limit (one for a badge granted once), grades
// stay within the badge's, and no grant key repeats.
func TestGrantLimit(t *testing.T) {
	s := set()
	rapid.Check(t, func(t *rapid.T) {
		e := compile(t)
		var hs []badge.Holding
		keys := map[string]bool{}
		made := map[string]int{}
		now := t0
		for range rapid.IntRange(0, 40).Draw(t, "steps") {
			now = now.Add(time.Duration(rapid.IntRange(0, 72).Draw(t, "hours")) * time.Hour)
			var d badge.Decision
			if rapid.IntRange(0, 4).Draw(t, "by hand") == 0 {
				hs, d, _ = e.Grant(hs, rapid.SampledFrom([]string{"host", "weekly-champion", "reader", "regular"}).Draw(t, "badge"), now)
			} else {
				f := badge.Facts{
					Counters: map[string]int64{"posts": rapid.Int64Range(0, 2).Draw(t, "posts"), "books": rapid.Int64Range(0, 60).Draw(t, "books")},
					Streaks:  map[string]badge.StreakFact{"check-in": {Current: rapid.Int64Range(0, 40).Draw(t, "streak")}},
					Ranks:    map[string]int64{"weekly-reading": rapid.Int64Range(1, 3).Draw(t, "rank")},
				}
				hs, d = e.Evaluate(hs, f, now)
			}
			for _, g := range d.Grants {
				if keys[g.Key] {
					t.Fatalf("grant key %s repeated", g.Key)
				}
				keys[g.Key] = true
				made[g.Badge]++
			}
			// Nothing here is revoked by hand, so the grants ever made of
			// a badge that does not revoke itself are bounded too: by its
			// limit, or by its grades for a badge granted once.
			for _, b := range s.Badges {
				bound := len(b.Grades)
				if b.Multiple {
					bound = b.Limit
				}
				if !b.Revoke && bound > 0 && made[b.ID] > bound {
					t.Fatalf("%s granted %d times, bound %d", b.ID, made[b.ID], bound)
				}
			}
			for _, h := range hs {
				var b badge.Badge
				for _, x := range s.Badges {
					if x.ID == h.Badge {
						b = x
					}
				}
				limit := 1
				if b.Multiple {
					limit = b.Limit
				}
				if limit > 0 && h.Grants > limit {
					t.Fatalf("%s: %d grants held, limit %d", h.Badge, h.Grants, limit)
				}
				if h.Grade > len(b.Grades) || h.Grade < 0 {
					t.Fatalf("%s at grade %d of %d", h.Badge, h.Grade, len(b.Grades))
				}
			}
		}
	})
}

// TestCensus: rarities kept up by changes equal a fresh count.
func TestCensus(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		e := compile(t)
		members := make([][]badge.Holding, rapid.IntRange(1, 8).Draw(t, "members"))
		var c badge.Census
		for _, hs := range members {
			c.Count(hs)
		}
		for range rapid.IntRange(0, 30).Draw(t, "changes") {
			i := rapid.IntRange(0, len(members)-1).Draw(t, "member")
			f := badge.Facts{Counters: map[string]int64{"books": rapid.Int64Range(0, 60).Draw(t, "books"), "posts": 1},
				Streaks: map[string]badge.StreakFact{"check-in": {Current: rapid.Int64Range(0, 40).Draw(t, "streak")}}}
			after, _ := e.Evaluate(members[i], f, t0)
			c.Change(members[i], after)
			members[i] = after
		}
		var fresh badge.Census
		for _, hs := range members {
			fresh.Count(hs)
		}
		if diff := gocmp.Diff(fresh.Rarities(), c.Rarities()); diff != "" {
			t.Fatalf("rarities (-fresh +kept):\n%s", diff)
		}
	})
	var c badge.Census
	c.Count([]badge.Holding{{Badge: "reader", Grade: 2, Grants: 1}})
	c.Count([]badge.Holding{{Badge: "reader", Grade: 1, Grants: 1}})
	c.Count(nil)
	c.Count(nil)
	if r := c.Rarity("reader", 2); r != 0.25 {
		t.Errorf("silver readers: %v, want 0.25", r)
	}
	if r := c.Rarities(); len(r) != 2 || r[0].Level != 2 || r[1].Share != 0.5 {
		t.Errorf("rarities %+v", r)
	}
}

func TestSetJSON(t *testing.T) {
	s := set()
	data, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	back, err := badge.Parse(data)
	if err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	if diff := gocmp.Diff(s, back, gocmp.Comparer(func(a, b qun.Calendar) bool { return a.Equal(b) })); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	for _, tc := range []struct{ json, field string }{
		{`{"badges":[{"id":"b","grades":[]}]}`, "badges[0].grades"},
		{`{"badges":[{"id":"b","grades":[{"criteria":[{"counter":"x"}]}]}]}`, "badges[0].grades[0].criteria[0].min"},
		{`{"badges":[{"id":"b","grades":[{"criteria":[{"counter":"x","tag":"y","min":1}]}]}]}`, "badges[0].grades[0].criteria[0]"},
		{`{"badges":[{"id":"b","grades":[{"criteria":[{"rank":"x"}]}]}]}`, "badges[0].grades[0].criteria[0].top"},
		{`{"badges":[{"id":"b","grades":[{"name":"a"},{"name":"a"}]}]}`, "badges[0].grades[1].name"},
		{`{"badges":[{"id":"b","grades":[{"name":"a"},{}]}]}`, "badges[0].grades[1].name"},
		{`{"badges":[{"id":"b","multiple":true,"grades":[{"name":"a"},{"name":"c"}]}]}`, "badges[0].multiple"},
		{`{"badges":[{"id":"b","limit":2,"grades":[{}]}]}`, "badges[0].limit"},
		{`{"badges":[{"id":"b","revoke":true,"grades":[{}]}]}`, "badges[0].revoke"},
		{`{"badges":[{"id":"b","per":"week","grades":[{}]}]}`, "badges[0].per"},
		{`{"badges":[{"id":"b","grades":[{}]},{"id":"b","grades":[{}]}]}`, "badges[1].id"},
		{`{"badges":[{"id":"b","grade":[{}]}]}`, "badges[0].grade"},
	} {
		_, err := badge.Parse([]byte(tc.json))
		var ve *qun.ValidationError
		if !errors.As(err, &ve) || ve.Field != tc.field {
			t.Errorf("%s: %v, want an error at %q", tc.json, err, tc.field)
		}
	}
	e := compile(t)
	hs, _ := e.Evaluate(nil, badge.Facts{Counters: map[string]int64{"books": 25}, Ranks: map[string]int64{"weekly-reading": 1}}, t0)
	data, _ = json.Marshal(hs)
	var hb []badge.Holding
	if err := json.Unmarshal(data, &hb); err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	if diff := gocmp.Diff(hs, hb); diff != "" {
		t.Errorf("holdings round trip (-want +got):\n%s", diff)
	}
}

func FuzzParse(f *testing.F) {
	data, _ := json.Marshal(set())
	f.Add(data)
	f.Add([]byte(`{"badges":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := badge.Parse(data)
		if err != nil {
			if !errors.Is(err, qun.ErrInvalid) {
				t.Fatalf("error %v does not match qun.ErrInvalid", err)
			}
			return
		}
		e, err := badge.Compile(s)
		if err != nil {
			t.Fatalf("Compile refuses a parsed set: %v", err)
		}
		e.Evaluate(nil, badge.Facts{Counters: map[string]int64{"a": 1}}, t0)
		out, _ := json.Marshal(s)
		if _, err := badge.Parse(out); err != nil {
			t.Fatalf("a written set does not read back: %v\n%s", err, out)
		}
	})
}

// FuzzHoldings reads holdings as a host's storage might hold them, and
// evaluates and grants with them: no panic, whatever they say.
func FuzzHoldings(f *testing.F) {
	f.Add([]byte(`[{"badge":"reader","grade":2,"grants":1,"granted":2,"since":"2026-11-16T09:00:00+08:00"}]`))
	f.Add([]byte(`[{"badge":"reader","grade":9},{"badge":"weekly-champion","grants":-3,"period":"2026-11-16/P1W"}]`))
	f.Add([]byte(`[{"badge":"regular","grade":-1,"held":true}]`))
	e, _ := badge.Compile(set())
	f.Fuzz(func(t *testing.T, data []byte) {
		var hs []badge.Holding
		if err := json.Unmarshal(data, &hs); err != nil {
			return
		}
		hs, _ = e.Evaluate(hs, badge.Facts{Counters: map[string]int64{"books": 7}, Streaks: map[string]badge.StreakFact{"check-in": {}}}, t0)
		for _, id := range []string{"reader", "host", "weekly-champion", "regular"} {
			hs, _, _ = e.Grant(hs, id, t0)
			e.Revoke(hs, id, t0)
		}
	})
}
