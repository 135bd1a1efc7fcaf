package quest_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive"
	"github.com/qunkit/qun/incentive/quest"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

var (
	shanghai = qun.MustLoadZone("Asia/Shanghai")
	newYork  = qun.MustLoadZone("America/New_York")
	calSH    = qun.Calendar{Zone: shanghai, WeekStart: time.Monday}
	calNY    = qun.Calendar{Zone: newYork, WeekStart: time.Monday}
	t0       = time.Date(2026, 11, 16, 9, 0, 0, 0, shanghai.Location()) // a Monday
)

func center() quest.Center {
	return quest.Center{Quests: []quest.Quest{
		{
			ID: "newcomer", Ordered: true, Within: qun.Days(7),
			Steps: []quest.Step{
				{ID: "intro", Event: qun.EventFilter{Name: "post", Where: []qun.Condition{{Prop: "topic", Op: qun.OpExact, Values: []string{"introductions"}}}}},
				{ID: "reply", Event: qun.EventFilter{Name: "reply"}, Count: 3},
			},
			Reward: incentive.Reward{Kind: "points", Points: decimal.NewFromInt(50), Badge: "newcomer"},
		},
		{
			ID: "daily-reader", Repeat: quest.Daily, Limit: 3,
			Steps:  []quest.Step{{ID: "read", Event: qun.EventFilter{Name: "read"}, Count: 2}},
			Reward: incentive.Reward{Kind: "points", Points: decimal.NewFromInt(10)},
		},
		{
			ID: "weekly-voice", Repeat: quest.Weekly,
			Steps: []quest.Step{
				{ID: "post", Event: qun.EventFilter{Name: "post"}},
				{ID: "like", Event: qun.EventFilter{Name: "like"}, Count: 2},
			},
			Reward: incentive.Reward{Kind: "points", Points: decimal.NewFromInt(30)},
		},
		{
			ID: "challenge", Enroll: true, Within: qun.Days(3),
			Steps:  []quest.Step{{ID: "post", Event: qun.EventFilter{Name: "post"}, Count: 2, Within: qun.Days(1)}},
			Reward: incentive.Reward{Badge: "challenger"},
		},
	}}
}

func compile(t rapid.TB) *quest.Engine {
	t.Helper()
	e, err := quest.Compile(center())
	if err != nil {
		t.Fatal(err)
	}
	return e
}

var seq int

func ev(name string, at time.Time, props ...string) qun.Event {
	seq++
	e := qun.Event{ID: fmt.Sprint("e", seq), Member: "lin", Name: name, Time: at}
	for i := 0; i < len(props); i += 2 {
		if e.Props == nil {
			e.Props = map[string]string{}
		}
		e.Props[props[i]] = props[i+1]
	}
	return e
}

// summary writes a decision as one line.
func summary(d quest.Decision) string {
	s := ""
	for _, a := range d.Steps {
		s += fmt.Sprintf("%s.%s %d/%d ", a.Quest, a.Step, a.Count, a.Target)
	}
	for _, c := range d.Completed {
		s += fmt.Sprintf("done %s #%d ", c.Quest, c.Number)
	}
	for _, f := range d.Failed {
		s += "failed " + f + " "
	}
	for _, f := range d.Duplicates {
		s += "dup " + f + " "
	}
	for _, p := range d.Payouts {
		s += "pays " + p.Key + " "
	}
	return s
}

func TestOrderedQuest(t *testing.T) {
	e := compile(t)
	var ps []quest.Progress
	var got []string
	replay := ev("reply", t0.Add(3*time.Hour))
	for _, x := range []qun.Event{
		ev("reply", t0), // before the intro: ordered, counts nothing
		ev("post", t0.Add(time.Hour), "topic", "wine"), // not the introductions
		ev("post", t0.Add(2*time.Hour), "topic", "introductions"),
		replay, replay, // a replay counts once
		ev("reply", t0.Add(4*time.Hour)),
		ev("reply", t0.Add(5*time.Hour)),
		ev("reply", t0.Add(6*time.Hour)), // done already
	} {
		var d quest.Decision
		var err error
		ps, d, err = e.Apply(ps, x, calSH)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, summary(d))
	}
	want := []string{
		"",
		"weekly-voice.post 1/1 ",
		"newcomer.intro 1/1 ",
		"newcomer.reply 1/3 ",
		"dup newcomer ",
		"newcomer.reply 2/3 ",
		"newcomer.reply 3/3 done newcomer #1 pays quest/newcomer/1 ",
		"",
	}
	if diff := gocmp.Diff(want, got); diff != "" {
		t.Errorf("decisions (-want +got):\n%s", diff)
	}
}

func TestDeadline(t *testing.T) {
	e := compile(t)
	ps, _, _ := e.Apply(nil, ev("post", t0, "topic", "introductions"), calSH)
	ps, d, _ := e.Apply(ps, ev("reply", t0.Add(8*24*time.Hour)), calSH)
	if summary(d) != "failed newcomer " {
		t.Errorf("after the deadline: %q", summary(d))
	}
	st, _ := e.Status(ps[0], t0.Add(9*24*time.Hour), calSH)
	if st.State != "failed" {
		t.Errorf("status %+v", st)
	}
	// An enrolled challenge: 2 posts within a day of the start.
	if _, d, _ := e.Apply(nil, ev("post", t0), calSH); len(d.Steps) != 1 || d.Steps[0].Quest != "newcomer" && d.Steps[0].Quest != "weekly-voice" {
		t.Errorf("a challenge counts before it is started: %q", summary(d))
	}
	p, err := e.Start("challenge", t0, calSH)
	if err != nil {
		t.Fatal(err)
	}
	ps = []quest.Progress{p}
	ps, d, _ = e.Apply(ps, ev("post", t0.Add(time.Hour)), calSH)
	ps, d, _ = e.Apply(ps, ev("post", t0.Add(25*time.Hour)), calSH)
	// (The first post also completed this week's weekly-voice.)
	if got := summary(d); got != "failed challenge " {
		t.Errorf("a step past its deadline: %q", got)
	}
	if _, err := e.Start("nope", t0, calSH); !errors.Is(err, quest.ErrUnknownQuest) || !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("unknown quest: %v", err)
	}
}

// TestDailyReset: a daily quest starts afresh at the member's local
// midnight, and stops at its limit.
func TestDailyReset(t *testing.T) {
	e := compile(t)
	for _, tc := range []struct {
		cal       qun.Calendar
		completes int
	}{
		// 23:00 and 01:00 Shanghai are two days; in New York (10:00 and
		// 12:00) one.
		{calSH, 2},
		{calNY, 1},
	} {
		var ps []quest.Progress
		n := 0
		day1 := time.Date(2026, 11, 16, 23, 0, 0, 0, shanghai.Location())
		for _, at := range []time.Time{day1, day1.Add(10 * time.Minute), day1.Add(2 * time.Hour), day1.Add(2*time.Hour + 10*time.Minute)} {
			var d quest.Decision
			ps, d, _ = e.Apply(ps, ev("read", at), tc.cal)
			n += len(d.Completed)
		}
		if n != tc.completes {
			t.Errorf("%s: %d completions, want %d", tc.cal.Zone, n, tc.completes)
		}
	}
	var ps []quest.Progress
	keys := map[string]bool{}
	for day := range 5 {
		for i := range 2 {
			var d quest.Decision
			ps, d, _ = e.Apply(ps, ev("read", t0.AddDate(0, 0, day).Add(time.Duration(i)*time.Minute)), calSH)
			for _, p := range d.Payouts {
				keys[p.Key] = true
			}
		}
	}
	if len(keys) != 3 || !keys["quest/daily-reader/2026-11-18"] {
		t.Errorf("payouts %v: want three, one a day", keys)
	}
	st, _ := e.Status(ps[0], t0.AddDate(0, 0, 5), calSH)
	if st.State != "exhausted" {
		t.Errorf("status after the limit: %+v", st)
	}
}

func TestWeeklyReset(t *testing.T) {
	e := compile(t)
	sunday := time.Date(2026, 11, 22, 22, 0, 0, 0, shanghai.Location())
	ps, _, _ := e.Apply(nil, ev("post", sunday), calSH)
	ps, _, _ = e.Apply(ps, ev("like", sunday.Add(time.Minute)), calSH)
	// Monday: a new week; the post of last week no longer counts.
	ps, d, _ := e.Apply(ps, ev("like", sunday.Add(3*time.Hour)), calSH)
	if got := summary(d); got != "weekly-voice.like 1/2 " {
		t.Errorf("monday: %q", got)
	}
	st, _ := e.Status(progressOf(ps, "weekly-voice"), sunday.Add(4*time.Hour), calSH)
	if st.State != "active" || st.Steps[0].Count != 0 || st.Steps[1].Count != 1 || !st.Deadline.Equal(time.Date(2026, 11, 30, 0, 0, 0, 0, shanghai.Location())) {
		t.Errorf("status %+v", st)
	}
}

func progressOf(ps []quest.Progress, id string) quest.Progress {
	for _, p := range ps {
		if p.Quest == id {
			return p
		}
	}
	return quest.Progress{Quest: id}
}

// TestProgressBounded: whatever events come, in time order, no step counts
// past its target, a quest that does not repeat completes at most once, a
// repeating one at most once a period and within its limit, and every
// completion pays once.
func TestProgressBounded(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		e := compile(t)
		c := center()
		var ps []quest.Progress
		if rapid.Bool().Draw(t, "enrolled") {
			p, _ := e.Start("challenge", t0, calSH)
			ps = append(ps, p)
		}
		at := t0
		keys := map[string]bool{}
		completions := map[string]int{}
		for range rapid.IntRange(0, 60).Draw(t, "events") {
			at = at.Add(time.Duration(rapid.IntRange(0, 600).Draw(t, "minutes")) * time.Minute)
			name := rapid.SampledFrom([]string{"post", "reply", "read", "like"}).Draw(t, "name")
			x := ev(name, at, "topic", rapid.SampledFrom([]string{"introductions", "wine"}).Draw(t, "topic"))
			if rapid.IntRange(0, 5).Draw(t, "replay") == 0 {
				x.ID = "replayed"
			}
			var d quest.Decision
			var err error
			ps, d, err = e.Apply(ps, x, calSH)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range d.Payouts {
				if keys[p.Key] {
					t.Fatalf("paid %s twice", p.Key)
				}
				keys[p.Key] = true
			}
			for _, cpl := range d.Completed {
				completions[cpl.Quest]++
			}
			for _, a := range d.Steps {
				if a.Count < 1 || a.Count > a.Target {
					t.Fatalf("%s step %s advanced to %d of %d", a.Quest, a.Step, a.Count, a.Target)
				}
			}
		}
		for _, p := range ps {
			var q quest.Quest
			for _, x := range c.Quests {
				if x.ID == p.Quest {
					q = x
				}
			}
			for i, s := range q.Steps {
				if p.Counts[i] > max(s.Count, 1) || p.Counts[i] < 0 {
					t.Fatalf("%s step %s counts %d of %d", q.ID, s.ID, p.Counts[i], max(s.Count, 1))
				}
			}
			if p.Completions != completions[q.ID] {
				t.Fatalf("%s: %d completions recorded, %d decided", q.ID, p.Completions, completions[q.ID])
			}
			switch {
			case q.Repeat == quest.Once && p.Completions > 1:
				t.Fatalf("%s completed %d times", q.ID, p.Completions)
			case q.Limit > 0 && p.Completions > q.Limit:
				t.Fatalf("%s completed %d times, limit %d", q.ID, p.Completions, q.Limit)
			}
		}
		if len(keys) != completions["newcomer"]+completions["daily-reader"]+completions["weekly-voice"]+completions["challenge"] {
			t.Fatalf("%d payouts for %v completions", len(keys), completions)
		}
	})
}

func TestCenterJSON(t *testing.T) {
	c := center()
	data, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	back, err := quest.Parse(data)
	if err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	if diff := gocmp.Diff(c, back, gocmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) })); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	for _, tc := range []struct{ json, field string }{
		{`{"quests":[{"id":"q","steps":[],"reward":{"badge":"b"}}]}`, "quests[0].steps"},
		{`{"quests":[{"id":"q","steps":[{"id":"s","event":{"name":"x"},"count":10001}],"reward":{"badge":"b"}}]}`, "quests[0].steps[0].count"},
		{`{"quests":[{"id":"q","steps":[{"id":"s","event":{"name":"x"}}],"reward":{"badge":"b"},"limit":2}]}`, "quests[0].limit"},
		{`{"quests":[{"id":"q","steps":[{"id":"s","event":{"name":"x"}}],"reward":{"badge":"b"},"repeat":"hourly"}]}`, "quests[0].repeat"},
		{`{"quests":[{"id":"q","steps":[{"id":"s","event":{"name":"x"},"within":"2d"}],"within":"1d","reward":{"badge":"b"}}]}`, "quests[0].steps[0].within"},
		{`{"quests":[{"id":"q","steps":[{"id":"s","event":{"name":"x"}}],"reward":{}}]}`, "quests[0].reward"},
		{`{"quests":[{"id":"q","steps":[{"id":"s","event":{"name":"x"}}],"reward":{"badge":"b"}},{"id":"q","steps":[{"id":"s","event":{"name":"x"}}],"reward":{"badge":"b"}}]}`, "quests[1].id"},
		{`{"quests":[{"id":"q","step":[]}]}`, "quests[0].step"},
	} {
		_, err := quest.Parse([]byte(tc.json))
		var ve *qun.ValidationError
		if !errors.As(err, &ve) || ve.Field != tc.field {
			t.Errorf("%s: %v, want an error at %q", tc.json, err, tc.field)
		}
	}
	e := compile(t)
	ps, _, _ := e.Apply(nil, ev("read", t0), calSH)
	data, _ = json.Marshal(ps)
	var pb []quest.Progress
	if err := json.Unmarshal(data, &pb); err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	if diff := gocmp.Diff(ps, pb); diff != "" {
		t.Errorf("progress round trip (-want +got):\n%s", diff)
	}
}

func FuzzParse(f *testing.F) {
	data, _ := json.Marshal(center())
	f.Add(data)
	f.Add([]byte(`{"quests":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := quest.Parse(data)
		if err != nil {
			if !errors.Is(err, qun.ErrInvalid) {
				t.Fatalf("error %v does not match qun.ErrInvalid", err)
			}
			return
		}
		e, err := quest.Compile(c)
		if err != nil {
			t.Fatalf("Compile refuses a parsed center: %v", err)
		}
		for _, q := range c.Quests {
			if _, _, err := e.Apply(nil, qun.Event{Member: "m", Name: q.Steps[0].Event.Name, Time: t0}, calSH); err != nil {
				t.Fatal(err)
			}
		}
		out, _ := json.Marshal(c)
		if _, err := quest.Parse(out); err != nil {
			t.Fatalf("a written center does not read back: %v\n%s", err, out)
		}
	})
}

// FuzzProgress reads progress as a host's storage might hold it, and
// applies events to it: no panic, and no count past its target.
func FuzzProgress(f *testing.F) {
	f.Add([]byte(`[{"quest":"newcomer","started":"2026-11-16T09:00:00+08:00","counts":[1,2],"seen":["e1"]}]`))
	f.Add([]byte(`[{"quest":"daily-reader","period":"2026-11-16","counts":[7,7,7],"completions":-2}]`))
	f.Add([]byte(`[{"quest":"weekly-voice","period":"2026-11-16/P1W","counts":[-5,99],"done":true}]`))
	e, _ := quest.Compile(center())
	f.Fuzz(func(t *testing.T, data []byte) {
		var ps []quest.Progress
		if err := json.Unmarshal(data, &ps); err != nil {
			return
		}
		for _, name := range []string{"post", "reply", "read", "like"} {
			var err error
			ps, _, err = e.Apply(ps, qun.Event{ID: name, Member: "m", Name: name, Time: t0.Add(time.Hour)}, calSH)
			if err != nil {
				t.Fatal(err)
			}
		}
		for _, p := range ps {
			st, err := e.Status(p, t0.Add(time.Hour), calSH)
			if err != nil {
				continue // a quest the center does not have
			}
			for _, a := range st.Steps {
				if a.Count < 0 || a.Count > a.Target {
					t.Fatalf("%s step %s: count %d of %d", a.Quest, a.Step, a.Count, a.Target)
				}
			}
		}
	})
}
