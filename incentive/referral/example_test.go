package referral_test

import (
	"context"
	"fmt"
	"time"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive"
	"github.com/qunkit/qun/incentive/referral"
	"github.com/shopspring/decimal"
)

// A wine club launches with 100 seed members (种子用户) who invite friends
// with a poster. A friend who joins gets 20 welcome points; when they make
// a first purchase within 30 days, their inviter earns 30 points and the
// inviter's inviter 10 (a two-level reward, the most the package allows).
// No one earns more than 60 referral points a month. The grants go to the
// points ledger; the metrics say how viral the launch was.
func Example() {
	program, err := referral.ParseProgram([]byte(`{
	  "calendar": {"zone": "Asia/Shanghai", "week_start": "monday"},
	  "attribution": {"model": "last_touch", "window": "7d"},
	  "depth": 2,
	  "milestones": [
	    {"name": "joined"},
	    {"name": "first_purchase", "event": {"name": "purchase"}, "within": "30d"}
	  ],
	  "activation": "first_purchase",
	  "rewards": [
	    {"id": "welcome", "milestone": "joined", "kind": "points", "invitee": "20"},
	    {"id": "bring-a-buyer", "milestone": "first_purchase", "kind": "points", "inviters": ["30", "10"]}
	  ],
	  "caps": [{"kind": "points", "per": "month", "points": "60"}]
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	graph, err := referral.NewGraph("wine-club", program)
	if err != nil {
		fmt.Println(err)
		return
	}
	engine, err := incentive.Compile(incentive.Program{Calendar: program.Calendar, Kinds: []incentive.Kind{{Name: "points", Spendable: true}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	ledger, err := incentive.NewLedger(incentive.NewMemoryStore(), engine)
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	earn := func(gs referral.Grants, now time.Time) {
		for _, r := range gs.EarnRequests() {
			if _, err := ledger.Earn(ctx, r, now); err != nil {
				fmt.Println(err)
			}
		}
	}

	launch := time.Date(2026, 11, 2, 10, 0, 0, 0, program.Calendar.Location())
	var seeds, firstWave []qun.MemberID
	for i := range 100 {
		seed := qun.MemberID(fmt.Sprintf("seed-%03d", i))
		if _, err := graph.Join(seed, launch); err != nil {
			fmt.Println(err)
			return
		}
		seeds = append(seeds, seed)
	}
	// invite has inviter bring in n friends on day d of the launch; every
	// second friend buys the next day.
	buyers := 0
	invite := func(inviter qun.MemberID, n, d int, prefix string) []qun.MemberID {
		var friends []qun.MemberID
		_ = graph.Send(inviter, int64(2*n)) // half the posters convert
		for k := range n {
			friend := qun.MemberID(fmt.Sprintf("%s-%s-%d", prefix, inviter, k))
			at := launch.Add(time.Duration(d)*24*time.Hour + time.Duration(k)*time.Hour)
			_ = graph.Touch(referral.Touch{Inviter: inviter, Invitee: friend, Channel: "poster", Time: at})
			a, err := graph.Join(friend, at.Add(10*time.Minute))
			if err != nil {
				fmt.Println(err)
				continue
			}
			earn(a.Grants, at)
			if buyers++; buyers%2 == 0 {
				day := at.Add(24 * time.Hour)
				p, _ := graph.Observe(qun.Event{ID: "order-" + string(friend), Member: friend, Name: "purchase", Time: day}, nil, day)
				earn(p.Grants, day)
			}
			friends = append(friends, friend)
		}
		return friends
	}
	for i, seed := range seeds {
		firstWave = append(firstWave, invite(seed, i%4, 1, "f")...)
	}
	for j, friend := range firstWave {
		if j%3 == 0 {
			invite(friend, 2, 5, "ff")
		}
	}

	tree := graph.Tree()
	fmt.Printf("members %d, depth %d, generations %v\n", tree.Members, tree.Depth, tree.Generations)
	for g, v := range graph.Generations() {
		fmt.Printf("generation %d: %3d members, i = %.2f, c = %.2f, K = %.2f, activated %d\n", g, v.Members, v.Invites, v.Conversion, v.K, v.Activated)
	}
	launchWeek := graph.Cohort(program.Calendar.Period(qun.Week, launch))
	fmt.Printf("launch week cohort: %d members, K = %.2f, cycle time %.0f hours\n", launchWeek.Members, launchWeek.K, launchWeek.CycleTime.Hours())

	top := incentive.AccountID{Community: "wine-club", Member: "seed-003", Kind: "points"}
	b, err := ledger.Balance(ctx, top, launch.AddDate(0, 0, 10), 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("seed-003 invited %d and earned %s points\n", graph.Inviter("seed-003").Accepted, b.Available.StringFixed(0))
	total := decimal.Zero
	for _, v := range seeds {
		bal, _ := ledger.Balance(ctx, incentive.AccountID{Community: "wine-club", Member: v, Kind: "points"}, launch.AddDate(0, 0, 10), 0)
		total = total.Add(bal.Available)
	}
	fmt.Printf("the seeds earned %s points in all\n", total)
	// Output:
	// members 350, depth 2, generations [100 150 100]
	// generation 0: 100 members, i = 3.00, c = 0.50, K = 1.50, activated 75
	// generation 1: 150 members, i = 1.33, c = 0.50, K = 0.67, activated 50
	// generation 2: 100 members, i = 0.00, c = 0.00, K = 0.00, activated 0
	// launch week cohort: 350 members, K = 0.71, cycle time 54 hours
	// seed-003 invited 3 and earned 60 points
	// the seeds earned 2500 points in all
}
