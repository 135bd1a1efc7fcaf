package calendar

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/qunkit/qun"
	"github.com/qunkit/qun/calendar/rrule"
	"pgregory.net/rapid"
)

func mustRec(t testing.TB, text string) rrule.Recurrence {
	t.Helper()
	r, err := rrule.Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func shanghai() qun.Calendar {
	return qun.Calendar{Zone: qun.MustLoadZone("Asia/Shanghai"), WeekStart: time.Monday}
}

func dailyPlan(t testing.TB) Plan {
	return Plan{
		Calendar: shanghai(),
		Slots: []Slot{
			{Name: "evening", When: mustRec(t, "DTSTART;TZID=Asia/Shanghai:20261123T200000\nRRULE:FREQ=DAILY")},
		},
	}
}

func fill(t testing.TB, p Plan, backlog []Item, days int) Filled {
	t.Helper()
	pl, err := p.Compile()
	if err != nil {
		t.Fatal(err)
	}
	from := time.Date(2026, 11, 23, 0, 0, 0, 0, p.Calendar.Location())
	res, err := pl.Fill(FillParams{Backlog: backlog, From: from, To: from.AddDate(0, 0, days)})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func items(spec ...string) []Item {
	var out []Item
	for i, s := range spec {
		k, err := ParseKind(s)
		if err != nil {
			panic(err)
		}
		out = append(out, Item{ID: fmt.Sprintf("%s-%d", s, i), Kind: k})
	}
	return out
}

func postIDs(f Filled) []string {
	var out []string
	for _, p := range f.Posts {
		out = append(out, p.At.Format("01-02")+" "+p.Item)
	}
	return out
}

func TestFillMixRules(t *testing.T) {
	t.Run("backlog order when nothing else decides", func(t *testing.T) {
		got := postIDs(fill(t, dailyPlan(t), items("news", "tutorial", "case"), 3))
		want := []string{"11-23 news-0", "11-24 tutorial-1", "11-25 case-2"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Error(diff)
		}
	})
	t.Run("target shares steer the mix", func(t *testing.T) {
		p := dailyPlan(t)
		p.Mix = Mix{WindowDays: 7, Shares: []Share{{Kind: News, Target: 0.5}, {Kind: Tutorial, Target: 0.5}}}
		got := postIDs(fill(t, p, items("news", "news", "news", "tutorial", "tutorial"), 4))
		want := []string{"11-23 news-0", "11-24 tutorial-3", "11-25 news-1", "11-26 tutorial-4"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Error(diff)
		}
	})
	t.Run("promotion at most 10 percent", func(t *testing.T) {
		p := dailyPlan(t)
		p.Mix = Mix{WindowDays: 30, Shares: []Share{{Kind: Promotion, Max: 0.1}}}
		backlog := items("promotion", "news", "news", "news", "news", "news", "news", "news", "news", "news", "promotion")
		res := fill(t, p, backlog, 11)
		var kinds []string
		for _, post := range res.Posts {
			kinds = append(kinds, post.Kind.String())
		}
		// The first promotion waits until it is one post in ten.
		want := []string{"news", "news", "news", "news", "news", "news", "news", "news", "news", "promotion"}
		if diff := cmp.Diff(want, kinds); diff != "" {
			t.Error(diff)
		}
		if len(res.Unscheduled) != 1 || !strings.HasPrefix(res.Unscheduled[0].Reason, "share limit") {
			t.Errorf("unscheduled = %+v", res.Unscheduled)
		}
	})
	t.Run("no two promotions in a week, and kind gaps", func(t *testing.T) {
		p := dailyPlan(t)
		p.Mix = Mix{Limits: []PeriodLimit{{Kind: Promotion, Per: qun.Week, Max: 1}}, KindGap: qun.Days(2)}
		res := fill(t, p, items("promotion", "promotion", "news", "news", "tutorial"), 7)
		got := postIDs(res)
		// 11-23 is a Monday; the second promotion must wait for next week.
		want := []string{"11-23 promotion-0", "11-24 news-2", "11-25 tutorial-4", "11-26 news-3"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Error(diff)
		}
		if len(res.Empty) != 3 || !strings.Contains(res.Empty[0].Reason, "period limit") {
			t.Errorf("empty = %+v", res.Empty)
		}
	})
	t.Run("topic gap", func(t *testing.T) {
		p := dailyPlan(t)
		p.Mix = Mix{TopicGap: qun.Days(3)}
		backlog := []Item{{ID: "a", Kind: News, Topics: []string{"italy"}}, {ID: "b", Kind: News, Topics: []string{"italy"}}, {ID: "c", Kind: News, Topics: []string{"france"}}}
		got := postIDs(fill(t, p, backlog, 4))
		want := []string{"11-23 a", "11-24 c", "11-26 b"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Error(diff)
		}
	})
	t.Run("dates, segments and slot kinds", func(t *testing.T) {
		p := dailyPlan(t)
		p.Slots[0].Kinds = []Kind{News, Case}
		p.Slots[0].Segment = "wine-fans"
		backlog := []Item{
			{ID: "late", Kind: News, Segment: "wine-fans", Earliest: qun.Date{Year: 2026, Month: 11, Day: 25}},
			{ID: "gone", Kind: News, Segment: "wine-fans", Latest: qun.Date{Year: 2026, Month: 11, Day: 1}},
			{ID: "other", Kind: News, Segment: "tea-fans"},
			{ID: "game", Kind: Interaction, Segment: "wine-fans"},
			{ID: "case", Kind: Case, Segment: "wine-fans"},
		}
		res := fill(t, p, backlog, 3)
		if diff := cmp.Diff([]string{"11-23 case", "11-25 late"}, postIDs(res)); diff != "" {
			t.Error(diff)
		}
		reasons := map[string]string{}
		for _, u := range res.Unscheduled {
			reasons[u.Item] = reasonClass(u.Reason)
		}
		want := map[string]string{"gone": "expired", "other": "wrong segment", "game": "wrong kind"}
		if diff := cmp.Diff(want, reasons); diff != "" {
			t.Error(diff)
		}
		if len(res.Empty) != 1 || !strings.HasPrefix(res.Empty[0].Reason, "no item fits") {
			t.Errorf("empty = %+v", res.Empty)
		}
	})
}

func TestFillHolidaysSeasonsBlackouts(t *testing.T) {
	p := dailyPlan(t)
	p.Slots = append(p.Slots, Slot{Name: "holiday noon", Holiday: true, When: mustRec(t, "DTSTART;TZID=Asia/Shanghai:20261123T120000\nRRULE:FREQ=DAILY")})
	p.Holidays = []Holiday{{Date: qun.Date{Year: 2026, Month: 11, Day: 24}, Name: "双十一返场", Multiplier: 2}, {Date: qun.Date{Year: 2026, Month: 11, Day: 26}, Name: "rest", Multiplier: 0.4}}
	p.Seasons = []Season{{Months: []time.Month{11, 12, 1}, Theme: "winter"}}
	p.Blackouts = []qun.Date{{Year: 2026, Month: 11, Day: 25}}
	backlog := []Item{
		{ID: "a", Kind: News},
		{ID: "b", Kind: News},
		{ID: "warm", Kind: Tutorial, Topics: []string{"winter"}},
		{ID: "sale", Kind: Promotion, Topics: []string{"双十一返场"}},
	}
	res := fill(t, p, backlog, 4)
	want := []string{"11-23 warm", "11-24 sale", "11-24 a"}
	if diff := cmp.Diff(want, postIDs(res)); diff != "" {
		t.Error(diff)
	}
	if res.Posts[1].At.Hour() != 12 || res.Posts[1].Holiday != "双十一返场" || res.Posts[0].Theme != "winter" {
		t.Errorf("posts = %+v", res.Posts)
	}
	var empty []string
	for _, e := range res.Empty {
		empty = append(empty, e.At.Format("01-02 15:04")+" "+reasonClass(e.Reason))
	}
	wantEmpty := []string{"11-25 20:00 blackout date 2026-11-25", "11-26 20:00 holiday rest runs at ×0.4 cadence"}
	if diff := cmp.Diff(wantEmpty, empty); diff != "" {
		t.Error(diff)
	}
}

// genPlan draws a plan, a backlog and published history.
func genPlan(t *rapid.T) (Plan, []Item, []Post) {
	p := Plan{Calendar: shanghai()}
	for i := range rapid.IntRange(1, 3).Draw(t, "slots") {
		h := rapid.IntRange(6, 22).Draw(t, "hour")
		rule := rapid.SampledFrom([]string{"FREQ=DAILY", "FREQ=WEEKLY;BYDAY=MO,WE,FR", "FREQ=DAILY;INTERVAL=2"}).Draw(t, "rule")
		rec, err := rrule.Parse(fmt.Sprintf("DTSTART;TZID=Asia/Shanghai:20261123T%02d0000\nRRULE:%s", h, rule))
		if err != nil {
			t.Fatal(err)
		}
		s := Slot{Name: fmt.Sprintf("s%d", i), When: rec, Holiday: rapid.IntRange(0, 4).Draw(t, "holiday slot") == 0}
		if rapid.Bool().Draw(t, "kinds?") {
			s.Kinds = []Kind{Kind(rapid.IntRange(1, 6).Draw(t, "kind")), Kind(rapid.IntRange(1, 6).Draw(t, "kind"))}
		}
		p.Slots = append(p.Slots, s)
	}
	p.Mix.WindowDays = rapid.IntRange(1, 14).Draw(t, "window")
	for k := News; k <= Promotion; k++ {
		if rapid.Bool().Draw(t, "share?") {
			p.Mix.Shares = append(p.Mix.Shares, Share{Kind: k, Target: rapid.Float64Range(0, 1).Draw(t, "target"), Max: rapid.Float64Range(0, 1).Draw(t, "max")})
		}
	}
	p.Mix.KindGap = qun.Duration(time.Duration(rapid.IntRange(0, 48).Draw(t, "kind gap hours")) * time.Hour)
	p.Mix.TopicGap = qun.Duration(time.Duration(rapid.IntRange(0, 72).Draw(t, "topic gap hours")) * time.Hour)
	if rapid.Bool().Draw(t, "limit?") {
		p.Mix.Limits = []PeriodLimit{{Kind: Promotion, Per: qun.Week, Max: rapid.IntRange(0, 2).Draw(t, "limit")}}
	}
	for _, day := range rapid.SliceOfNDistinct(rapid.IntRange(23, 30), 0, 3, rapid.ID[int]).Draw(t, "holiday days") {
		p.Holidays = append(p.Holidays, Holiday{Date: qun.Date{Year: 2026, Month: 11, Day: day}, Name: "h", Multiplier: rapid.SampledFrom([]float64{0, 0.5, 1, 2, 3}).Draw(t, "multiplier")})
	}
	for range rapid.IntRange(0, 2).Draw(t, "blackouts") {
		p.Blackouts = append(p.Blackouts, qun.Date{Year: 2026, Month: 11, Day: rapid.IntRange(23, 30).Draw(t, "blackout day")})
	}
	topics := []string{"italy", "france", "winter", "h"}
	var backlog []Item
	for i := range rapid.IntRange(0, 30).Draw(t, "backlog") {
		it := Item{ID: fmt.Sprintf("i%d", i), Kind: Kind(rapid.IntRange(1, 6).Draw(t, "kind"))}
		if rapid.Bool().Draw(t, "topic?") {
			it.Topics = []string{rapid.SampledFrom(topics).Draw(t, "topic")}
		}
		if rapid.IntRange(0, 4).Draw(t, "dates?") == 0 {
			it.Earliest = qun.Date{Year: 2026, Month: 11, Day: rapid.IntRange(20, 30).Draw(t, "earliest")}
			it.Latest = it.Earliest.AddDays(rapid.IntRange(0, 5).Draw(t, "span"))
		}
		backlog = append(backlog, it)
	}
	var published []Post
	for i := range rapid.IntRange(0, 5).Draw(t, "published") {
		published = append(published, Post{Item: fmt.Sprintf("old%d", i), Kind: Kind(rapid.IntRange(1, 6).Draw(t, "kind")),
			At: time.Date(2026, 11, rapid.IntRange(20, 28).Draw(t, "day"), rapid.IntRange(0, 23).Draw(t, "hour"), 0, 0, 0, time.UTC)})
	}
	return p, backlog, published
}

// TestFillProperties: plans are deterministic (and the same after a JSON
// round trip of the plan); no item goes out twice or outside its dates;
// blackout dates stay empty; maximum shares, gaps and period limits hold
// in every window; every slot occurrence and every item is accounted for.
func TestFillProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p, backlog, published := genPlan(t)
		pl, err := p.Compile()
		if err != nil {
			t.Fatal(err)
		}
		loc := p.Calendar.Location()
		fp := FillParams{Backlog: backlog, From: time.Date(2026, 11, 23, 0, 0, 0, 0, loc), To: time.Date(2026, 12, 1, 0, 0, 0, 0, loc), Published: published}
		res, err := pl.Fill(fp)
		if err != nil {
			t.Fatal(err)
		}
		data, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		var p2 Plan
		if err := json.Unmarshal(data, &p2); err != nil {
			t.Fatalf("plan does not read back: %v\n%s", err, data)
		}
		pl2, _ := p2.Compile()
		res2, _ := pl2.Fill(fp)
		if diff := cmp.Diff(res, res2); diff != "" {
			t.Fatalf("not deterministic across a JSON round trip:\n%s", diff)
		}
		seen := map[string]bool{}
		byID := map[string]Item{}
		for _, it := range backlog {
			byID[it.ID] = it
		}
		all := slices.Clone(published)
		for _, post := range res.Posts {
			if seen[post.Item] {
				t.Fatalf("%s posted twice", post.Item)
			}
			seen[post.Item] = true
			day := p.Calendar.Date(post.At)
			it := byID[post.Item]
			if !it.Earliest.IsZero() && day.Before(it.Earliest) || !it.Latest.IsZero() && day.After(it.Latest) {
				t.Fatalf("%s posted on %s outside its dates", post.Item, day)
			}
			if slices.Contains(p.Blackouts, day) {
				t.Fatalf("%s posted on blackout %s", post.Item, day)
			}
			all = append(all, post)
		}
		for _, it := range backlog {
			if !seen[it.ID] && !slices.ContainsFunc(res.Unscheduled, func(u Unscheduled) bool { return u.Item == it.ID && u.Reason != "" }) {
				t.Fatalf("%s neither posted nor explained", it.ID)
			}
		}
		for _, e := range res.Empty {
			if e.Reason == "" {
				t.Fatalf("empty slot without a reason")
			}
		}
		// The rules, checked at each new post against everything before.
		for i, post := range res.Posts {
			day := p.Calendar.Date(post.At)
			var before []Post
			for j, q := range all {
				// Published history counts whenever it went out (even
				// later on the post's own day, as it is known when the
				// plan is made); planned posts count in time order.
				if j < len(published) || q.At.Before(post.At) || q.At.Equal(post.At) && q.Item != post.Item && slices.IndexFunc(res.Posts, func(x Post) bool { return x.Item == q.Item }) < i {
					before = append(before, q)
				}
			}
			total, n := 1, 1
			for _, q := range before {
				qd := p.Calendar.Date(q.At)
				if !qd.After(day) && !qd.Before(day.AddDays(1-p.Mix.WindowDays)) {
					total++
					if q.Kind == post.Kind {
						n++
					}
				}
				gap := post.At.Sub(q.At)
				if gap < 0 {
					gap = -gap // published history may run past the plan
				}
				if q.Kind == post.Kind && gap < time.Duration(p.Mix.KindGap) {
					t.Fatalf("%s %v too soon after %s %v", post.Item, post.At, q.Item, q.At)
				}
			}
			for _, s := range p.Mix.Shares {
				if s.Kind == post.Kind && s.Max > 0 && float64(n) > s.Max*float64(total)+1e-9 {
					t.Fatalf("%s makes %s %d of %d, over %g", post.Item, post.Kind, n, total, s.Max)
				}
			}
			for _, l := range p.Mix.Limits {
				if l.Kind != post.Kind {
					continue
				}
				period := p.Calendar.PeriodOn(l.Per, day)
				c := 1
				for _, q := range before {
					if q.Kind == l.Kind && period.Contains(p.Calendar.Date(q.At)) {
						c++
					}
				}
				if c > l.Max {
					t.Fatalf("%s breaks the period limit", post.Item)
				}
			}
		}
	})
}

func TestPlanJSON(t *testing.T) {
	in := `{"calendar":{"zone":"Asia/Shanghai","week_start":"monday"},
	"slots":[{"name":"evening","when":"DTSTART;TZID=Asia/Shanghai:20261123T200000\nRRULE:FREQ=DAILY","kinds":["news","promotion"]}],
	"mix":{"window_days":7,"shares":[{"kind":"promotion","max":0.1}],"kind_gap":"1d","limits":[{"kind":"promotion","per":"week","max":1}]},
	"holidays":[{"date":"2026-12-25","name":"christmas","multiplier":2}],
	"seasons":[{"months":[12,1,2],"theme":"winter"}],
	"blackouts":["2026-12-31"]}`
	var p Plan
	if err := json.Unmarshal([]byte(in), &p); err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var back Plan
	if err := json.Unmarshal(out, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(p, back, cmp.Comparer(func(a, b qun.Zone) bool { return a.Equal(b) })); diff != "" {
		t.Error(diff)
	}
	for _, bad := range []struct{ json, field string }{
		{`{"calendar":{"zone":"UTC","week_start":"monday"},"slots":[],"extra":1}`, "extra"},
		{`{"calendar":{"zone":"UTC","week_start":"monday"},"slots":[]}`, "slots"},
		{`{"calendar":{"zone":"UTC","week_start":"monday"},"slots":[{"name":"x","when":"DTSTART:20260101T000000Z","kinds":["ads"]}]}`, ""},
		{`{"calendar":{"zone":"UTC","week_start":"monday"},"slots":[{"name":"x","when":"DTSTART:20260101T000000Z"}],"mix":{"shares":[{"kind":"news","max":2}]}}`, "mix.window_days"},
	} {
		var p Plan
		err := json.Unmarshal([]byte(bad.json), &p)
		var ve *qun.ValidationError
		if !errors.Is(err, qun.ErrInvalid) {
			t.Errorf("%s: err = %v", bad.json, err)
			continue
		}
		if bad.field != "" && (!errors.As(err, &ve) || ve.Field != bad.field) {
			t.Errorf("%s: err = %v, want field %s", bad.json, err, bad.field)
		}
	}
}

// FuzzPlanJSON: no input panics the plan decoder; whatever it accepts is
// valid, compiles and fills.
func FuzzPlanJSON(f *testing.F) {
	f.Add(`{"calendar":{"zone":"Asia/Shanghai","week_start":"monday"},"slots":[{"name":"evening","when":"DTSTART;TZID=Asia/Shanghai:20261123T200000\nRRULE:FREQ=DAILY"}],"mix":{"window_days":7,"shares":[{"kind":"promotion","max":0.1}]}}`)
	f.Add(`{"calendar":{"zone":"UTC","week_start":"sunday"},"slots":[{"name":"x","when":"DTSTART:20260101T000000Z\nRRULE:FREQ=WEEKLY","holiday":true}],"holidays":[{"date":"2026-01-01","name":"n","multiplier":2}],"blackouts":["2026-01-08"]}`)
	f.Add(`{"slots":null}`)
	f.Add(`[]`)
	f.Fuzz(func(t *testing.T, in string) {
		var p Plan
		if err := json.Unmarshal([]byte(in), &p); err != nil {
			if !errors.Is(err, qun.ErrInvalid) {
				var se *json.SyntaxError
				if !errors.As(err, &se) {
					t.Fatalf("refusal does not match qun.ErrInvalid: %v", err)
				}
			}
			return
		}
		pl, err := p.Compile()
		if err != nil {
			t.Fatalf("accepted plan does not compile: %v", err)
		}
		from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		if _, err := pl.Fill(FillParams{Backlog: items("news", "promotion"), From: from, To: from.AddDate(0, 0, 14)}); err != nil {
			t.Fatal(err)
		}
	})
}

// TestFillShareInFinishedPlan: a maximum share holds in the finished plan
// for the window ending on the day of every post of the kind, counting
// every post on the window's days: published history in full, and posts
// planned after it, later that same day, too.
func TestFillShareInFinishedPlan(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p, backlog, published := genPlan(t)
		if rapid.Bool().Draw(t, "promotion at most?") {
			most := rapid.SampledFrom([]float64{0.1, 0.25, 0.5}).Draw(t, "promotion max")
			if i := slices.IndexFunc(p.Mix.Shares, func(s Share) bool { return s.Kind == Promotion }); i >= 0 {
				p.Mix.Shares[i].Max = most
			} else {
				p.Mix.Shares = append(p.Mix.Shares, Share{Kind: Promotion, Max: most})
			}
		}
		pl, err := p.Compile()
		if err != nil {
			t.Fatal(err)
		}
		loc := p.Calendar.Location()
		res, err := pl.Fill(FillParams{Backlog: backlog, Published: published,
			From: time.Date(2026, 11, 23, 0, 0, 0, 0, loc), To: time.Date(2026, 12, 1, 0, 0, 0, 0, loc)})
		if err != nil {
			t.Fatal(err)
		}
		all := append(slices.Clone(published), res.Posts...)
		for _, post := range res.Posts {
			i := slices.IndexFunc(p.Mix.Shares, func(s Share) bool { return s.Kind == post.Kind })
			if i < 0 || p.Mix.Shares[i].Max == 0 {
				continue
			}
			day := p.Calendar.Date(post.At)
			total, n := 0, 0
			for _, q := range all {
				if qd := p.Calendar.Date(q.At); !qd.After(day) && !qd.Before(day.AddDays(1-p.Mix.WindowDays)) {
					total++
					if q.Kind == post.Kind {
						n++
					}
				}
			}
			if max := p.Mix.Shares[i].Max; float64(n) > max*float64(total)+1e-9 {
				t.Fatalf("%s on %s: %s is %d of %d posts in the %d days to it, over %g", post.Item, day, post.Kind, n, total, p.Mix.WindowDays, max)
			}
		}
	})
}

// TestFillShareLaterWindow pins what a maximum share does not promise: a
// window ending on a later day, after the posts that made room for a
// promotion have rolled out of it, can hold a larger share when the days
// after it post less (here a blackout), since the planner cannot know at
// the promotion how much will follow.
func TestFillShareLaterWindow(t *testing.T) {
	p := dailyPlan(t)
	p.Mix = Mix{WindowDays: 3, Shares: []Share{{Kind: Promotion, Max: 0.4}}}
	p.Blackouts = []qun.Date{{Year: 2026, Month: 11, Day: 26}}
	res := fill(t, p, items("news", "news", "promotion", "news"), 5)
	want := []string{"11-23 news-0", "11-24 news-1", "11-25 promotion-2", "11-27 news-3"}
	if diff := cmp.Diff(want, postIDs(res)); diff != "" {
		t.Error(diff)
	}
	// The promotion was one post in three when it went (at most 0.4);
	// the window from 11-25 to 11-27 holds it and one news post: a half.
}

// Posts and empty slots give their instants in the plan's zone, whatever
// the zone of the slot's recurrence.
func TestFillReportsInThePlansZone(t *testing.T) {
	p := dailyPlan(t)
	p.Slots[0].When = mustRec(t, "DTSTART:20261123T120000Z\nRRULE:FREQ=DAILY") // 20:00 in Shanghai
	p.Blackouts = []qun.Date{{Year: 2026, Month: 11, Day: 24}}
	res := fill(t, p, []Item{{ID: "a", Kind: News}}, 2)
	if len(res.Posts) != 1 || len(res.Empty) != 1 {
		t.Fatalf("%d posts and %d empty slots, want 1 and 1", len(res.Posts), len(res.Empty))
	}
	loc := p.Calendar.Location()
	for _, at := range []time.Time{res.Posts[0].At, res.Empty[0].At} {
		if at.Location() != loc || at.Hour() != 20 {
			t.Errorf("%v: want 20:00 in %v", at, loc)
		}
	}
}

// A plan says each thing once: two slots of one name, two shares of one
// kind, two holidays on one date or a month in two seasons are refused,
// each naming the repeat, rather than one of them silently ignored.
func TestPlanRefusesRepeats(t *testing.T) {
	base := dailyPlan(t)
	for _, c := range []struct {
		field string
		edit  func(*Plan)
	}{
		{"slots[1].name", func(p *Plan) { p.Slots = append(p.Slots, p.Slots[0]) }},
		{"mix.shares[1].kind", func(p *Plan) {
			p.Mix.WindowDays = 7
			p.Mix.Shares = []Share{{Kind: Promotion, Max: 0.1}, {Kind: Promotion, Max: 0.5}}
		}},
		{"holidays[1].date", func(p *Plan) {
			d := qun.Date{Year: 2026, Month: 10, Day: 1}
			p.Holidays = []Holiday{{Date: d, Name: "a", Multiplier: 2}, {Date: d, Name: "b"}}
		}},
		{"seasons[1].months[0]", func(p *Plan) {
			p.Seasons = []Season{{Months: []time.Month{12, 1}, Theme: "winter"}, {Months: []time.Month{1}, Theme: "new year"}}
		}},
	} {
		p := base
		p.Slots = slices.Clone(base.Slots)
		c.edit(&p)
		err := p.Validate()
		var ve *qun.ValidationError
		if !errors.As(err, &ve) || ve.Field != c.field {
			t.Errorf("%s: Validate = %v", c.field, err)
		}
	}
	if err := base.Validate(); err != nil {
		t.Fatal(err)
	}
}
