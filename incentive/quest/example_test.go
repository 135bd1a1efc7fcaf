package quest_test

import (
	"fmt"
	"time"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive/quest"
)

// A wine community's task center (任务中心): newcomers introduce
// themselves and reply three times within a week; everyone has a daily
// reading task, which starts afresh at their local midnight.
func Example() {
	center, err := quest.Parse([]byte(`{"quests": [
	  {"id": "newcomer", "ordered": true, "within": "7d",
	   "steps": [{"id": "intro", "event": {"name": "post", "where": [{"prop": "topic", "op": "exact", "values": ["introductions"]}]}},
	             {"id": "reply", "event": {"name": "reply"}, "count": 3}],
	   "reward": {"kind": "points", "points": "50", "badge": "newcomer"}},
	  {"id": "daily-reader", "repeat": "daily",
	   "steps": [{"id": "read", "event": {"name": "read"}, "count": 2}],
	   "reward": {"kind": "points", "points": "10"}}]}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	engine, _ := quest.Compile(center)
	shanghai := qun.MustLoadZone("Asia/Shanghai")
	cal := qun.Calendar{Zone: shanghai, WeekStart: time.Monday}
	day := func(d, h int) time.Time { return time.Date(2026, 11, d, h, 0, 0, 0, shanghai.Location()) }

	var progress []quest.Progress
	for i, e := range []struct {
		name, topic string
		at          time.Time
	}{
		{"post", "introductions", day(16, 9)},
		{"read", "", day(16, 12)},
		{"reply", "", day(16, 20)},
		{"read", "", day(16, 23)},
		{"read", "", day(17, 8)}, // a new day: the reading task starts afresh
		{"reply", "", day(18, 9)},
		{"reply", "", day(19, 9)},
	} {
		ev := qun.Event{ID: fmt.Sprint("e", i), Member: "lin", Name: e.name, Time: e.at}
		if e.topic != "" {
			ev.Props = map[string]string{"topic": e.topic}
		}
		var d quest.Decision
		progress, d, err = engine.Apply(progress, ev, cal)
		if err != nil {
			fmt.Println(err)
			return
		}
		for _, a := range d.Steps {
			fmt.Printf("%s %s: %s %d/%d\n", e.at.Format("Jan 2 15:04"), a.Quest, a.Step, a.Count, a.Target)
		}
		for _, p := range d.Payouts {
			earn, _ := p.EarnRequest("wine-club")
			fmt.Printf("  pay %s points and badge %q, key %s\n", earn.Points, p.Reward.Badge, earn.Key)
		}
	}
	// Output:
	// Nov 16 09:00 newcomer: intro 1/1
	// Nov 16 12:00 daily-reader: read 1/2
	// Nov 16 20:00 newcomer: reply 1/3
	// Nov 16 23:00 daily-reader: read 2/2
	//   pay 10 points and badge "", key quest/daily-reader/2026-11-16
	// Nov 17 08:00 daily-reader: read 1/2
	// Nov 18 09:00 newcomer: reply 2/3
	// Nov 19 09:00 newcomer: reply 3/3
	//   pay 50 points and badge "newcomer", key quest/newcomer/1
}
