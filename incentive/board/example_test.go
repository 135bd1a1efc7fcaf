package board_test

import (
	"fmt"
	"time"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive/board"
)

// A weekly team PK (团队PK) in a reading club: two teams, scored by the
// average of their members' pages read this week, so that a small team
// can beat a large one; members are ranked too, with the earlier achiever
// ahead on equal scores.
func Example() {
	cfg, err := board.ParseConfig([]byte(`{"id": "weekly-pages", "period": "week",
	  "calendar": {"zone": "Asia/Shanghai", "week_start": "monday"},
	  "ranking": "competition", "teams": "average"}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	pk, _ := board.New(cfg)
	shanghai := cfg.Calendar.Location()
	at := func(day, hour int) time.Time { return time.Date(2026, 11, day, hour, 0, 0, 0, shanghai) }

	for m, team := range map[qun.MemberID]string{"lin": "owls", "wei": "owls", "zhao": "owls", "chen": "larks", "ma": "larks"} {
		pk.Join(m, team, at(16, 0))
	}
	for _, u := range []struct {
		m     qun.MemberID
		pages int64
		at    time.Time
	}{
		{"lin", 120, at(16, 21)},
		{"chen", 90, at(17, 7)},
		{"wei", 60, at(17, 22)},
		{"ma", 110, at(18, 20)},
		{"zhao", 30, at(19, 21)},
		{"chen", 30, at(20, 7)}, // chen reaches 120 after lin did
		{"lin", 10, at(23, 9)},  // Monday: a new week
	} {
		if err := pk.Add(u.m, u.pages, u.at); err != nil {
			fmt.Println(err)
			return
		}
	}

	week := qun.Period{Grain: qun.Week, First: qun.Date{Year: 2026, Month: 11, Day: 16}}
	fmt.Println("week of", week)
	for _, e := range pk.Teams(week).Top(10) {
		fmt.Printf("  team #%d %-5s %s pages per member\n", e.Rank, e.ID, e.Score())
	}
	for _, e := range pk.Standings(week).Top(3) {
		fmt.Printf("  #%d %-4s %s\n", e.Rank, e.ID, e.Score())
	}
	rank, _ := pk.At(at(23, 12)).Rank("lin")
	fmt.Println("this week, lin is #", rank)
	// Output:
	// week of 2026-11-16/P1W
	//   team #1 larks 115 pages per member
	//   team #2 owls  70 pages per member
	//   #1 lin  120
	//   #1 chen 120
	//   #3 ma   110
	// this week, lin is # 1
}
