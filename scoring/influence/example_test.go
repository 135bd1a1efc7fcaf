package influence_test

import (
	"fmt"
	"time"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/scoring/influence"
)

// The top 100 KOL candidates (意见领袖) on Italian wine in a small
// community of 300 members: everyone asks one of five sommeliers, replies
// to one of twenty helpful members, and mentions the community host, who
// is staff and so no candidate. The sommeliers defer to the first of
// them, and two of the helpers answer each other, which lifts them above
// the other helpers; talk about beer does not count.
func ExampleFindKOLs() {
	rules := influence.GraphRules{
		Interactions: []influence.Interaction{
			{Event: qun.EventFilter{Name: "reply"}, With: "to", Weight: 10},
			{Event: qun.EventFilter{Name: "mention"}, With: "mentioned", Weight: 5},
		},
	}
	start := time.Date(2026, 11, 1, 20, 0, 0, 0, time.UTC)
	var events []qun.Event
	member := func(i int) qun.MemberID { return qun.MemberID(fmt.Sprintf("m%03d", i)) }
	for i := range 300 {
		at := start.Add(time.Duration(i) * time.Minute)
		events = append(events,
			qun.Event{Member: member(i), Name: "reply", Time: at, Props: map[string]string{"topic": "italian_wine", "to": fmt.Sprintf("sommelier-%d", i%5)}},
			qun.Event{Member: member(i), Name: "reply", Time: at, Props: map[string]string{"topic": "italian_wine", "to": string(member(i % 20 * 15))}},
			qun.Event{Member: member(i), Name: "mention", Time: at, Props: map[string]string{"topic": "italian_wine", "mentioned": "host"}},
			qun.Event{Member: member(i), Name: "reply", Time: at, Props: map[string]string{"topic": "beer", "to": "brewer"}},
		)
	}
	for s := 1; s < 5; s++ {
		events = append(events, qun.Event{Member: qun.MemberID(fmt.Sprintf("sommelier-%d", s)), Name: "reply", Time: start,
			Props: map[string]string{"topic": "italian_wine", "to": "sommelier-0"}})
	}
	kols, err := influence.FindKOLs(rules, influence.KOLRules{
		Topic: &qun.Condition{Prop: "topic", Op: qun.OpExact, Values: []string{"italian_wine"}},
		N:     100,
		Staff: []qun.MemberID{"host"},
	}, func(yield func(qun.Event) bool) {
		for _, e := range events {
			if !yield(e) {
				return
			}
		}
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(kols), "candidates")
	for _, k := range kols[:7] {
		fmt.Printf("%3d %-12s influence %.4f, %d followers\n", k.Rank, k.Member, k.Influence, k.Followers)
	}
	// Output:
	// 100 candidates
	//   1 sommelier-0  influence 0.1963, 64 followers
	//   2 sommelier-1  influence 0.0284, 60 followers
	//   3 sommelier-2  influence 0.0284, 60 followers
	//   4 sommelier-3  influence 0.0284, 60 followers
	//   5 sommelier-4  influence 0.0284, 60 followers
	//   6 m075         influence 0.0255, 15 followers
	//   7 m225         influence 0.0255, 15 followers
}

// A community's network: who credits whom, each member's reach, the
// network's density, and PageRank influence.
func Example() {
	rules := influence.GraphRules{
		Interactions: []influence.Interaction{
			{Event: qun.EventFilter{Name: "reply"}, With: "to", Weight: 10},
			{Event: qun.EventFilter{Name: "invite"}, With: "invitee", Credits: "actor", Weight: 10},
		},
		Gatherings: []influence.Gathering{{Event: qun.EventFilter{Name: "attend"}, Place: "tasting", Weight: 1}},
	}
	t := time.Date(2026, 8, 1, 19, 0, 0, 0, time.UTC)
	events := []qun.Event{
		{Member: "ann", Name: "invite", Time: t, Props: map[string]string{"invitee": "bo"}},
		{Member: "bo", Name: "reply", Time: t.AddDate(0, 1, 0), Props: map[string]string{"to": "ann"}},
		{Member: "cy", Name: "reply", Time: t.AddDate(0, 2, 0), Props: map[string]string{"to": "ann"}},
		{Member: "bo", Name: "attend", Time: t.AddDate(0, 3, 0), Props: map[string]string{"tasting": "barolo-night"}},
		{Member: "cy", Name: "attend", Time: t.AddDate(0, 3, 0), Props: map[string]string{"tasting": "barolo-night"}},
	}
	network, err := influence.NewNetwork(rules, func(yield func(qun.Event) bool) {
		for _, e := range events {
			if !yield(e) {
				return
			}
		}
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	now := t.AddDate(0, 4, 0)
	for _, r := range network.Reach(now) {
		fmt.Printf("%-3s reach %5.2f over %d connections\n", r.Member, r.Reach, r.Connections)
	}
	fmt.Printf("density %.2f\n", network.Density())
	ranking, err := influence.PageRank{}.Rank(network.Graph())
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, m := range network.Members {
		fmt.Printf("%-3s influence %.3f\n", m, ranking.Scores[i])
	}
	// Output:
	// ann reach 22.68 over 2 connections
	// bo  reach 16.38 over 2 connections
	// cy  reach  9.90 over 2 connections
	// density 1.00
	// ann influence 0.558
	// bo  influence 0.225
	// cy  influence 0.217
}

// Orbit levels from love, and the community's gravity from one census to
// the next.
func ExampleOrbit_Place() {
	orbit, err := influence.OrbitRules{
		Calendar: qun.Calendar{Zone: qun.MustLoadZone("Asia/Shanghai"), WeekStart: time.Monday},
		Activities: []influence.Activity{
			{Event: qun.EventFilter{Name: "read_newsletter"}, Weight: 2},
			{Event: qun.EventFilter{Name: "attend_tasting"}, Weight: 5},
			{Event: qun.EventFilter{Name: "host_tasting"}, Weight: 10},
		},
	}.Compile()
	if err != nil {
		fmt.Println(err)
		return
	}
	now := time.Date(2026, 11, 22, 21, 0, 0, 0, qun.MustLoadZone("Asia/Shanghai").Location()) // a Sunday
	events := []qun.Event{
		{Member: "u-mei", Name: "attend_tasting", Time: now.AddDate(0, -1, 0)},
		{Member: "u-rui", Name: "host_tasting", Time: now.AddDate(0, -2, 0)},
	}
	// u-lin also read the newsletter on two days of each of the last
	// three weeks.
	for w := range 3 {
		events = append(events,
			qun.Event{Member: "u-lin", Name: "read_newsletter", Time: now.AddDate(0, 0, -7*w)},
			qun.Event{Member: "u-lin", Name: "read_newsletter", Time: now.AddDate(0, 0, -7*w-1)})
	}
	placements := orbit.Place(func(yield func(qun.Event) bool) {
		for _, e := range events {
			if !yield(e) {
				return
			}
		}
	}, now)
	for _, p := range placements {
		fmt.Printf("%s: %v, %s\n", p.Member, p.Level, p.StepName())
	}
	lastMonth := influence.Census{0, 0, 2, 1}
	thisMonth := influence.CensusOf(placements, nil)
	fmt.Printf("census %v, gravity %.1f\n", thisMonth, influence.OrbitGravity().Gravity(lastMonth, thisMonth))
	// Output:
	// u-lin: orbit 3 (participating), Participating I
	// u-mei: orbit 3 (participating), Participating II
	// u-rui: orbit 1 (leading), Leading III
	// census [1 0 2 0], gravity 33.0
}
