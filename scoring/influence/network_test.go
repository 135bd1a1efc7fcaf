package influence_test

import (
	"encoding/json"
	"errors"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/qunkit/qun"
	"github.com/qunkit/qun/scoring/influence"
)

var t0 = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

func ev(member, name string, at time.Time, kv ...string) qun.Event {
	e := qun.Event{Member: qun.MemberID(member), Name: name, Time: at}
	if len(kv) > 0 {
		e.Props = map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			e.Props[kv[i]] = kv[i+1]
		}
	}
	return e
}

var graphRules = influence.GraphRules{
	Interactions: []influence.Interaction{
		{Event: qun.EventFilter{Name: "reply"}, With: "to", Weight: 10},
		{Event: qun.EventFilter{Name: "mention"}, With: "mentioned", Weight: 10},
		{Event: qun.EventFilter{Name: "invite"}, With: "invitee", Credits: "actor", Weight: 10},
	},
	Gatherings: []influence.Gathering{{Event: qun.EventFilter{Name: "attend"}, Place: "meetup", Weight: 1}},
}

func TestNetwork(t *testing.T) {
	month := 30 * 24 * time.Hour
	events := []qun.Event{
		ev("ann", "reply", t0, "to", "bob"),
		ev("bob", "reply", t0.Add(month), "to", "ann"),
		ev("ann", "invite", t0, "invitee", "cat"),
		ev("ann", "reply", t0, "to", "ann"),       // to oneself
		ev("ann", "reply", t0),                    // to no one
		ev("ann", "mention", t0, "mentioned", ""), // to an invalid ID
		ev("dan", "attend", t0, "meetup", "m1"),
		ev("cat", "attend", t0.Add(time.Hour), "meetup", "m1"),
		ev("eve", "attend", t0, "meetup", "m2"), // alone
	}
	n, err := influence.NewNetwork(graphRules, slices.Values(events))
	if err != nil {
		t.Fatal(err)
	}
	want := []influence.Link{
		{From: "ann", To: "bob", Weight: 10, Count: 1, Last: t0},
		{From: "bob", To: "ann", Weight: 10, Count: 1, Last: t0.Add(month)},
		{From: "cat", To: "ann", Weight: 10, Count: 1, Last: t0},
		{From: "cat", To: "dan", Weight: 1, Count: 1, Last: t0.Add(time.Hour)},
		{From: "dan", To: "cat", Weight: 1, Count: 1, Last: t0.Add(time.Hour)},
	}
	got := slices.Collect(n.Links())
	slices.SortFunc(got, func(a, b influence.Link) int {
		if a.From != b.From {
			return map[bool]int{true: -1, false: 1}[a.From < b.From]
		}
		return map[bool]int{true: -1, false: 1}[a.To < b.To]
	})
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("links (-want +got):\n%s", diff)
	}
	// Three months after bob's reply: ann–bob (20) idled three months,
	// ann–cat (10) and cat–dan (2) four. Eve was at a meetup alone: she
	// has no connection, so she is no member of the network.
	now := t0.Add(4*month + time.Hour)
	reach := n.Reach(now)
	wantReach := []influence.Reach{
		{Member: "ann", Reach: 20*math.Pow(0.9, 3) + 10*math.Pow(0.9, 4), Connections: 2},
		{Member: "bob", Reach: 20 * math.Pow(0.9, 3), Connections: 1},
		{Member: "cat", Reach: 10*math.Pow(0.9, 4) + 2*math.Pow(0.9, 4), Connections: 2},
		{Member: "dan", Reach: 2 * math.Pow(0.9, 4), Connections: 1},
	}
	if diff := cmp.Diff(wantReach, reach, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
		t.Errorf("reach (-want +got):\n%s", diff)
	}
	// Four members, three connections of six possible.
	if got := n.Density(); math.Abs(got-0.5) > 1e-12 {
		t.Errorf("density %v, want 0.5", got)
	}
}

// Orbit's example: a connection of strength 7 idle for three months is
// 5.1 (7 × 0.9³), for twelve 1.98 (7 × 0.9¹²; Orbit's page rounds it down
// to 1.9).
func TestReachIdleDecayOrbit(t *testing.T) {
	rules := influence.GraphRules{Interactions: []influence.Interaction{{Event: qun.EventFilter{Name: "reply"}, With: "to", Weight: 7}}}
	n, err := influence.NewNetwork(rules, slices.Values([]qun.Event{ev("jennifer", "reply", t0, "to", "tony")}))
	if err != nil {
		t.Fatal(err)
	}
	month := 30 * 24 * time.Hour
	for _, tc := range []struct {
		idle time.Duration
		want float64
	}{{0, 7}, {3*month - time.Hour, 7 * 0.81}, {3 * month, 5.103}, {12 * month, 1.977}} {
		if got := n.Reach(t0.Add(tc.idle))[0].Reach; math.Abs(got-tc.want) > 0.005 {
			t.Errorf("after %v: %v, want %v", tc.idle, got, tc.want)
		}
	}
	// Orbit's density example: 5 members, 6 connections, 60%.
	var events []qun.Event
	for _, p := range [][2]string{{"a", "b"}, {"a", "c"}, {"a", "d"}, {"b", "c"}, {"c", "d"}, {"d", "e"}} {
		events = append(events, ev(p[0], "reply", t0, "to", p[1]), ev(p[1], "reply", t0, "to", p[0]))
	}
	n, _ = influence.NewNetwork(rules, slices.Values(events))
	if got := n.Density(); math.Abs(got-0.6) > 1e-12 {
		t.Errorf("density %v, want 0.6", got)
	}
}

func TestKOLs(t *testing.T) {
	var events []qun.Event
	// Everyone replies to "sommelier" about wine, and to "brewer" about
	// beer; "host" (staff) is replied to most of all. The repliers tie,
	// and the first by ID comes second.
	for i, m := range []string{"a", "b", "c", "d", "e", "f"} {
		at := t0.Add(time.Duration(i) * time.Hour)
		events = append(events,
			ev(m, "reply", at, "to", "sommelier", "topic", "wine"),
			ev(m, "reply", at, "to", "host", "topic", "wine"),
			ev(m, "reply", at, "to", "host", "topic", "beer"),
			ev(m, "reply", at, "to", "brewer", "topic", "beer"),
		)
	}
	rules := influence.KOLRules{
		Topic: &qun.Condition{Prop: "topic", Op: qun.OpExact, Values: []string{"wine"}},
		N:     2,
		Staff: []qun.MemberID{"host"},
	}
	got, err := influence.FindKOLs(graphRules, rules, slices.Values(events))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Member != "sommelier" || got[0].Rank != 1 || got[0].Followers != 6 || got[0].Strength != 60 ||
		got[1].Member != "a" || got[1].Rank != 2 {
		t.Errorf("wine KOLs: %+v", got)
	}
	rules.Topic.Values = []string{"beer"}
	got, err = influence.FindKOLs(graphRules, rules, slices.Values(events))
	if err != nil || got[0].Member != "brewer" {
		t.Errorf("beer KOLs: %+v, %v", got, err)
	}
	if _, err := influence.FindKOLs(graphRules, influence.KOLRules{N: -1}, slices.Values(events)); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("invalid rules: %v", err)
	}
}

func TestGraphRulesValidate(t *testing.T) {
	bad := influence.GraphRules{
		Interactions: []influence.Interaction{{Event: qun.EventFilter{Name: "reply"}, With: "", Credits: "both", Weight: 0}},
		Gatherings:   []influence.Gathering{{Event: qun.EventFilter{Name: ""}, Place: "meetup", Weight: math.Inf(1)}},
		MaxGathering: -1, IdleDecay: 1.5, IdlePeriod: -1,
	}
	want := []string{
		"interactions[0].with", "interactions[0].credits", "interactions[0].weight",
		"gatherings[0].event.name", "gatherings[0].weight", "max_gathering", "idle_decay", "idle_period",
	}
	if diff := cmp.Diff(want, fields(bad.Validate())); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
	if _, err := influence.NewNetwork(bad, nil); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("NewNetwork of bad rules: %v", err)
	}
}

func fields(err error) []string {
	var out []string
	for _, ve := range qun.ValidationErrors(err) {
		out = append(out, ve.Field)
	}
	return out
}

func FuzzGraphRulesJSON(f *testing.F) {
	data, _ := json.Marshal(graphRules)
	f.Add(data)
	f.Add([]byte(`{"interactions":[{"event":{"name":"reply"},"with":"to","weight":-1}],"idle_decay":2}`))
	fuzzConfig[influence.GraphRules](f)
}

func FuzzKOLRulesJSON(f *testing.F) {
	f.Add([]byte(`{"topic":{"prop":"topic","op":"exact","values":["italian_wine"]},"n":100,"staff":["u-ops-1"],"pagerank":{"damping":0.85}}`))
	f.Add([]byte(`{"topic":{"prop":"topic","op":"gt","values":["x"]},"n":-1,"staff":[""]}`))
	fuzzConfig[influence.KOLRules](f)
}

func FuzzPageRankJSON(f *testing.F) {
	f.Add([]byte(`{"damping":0.85,"tolerance":1e-6,"max_iterations":100}`))
	f.Add([]byte(`{"damping":1}`))
	fuzzConfig[influence.PageRank](f)
}

// fuzzConfig checks a JSON configuration decoder: it never panics, refuses
// with errors that match qun.ErrInvalid, and what it accepts is valid and
// round-trips.
func fuzzConfig[T interface{ Validate() error }](f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		var v T
		err := json.Unmarshal(data, &v)
		if err != nil {
			var syn *json.SyntaxError
			if !errors.Is(err, qun.ErrInvalid) && !errors.As(err, &syn) {
				t.Fatalf("Unmarshal(%q) = %v: neither ErrInvalid nor a syntax error", data, err)
			}
			return
		}
		if err := v.Validate(); err != nil {
			t.Fatalf("Unmarshal(%q) accepted an invalid value: %v", data, err)
		}
		out, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("Marshal after Unmarshal(%q): %v", data, err)
		}
		var back T
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("round trip of %s: %v", out, err)
		}
		again, _ := json.Marshal(back)
		if string(again) != string(out) {
			t.Fatalf("round trip changed %s into %s", out, again)
		}
	})
}
