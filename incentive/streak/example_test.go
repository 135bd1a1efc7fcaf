package streak_test

import (
	"fmt"
	"time"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive/streak"
)

// A reading club runs a 7-day check-in plan (打卡计划): check in and read
// every day; day 7 pays a badge, and the whole plan 100 points. Alongside
// it, the club's check-in streak pays 30 points on day 3. Lin checks in
// from Shanghai, every morning but one evening.
func Example() {
	plan, err := streak.ParsePlan([]byte(`{
	  "id": "reading-week",
	  "days": [
	    {"tasks": [{"id": "check-in", "event": {"name": "check_in"}}]},
	    {"tasks": [{"id": "check-in", "event": {"name": "check_in"}}]},
	    {"tasks": [{"id": "check-in", "event": {"name": "check_in"}}]},
	    {"tasks": [{"id": "check-in", "event": {"name": "check_in"}}]},
	    {"tasks": [{"id": "check-in", "event": {"name": "check_in"}}]},
	    {"tasks": [{"id": "check-in", "event": {"name": "check_in"}}]},
	    {"tasks": [{"id": "check-in", "event": {"name": "check_in"}}], "reward": {"badge": "reading-week"}}
	  ],
	  "reward": {"kind": "points", "points": "100"}}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	rules, err := streak.ParseRules([]byte(`{"id": "check-in",
	  "milestones": [{"day": 3, "reward": {"kind": "points", "points": "30"}}]}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	week, _ := streak.CompilePlan(plan)
	checkIns, _ := streak.Compile(rules)

	shanghai := qun.MustLoadZone("Asia/Shanghai")
	start := qun.Date{Year: 2026, Month: time.November, Day: 16}
	progress := week.Start(start, shanghai)
	var lin streak.State
	for day := range 7 {
		hour := 7
		if day == 3 {
			hour = 23 // a late evening still counts for the day
		}
		at := start.AddDays(day).At(hour, 30, 0, 0, shanghai.Location())
		ev := qun.Event{ID: fmt.Sprint("check-in-", day), Member: "lin", Name: "check_in", Time: at}

		var done streak.PlanResult
		progress, done, _ = week.Apply(progress, ev)
		var res streak.Result
		lin, res, _ = checkIns.CheckIn(lin, "lin", at, shanghai)

		fmt.Printf("%s plan day %d, streak %d\n", at.Format("Mon 15:04"), done.Day, res.Current)
		for _, p := range append(res.Payouts, done.Payouts...) {
			if earn, ok := p.EarnRequest("reading-club"); ok {
				fmt.Printf("  earn %s points (%s), key %s\n", earn.Points, earn.Reason, earn.Key)
			}
			if p.Reward.Badge != "" {
				fmt.Printf("  grant badge %s, key %s\n", p.Reward.Badge, p.Key)
			}
		}
	}
	// Output:
	// Mon 07:30 plan day 1, streak 1
	// Tue 07:30 plan day 2, streak 2
	// Wed 07:30 plan day 3, streak 3
	//   earn 30 points (streak check-in day 3), key streak/check-in/day-3
	// Thu 23:30 plan day 4, streak 4
	// Fri 07:30 plan day 5, streak 5
	// Sat 07:30 plan day 6, streak 6
	// Sun 07:30 plan day 7, streak 7
	//   grant badge reading-week, key plan/reading-week/2026-11-16/day-7
	//   earn 100 points (plan reading-week complete), key plan/reading-week/2026-11-16
}
