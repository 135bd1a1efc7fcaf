package ladder_test

import (
	"fmt"
	"time"

	"github.com/qunkit/qun/incentive/ladder"
	"github.com/shopspring/decimal"
)

// A wine club's loyalty ladder (会员等级) over growth value (成长值) in the
// last 12 months: silver at 1,000, gold at 5,000. Members rise as soon as
// they qualify; at the quarterly review, gold is kept above 90% of its
// requirement, and never reviewed in the first 90 days. A member who falls
// further lands on the level their growth still keeps.
func Example() {
	l, err := ladder.Parse([]byte(`{
	  "calendar": {"zone": "Asia/Shanghai", "week_start": "monday"},
	  "metrics": [{"name": "growth", "window": {"months": 12}}],
	  "levels": [
	    {"name": "member"},
	    {"name": "silver", "requirements": [{"metric": "growth", "min": "1000"}],
	     "low_water": "0.9", "benefits": {"multiplier": "1.2"}},
	    {"name": "gold", "requirements": [{"metric": "growth", "min": "5000"}],
	     "low_water": "0.9", "min_stay": "90d",
	     "benefits": {"multiplier": "1.5", "privileges": ["free_shipping", "tasting_invites"]}}
	  ]}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	engine, err := ladder.Compile(l)
	if err != nil {
		fmt.Println(err)
		return
	}
	shanghai := l.Calendar.Location()
	growth := func(g int64) ladder.Metrics { return ladder.Metrics{"growth": decimal.NewFromInt(g)} }

	var lin ladder.State
	for _, step := range []struct {
		at     time.Time
		growth int64
		review bool
	}{
		{time.Date(2026, 1, 10, 12, 0, 0, 0, shanghai), 1200, false},
		{time.Date(2026, 2, 14, 20, 0, 0, 0, shanghai), 5300, false},
		{time.Date(2026, 4, 1, 4, 0, 0, 0, shanghai), 3000, true},  // the Q2 review: within 90 days
		{time.Date(2026, 7, 1, 4, 0, 0, 0, shanghai), 4700, true},  // the Q3 review: above 4,500
		{time.Date(2026, 10, 1, 4, 0, 0, 0, shanghai), 4200, true}, // the Q4 review: below
	} {
		var d ladder.Decision
		if step.review {
			d, err = engine.Review(lin, growth(step.growth), step.at)
		} else {
			d, err = engine.Evaluate(lin, growth(step.growth), step.at)
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(step.at.Format("2006-01-02"), d.Explain())
		lin = d.State
	}
	for _, m := range engine.Multipliers() {
		fmt.Printf("%s earns points × %s\n", m.Name, m.Factor)
	}
	fmt.Println("gold's privileges:", engine.Privileges("gold"))
	// Output:
	// 2026-01-10 member → silver; qualified silver (growth 1200 ≥ 1000); to gold: growth 1200 ≥ 5000: 3800 more
	// 2026-02-14 silver → gold; qualified gold (growth 5300 ≥ 5000)
	// 2026-04-01 stays gold; min_stay gold until 2026-05-15 (growth 3000 ≥ 5000: 2000 more)
	// 2026-07-01 stays gold; kept gold (growth 4700 ≥ 5000: 300 more)
	// 2026-10-01 gold → silver; lost gold (growth 4200 ≥ 4500: 300 more); to gold: growth 4200 ≥ 5000: 800 more
	// silver earns points × 1.2
	// gold earns points × 1.5
	// gold's privileges: [free_shipping tasting_invites]
}
