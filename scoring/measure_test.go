package scoring_test

import (
	"cmp"
	"encoding/json"
	"errors"
	"slices"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/qunkit/qun"
	"github.com/qunkit/qun/scoring"
	"pgregory.net/rapid"
)

func withProps(e qun.Event, kv ...string) qun.Event {
	e.Props = map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		e.Props[kv[i]] = kv[i+1]
	}
	return e
}

var measureRules = scoring.MeasureRules{
	Participation: []scoring.Rule{
		{Name: "posts", Event: qun.EventFilter{Name: "post"}, Weight: 2, Window: qun.Days(30)},
		{Name: "check-ins", Event: qun.EventFilter{Name: "check_in"}, Weight: 1, Window: qun.Days(7), Max: 3},
	},
	Contribution: []scoring.Rule{
		{Name: "replies received", Event: qun.EventFilter{Name: "reply"}, Credit: "to", Weight: 3, Window: qun.Days(30)},
		{Name: "likes received", Event: qun.EventFilter{Name: "like"}, Credit: "author", Weight: 0.5},
		{Name: "answers accepted", Event: qun.EventFilter{Name: "accept_answer"}, Credit: "answerer", Weight: 10},
		{Name: "invitations joined", Event: qun.EventFilter{Name: "join"}, Credit: "inviter", Weight: 5},
	},
}

func TestMeasure(t *testing.T) {
	m, err := measureRules.Compile()
	if err != nil {
		t.Fatal(err)
	}
	now := t0.Add(day(40))
	events := []qun.Event{
		ev("ann", "post", now.Add(-day(1))),
		ev("ann", "post", now.Add(-day(31))), // outside the window
		ev("ann", "post", now.Add(day(1))),   // after now
		ev("ann", "check_in", now.Add(-day(1))),
		ev("ann", "check_in", now.Add(-day(2))),
		ev("ann", "check_in", now.Add(-day(3))),
		ev("ann", "check_in", now.Add(-day(4))), // beyond Max 3
		withProps(ev("bob", "reply", now.Add(-day(2))), "to", "ann"),
		withProps(ev("cat", "reply", now.Add(-day(3))), "to", "ann"),
		withProps(ev("ann", "like", now.Add(-day(3))), "author", "ann"), // self-like
		withProps(ev("bob", "like", now.Add(-day(300))), "author", "ann"),
		withProps(ev("bob", "like", now.Add(-day(3))), "writer", "ann"), // no author
		withProps(ev("cat", "accept_answer", now.Add(-day(9))), "answerer", "bob"),
		withProps(ev("dan", "join", now.Add(-day(9))), "inviter", "bob"),
		ev("bob", "post", now.Add(-day(5))),
	}
	got := m.Measure(slices.Values(events), now)
	want := []scoring.Standing{
		{
			Member: "ann",
			Participation: scoring.Tally{Value: 5, Terms: []scoring.Term{
				{Name: "check-ins", Count: 3, Weight: 1, Value: 3},
				{Name: "posts", Count: 1, Weight: 2, Value: 2},
			}},
			Contribution: scoring.Tally{Value: 6.5, Terms: []scoring.Term{
				{Name: "replies received", Count: 2, Weight: 3, Value: 6},
				{Name: "likes received", Count: 1, Weight: 0.5, Value: 0.5},
			}},
		},
		{
			Member:        "bob",
			Participation: scoring.Tally{Value: 2, Terms: []scoring.Term{{Name: "posts", Count: 1, Weight: 2, Value: 2}}},
			Contribution: scoring.Tally{Value: 15, Terms: []scoring.Term{
				{Name: "answers accepted", Count: 1, Weight: 10, Value: 10},
				{Name: "invitations joined", Count: 1, Weight: 5, Value: 5},
			}},
		},
	}
	if diff := gocmp.Diff(want, got); diff != "" {
		t.Errorf("Measure (-want +got):\n%s", diff)
	}
}

func TestMeasureRulesValidate(t *testing.T) {
	bad := scoring.MeasureRules{
		Participation: []scoring.Rule{
			{Name: "posts", Event: qun.EventFilter{Name: "post"}, Credit: "to", Weight: 1},
			{Name: "posts", Event: qun.EventFilter{Name: "post"}, Weight: 1, Window: -1, Max: -1},
		},
		Contribution: []scoring.Rule{{Name: "", Event: qun.EventFilter{Name: "like"}}},
	}
	want := []string{
		"participation[0].credit",
		"participation[1].window", "participation[1].max", "participation[1].name",
		"contribution[0].name", "contribution[0].credit",
	}
	err := bad.Validate()
	if diff := gocmp.Diff(want, fields(err)); diff != "" {
		t.Errorf("fields (-want +got):\n%s\n%v", diff, err)
	}
	if err := (scoring.MeasureRules{}).Validate(); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("empty rules: %v", err)
	}
	data, _ := json.Marshal(measureRules)
	var back scoring.MeasureRules
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if diff := gocmp.Diff(measureRules, back); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

func TestIntentLeads(t *testing.T) {
	rules := scoring.IntentRules{
		Signals: []scoring.Rule{
			{Name: "viewed a product", Event: qun.EventFilter{Name: "view_product"}, Weight: 1, Window: qun.Days(14), Max: 5},
			{Name: "asked the price", Event: qun.EventFilter{Name: "ask_price"}, Weight: 4, Window: qun.Days(14), Max: 1},
			{Name: "finished a course", Event: qun.EventFilter{Name: "finish_course"}, Weight: 3},
		},
		Engaged: &scoring.EngagedSignal{Threshold: 20, Weight: 3},
	}
	in, err := rules.Compile()
	if err != nil {
		t.Fatal(err)
	}
	now := t0.Add(day(30))
	var events []qun.Event
	for range 8 {
		events = append(events, ev("ann", "view_product", now.Add(-day(1))))
	}
	events = append(events,
		ev("ann", "ask_price", now.Add(-day(2))), ev("ann", "ask_price", now.Add(-day(3))),
		ev("bob", "finish_course", now.Add(-day(20))), ev("bob", "view_product", now.Add(-day(20))),
		ev("cat", "finish_course", now.Add(-day(2))), ev("cat", "view_product", now.Add(-day(1))),
		ev("dan", "join", now.Add(-day(1))),
	)
	engagement := map[qun.MemberID]float64{"bob": 25, "eve": 40, "dan": 5}
	got := in.Leads(slices.Values(events), engagement, now, 3)
	want := []scoring.Lead{
		{Member: "ann", Intent: 9, Signals: []scoring.Term{
			{Name: "viewed a product", Count: 5, Weight: 1, Value: 5},
			{Name: "asked the price", Count: 1, Weight: 4, Value: 4},
		}},
		{Member: "bob", Intent: 6, Signals: []scoring.Term{
			{Name: "finished a course", Count: 1, Weight: 3, Value: 3},
			{Name: "high engagement", Count: 1, Weight: 3, Value: 3},
		}},
		{Member: "cat", Intent: 4, Signals: []scoring.Term{
			{Name: "finished a course", Count: 1, Weight: 3, Value: 3},
			{Name: "viewed a product", Count: 1, Weight: 1, Value: 1},
		}},
	}
	if diff := gocmp.Diff(want, got); diff != "" {
		t.Errorf("Leads (-want +got):\n%s", diff)
	}
	all := in.Leads(slices.Values(events), engagement, now, 0)
	if len(all) != 4 || all[3].Member != "eve" {
		t.Errorf("all leads: %+v", all)
	}
}

// Top keeps the k best items, in order, whatever the input order.
func TestTop(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		items := rapid.SliceOf(rapid.IntRange(-20, 20)).Draw(t, "items")
		k := rapid.IntRange(-1, 30).Draw(t, "k")
		got := scoring.Top(slices.Values(items), k, cmp.Compare[int])
		sorted := slices.Sorted(slices.Values(items))
		want := sorted[:max(0, min(k, len(sorted)))]
		if len(want) == 0 {
			want = nil
		}
		if diff := gocmp.Diff(want, got); diff != "" {
			t.Fatalf("Top(%v, %d) (-want +got):\n%s", items, k, diff)
		}
	})
}

func FuzzMeasureRulesJSON(f *testing.F) {
	data, _ := json.Marshal(measureRules)
	f.Add(data)
	f.Add([]byte(`{"participation":[{"name":"p","event":{"name":"post"},"credit":"to","weight":1}]}`))
	f.Add([]byte(`{"contribution":[{"name":"c","event":{"name":"like"},"credit":"author","weight":1,"window":"x"}]}`))
	fuzzConfig[scoring.MeasureRules](f)
}

func FuzzIntentRulesJSON(f *testing.F) {
	f.Add([]byte(`{"signals":[{"name":"viewed a product","event":{"name":"view_product"},"weight":1,"window":"14d","max":5}],"engaged":{"threshold":20,"weight":3}}`))
	f.Add([]byte(`{"signals":[],"engaged":{"threshold":1e999,"weight":3}}`))
	fuzzConfig[scoring.IntentRules](f)
}
