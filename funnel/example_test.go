package funnel_test

import (
	"fmt"
	"slices"
	"time"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/funnel"
	"github.com/qunkit/qun/funnel/stats"
)

// A community's onboarding funnel: join the group, post for the first
// time, check in three times (打卡), then buy, within 14 days.
func Example() {
	day := func(d, h int) time.Time { return time.Date(2026, 11, d, h, 0, 0, 0, time.UTC) }
	events := []qun.Event{
		{Member: "lin", Name: "join", Time: day(1, 9)},
		{Member: "lin", Name: "first_post", Time: day(1, 10)},
		{Member: "lin", Name: "check_in", Time: day(2, 7)},
		{Member: "lin", Name: "check_in", Time: day(3, 7)},
		{Member: "lin", Name: "check_in", Time: day(4, 7)},
		{Member: "lin", Name: "purchase", Time: day(5, 20)},
		{Member: "wei", Name: "join", Time: day(1, 12)},
		{Member: "wei", Name: "first_post", Time: day(2, 12)},
		{Member: "wei", Name: "check_in", Time: day(3, 8)},
		{Member: "wei", Name: "check_in", Time: day(6, 8)},
		{Member: "fang", Name: "join", Time: day(2, 18)},
	}
	table, err := funnel.Build(slices.Values(events))
	if err != nil {
		fmt.Println(err)
		return
	}
	f := funnel.Funnel{Steps: []funnel.Step{
		{EventFilter: qun.EventFilter{Name: "join"}},
		{EventFilter: qun.EventFilter{Name: "first_post"}},
		{EventFilter: qun.EventFilter{Name: "check_in"}},
		{EventFilter: qun.EventFilter{Name: "check_in"}},
		{EventFilter: qun.EventFilter{Name: "check_in"}},
		{EventFilter: qun.EventFilter{Name: "purchase"}},
	}}
	q, err := f.Compile()
	if err != nil {
		fmt.Println(err)
		return
	}
	res := q.Run(table, funnel.Range{})
	for i, s := range res.Steps {
		fmt.Printf("%d %-10s %d members  %3.0f%% of joiners  median %v\n", i+1, s.Name, s.Members, 100*s.FromFirst, s.TimeToConvert.Median)
	}
	// Output:
	// 1 join       3 members  100% of joiners  median 0s
	// 2 first_post 2 members   67% of joiners  median 12h30m0s
	// 3 check_in   2 members   67% of joiners  median 20h30m0s
	// 4 check_in   2 members   67% of joiners  median 48h0m0s
	// 5 check_in   1 members   33% of joiners  median 24h0m0s
	// 6 purchase   1 members   33% of joiners  median 37h0m0s
}

// A weekly retention matrix: who joined each week, and who checked in in
// the weeks after, in Shanghai's calendar with weeks from Monday.
func ExampleRetention_Run() {
	shanghai := qun.Calendar{Zone: qun.MustLoadZone("Asia/Shanghai"), WeekStart: time.Monday}
	at := func(d int) time.Time { return time.Date(2026, 11, d, 20, 0, 0, 0, shanghai.Location()) }
	var events []qun.Event
	add := func(member string, join int, checkIns ...int) {
		events = append(events, qun.Event{Member: qun.MemberID(member), Name: "join", Time: at(join)})
		for _, d := range checkIns {
			events = append(events, qun.Event{Member: qun.MemberID(member), Name: "check_in", Time: at(d)})
		}
	}
	add("a", 2, 10, 17, 24)
	add("b", 3, 11)
	add("c", 5)
	add("d", 4, 20)
	add("e", 10, 17, 18)
	add("f", 12, 25)
	add("g", 18)
	table, _ := funnel.Build(slices.Values(events))

	r := funnel.Retention{
		Start:    qun.EventFilter{Name: "join"},
		Return:   qun.EventFilter{Name: "check_in"},
		Grain:    qun.Week,
		Calendar: shanghai,
		Periods:  4,
	}
	res, err := r.Run(table, qun.Date{Year: 2026, Month: 11, Day: 2}, qun.Date{Year: 2026, Month: 11, Day: 23}, time.Time{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range res.Cohorts {
		fmt.Printf("%s  %d joined  ", c.Period.First, c.Size)
		for n := range c.Observed {
			fmt.Printf(" %3.0f%%", 100*c.Rates[n])
		}
		fmt.Println()
	}
	fmt.Print("weighted mean       ")
	for _, p := range res.Curve {
		fmt.Printf(" %3.0f%%", 100*p.Weighted)
	}
	fmt.Println()
	// Output:
	// 2026-11-02  4 joined   100%  50%  50%  25%
	// 2026-11-09  2 joined   100%  50%  50%
	// 2026-11-16  1 joined   100%   0%
	// 2026-11-23  0 joined     0%
	// weighted mean        100%  43%  50%  25%
}

// Planning a fission campaign (裂变活动): 200 seed members, each invitation
// cycle takes two days and loses 5% of members. How viral must the
// campaign be to reach 10,000 members in three weeks, and what does a
// plan of 4 invitations each at 30% conversion give?
func ExampleViral_KFor() {
	plan := funnel.Viral{Invites: 4, Conversion: 0.3, CycleTime: qun.Days(2), Churn: 0.05}
	k, err := plan.KFor(200, 10_000, 21*24*time.Hour)
	if err != nil {
		fmt.Println(err)
		return
	}
	cycles := plan.Cycles(21 * 24 * time.Hour)
	fmt.Printf("%d cycles; K needed: %.3f\n", cycles, k)
	fmt.Printf("plan K %.2f reaches %.0f members\n", plan.K(), plan.Project(200, cycles)[cycles])
	// Output:
	// 10 cycles; K needed: 1.301
	// plan K 1.20 reaches 5489 members
}

// Comparing two welcome flows (A/B): members were split by a member
// property, and the funnel is broken down by it. Is flow B's higher
// conversion to a first post real?
func Example_welcomeFlows() {
	var events []qun.Event
	var profiles []funnel.Profile
	t0 := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	for i := range 2000 {
		member := qun.MemberID(fmt.Sprintf("m%04d", i))
		// Even members see flow A, where 18 in 100 post; odd ones flow B,
		// where 22 in 100 do.
		variant, posts := "A", (i/2)%100 < 18
		if i%2 == 1 {
			variant, posts = "B", (i/2)%100 < 22
		}
		profiles = append(profiles, funnel.Profile{Member: member, Props: map[string]string{"welcome": variant}})
		events = append(events, qun.Event{Member: member, Name: "join", Time: t0})
		if posts {
			events = append(events, qun.Event{Member: member, Name: "first_post", Time: t0.Add(time.Hour)})
		}
	}
	table, _ := funnel.Build(slices.Values(events))
	_ = table.AddProfiles(slices.Values(profiles))
	f := funnel.Funnel{
		Steps:     []funnel.Step{{EventFilter: qun.EventFilter{Name: "join"}}, {EventFilter: qun.EventFilter{Name: "first_post"}}},
		Breakdown: &funnel.Breakdown{Prop: "welcome", Member: true},
	}
	q, _ := f.Compile()
	res := q.Run(table, funnel.Range{})
	by := map[string][]int64{}
	for _, s := range res.Breakdown {
		by[s.Value] = []int64{s.Steps[0].Members, s.Steps[1].Members}
		iv, _ := stats.Wilson(s.Steps[1].Members, s.Steps[0].Members, 0.95)
		fmt.Printf("flow %s: %d of %d post (%.1f%%, 95%% CI %.1f%%–%.1f%%)\n", s.Value, s.Steps[1].Members, s.Steps[0].Members,
			100*s.Steps[1].FromPrevious, 100*iv.Lo, 100*iv.Hi)
	}
	a, b := by["A"], by["B"]
	z, _ := stats.TwoProportionZ(b[1], b[0], a[1], a[0], 0.95)
	fmt.Printf("B − A = %.1f points, z = %.2f, p = %.4f\n", 100*z.Diff, z.Z, z.P)
	n, _ := stats.SampleSize(0.18, 0.18*1.10, 0.05, 0.8)
	fmt.Printf("to detect a 10%% lift from 18%% at 80%% power: %.0f members per flow\n", n)
	// Output:
	// flow A: 180 of 1000 post (18.0%, 95% CI 15.7%–20.5%)
	// flow B: 220 of 1000 post (22.0%, 95% CI 19.5%–24.7%)
	// B − A = 4.0 points, z = 2.24, p = 0.0253
	// to detect a 10% lift from 18% at 80% power: 7425 members per flow
}
