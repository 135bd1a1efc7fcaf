package scoring_test

import (
	"fmt"
	"slices"
	"time"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/scoring"
)

// A member's engagement score: posts earn 3, check-ins 1 but only one a
// day counts, and credit halves every week. The score explains itself.
func Example() {
	rules := scoring.EngagementRules{
		Decay:    qun.Decay{HalfLife: qun.Days(7)},
		Calendar: qun.Calendar{Zone: qun.MustLoadZone("Asia/Shanghai"), WeekStart: time.Monday},
		Kinds: []scoring.Kind{
			{Event: qun.EventFilter{Name: "post"}, Weight: 3},
			{Event: qun.EventFilter{Name: "check_in"}, Weight: 1, DailyCap: 1},
		},
	}
	engagement, err := rules.Compile()
	if err != nil {
		fmt.Println(err)
		return
	}
	shanghai := rules.Calendar.Location()
	monday := time.Date(2026, 11, 16, 8, 0, 0, 0, shanghai)
	var score scoring.Score
	for _, e := range []qun.Event{
		{Member: "u-42", Name: "post", Time: monday},
		{Member: "u-42", Name: "check_in", Time: monday.Add(time.Minute)},
		{Member: "u-42", Name: "check_in", Time: monday.Add(2 * time.Minute)}, // a second check-in the same day
		{Member: "u-42", Name: "check_in", Time: monday.Add(24 * time.Hour)},
	} {
		credit := engagement.Add(&score, e)
		fmt.Printf("%-8s gain %g capped %v\n", credit.Kind, credit.Gain, credit.Capped)
	}
	aWeekLater := monday.Add(7 * 24 * time.Hour)
	fmt.Printf("score a week later: %.2f\n", engagement.Value(score, aWeekLater))
	for _, term := range engagement.Explain(score, aWeekLater) {
		fmt.Printf("  %-8s %d events × %g → %.2f\n", term.Name, term.Count, term.Weight, term.Value)
	}
	// Output:
	// post     gain 3 capped false
	// check_in gain 1 capped false
	// check_in gain 0 capped true
	// check_in gain 1 capped false
	// score a week later: 2.55
	//   post     1 events × 3 → 1.50
	//   check_in 3 events × 1 → 1.05
}

// The recall list (召回): members whose engagement fell below 25 this
// week get recall content. Scoring the same table at the start of the week
// and now shows whose score fell.
func ExampleFell() {
	rules := scoring.EngagementRules{
		Decay:    qun.Decay{HalfLife: qun.Days(7)},
		Calendar: qun.Calendar{Zone: qun.MustLoadZone("Asia/Shanghai"), WeekStart: time.Monday},
		Kinds: []scoring.Kind{
			{Event: qun.EventFilter{Name: "post"}, Weight: 3},
			{Event: qun.EventFilter{Name: "reply"}, Weight: 2},
			{Event: qun.EventFilter{Name: "check_in"}, Weight: 1, DailyCap: 1},
		},
	}
	engagement, err := rules.Compile()
	if err != nil {
		fmt.Println(err)
		return
	}
	cal := rules.Calendar
	now := time.Date(2026, 11, 22, 21, 0, 0, 0, cal.Location()) // Sunday evening
	weekStart := cal.Start(qun.Week, now)
	// Three weeks of a small community, day by day: who did what.
	habits := map[qun.MemberID]struct {
		names    []string
		from, to int // days before now
	}{
		"u-anna":  {[]string{"post", "check_in"}, 21, 0}, // steady
		"u-bo":    {[]string{"post", "reply"}, 21, 7},    // stopped last week
		"u-chen":  {[]string{"check_in"}, 21, 0},         // quiet but steady
		"u-dai":   {[]string{"reply", "post"}, 21, 6},    // stopped on Monday
		"u-ellen": {[]string{"post"}, 5, 0},              // new this week
	}
	var events []qun.Event
	for member, h := range habits {
		for d := h.from; d >= h.to; d-- {
			for i, name := range h.names {
				events = append(events, qun.Event{Member: member, Name: name, Time: now.AddDate(0, 0, -d).Add(-time.Duration(i+1) * time.Hour)})
			}
		}
	}
	slices.SortFunc(events, func(a, b qun.Event) int { return a.Time.Compare(b.Time) })
	var table scoring.Table
	for _, e := range events {
		if err := table.Append(e); err != nil {
			fmt.Println(err)
			return
		}
	}
	var before, after scoring.Scores
	if err := engagement.ScoreTable(&table, weekStart, &before); err != nil {
		fmt.Println(err)
		return
	}
	if err := engagement.ScoreTable(&table, now, &after); err != nil {
		fmt.Println(err)
		return
	}
	for _, drop := range scoring.Fell(&before, &after, 25) {
		fmt.Printf("recall %s: %.1f → %.1f\n", drop.Member, drop.Before, drop.After)
	}
	// Output:
	// recall u-bo: 40.3 → 20.4
	// recall u-dai: 40.3 → 23.1
}

// A health report in the growth stage: retention and interaction weigh
// most, and activity (DAU/MAU) fell by a third, which raises an early
// warning (预警).
func ExampleHealth_Assess() {
	health, err := scoring.DefaultHealthRules().Compile()
	if err != nil {
		fmt.Println(err)
		return
	}
	lastQuarter := []scoring.Vitals{
		{Growth: 0.06, Activity: 0.24, Retention: 0.41, Interaction: 0.12, Reach: 0.28, Loyalty: 0.19},
		{Growth: 0.05, Activity: 0.25, Retention: 0.42, Interaction: 0.11, Reach: 0.31, Loyalty: 0.20},
		{Growth: 0.04, Activity: 0.26, Retention: 0.43, Interaction: 0.13, Reach: 0.31, Loyalty: 0.21},
	}
	thisMonth := scoring.Vitals{Growth: 0.045, Activity: 0.17, Retention: 0.44, Interaction: 0.11, Reach: 0.33, Loyalty: 0.21}
	report, err := health.Assess(qun.Growth, thisMonth, scoring.MeanVitals(lastQuarter...))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("health %.1f (baseline %.1f, %+.1f)\n", report.Score, report.Baseline, report.Change)
	for _, c := range report.Components {
		fmt.Printf("  %-11v %.3f  weight %.2f  %5.2f points\n", c.Component, c.Value, c.Weight, c.Points)
	}
	for _, w := range report.Warnings {
		fmt.Println("warning:", w)
	}
	// Output:
	// health 90.8 (baseline 93.3, -2.6)
	//   growth      0.045  weight 0.10   4.50 points
	//   activity    0.170  weight 0.15  12.75 points
	//   retention   0.440  weight 0.30  30.00 points
	//   interaction 0.110  weight 0.30  30.00 points
	//   reach       0.330  weight 0.10  10.00 points
	//   loyalty     0.210  weight 0.05   3.50 points
	// warning: activity fell 32% (0.25 → 0.17), more than the 20% threshold
}

// Churn risk explains itself: the factors that raise it most come first.
func ExampleChurn_Risk() {
	churn, err := scoring.DefaultChurnModel().Compile()
	if err != nil {
		fmt.Println(err)
		return
	}
	// Ten days away, coming a third as often as usual lately, and fewer
	// days each week for two months.
	risk, factors := churn.Risk(scoring.ChurnFeatures{Recency: 10, Trend: -1.6, Slope: -0.1})
	fmt.Printf("risk %.0f%%\n", 100*risk)
	for _, f := range factors {
		fmt.Printf("  %-7s %6.2f adds %.2f\n", f.Name, f.Value, f.Effect)
	}
	// Output:
	// risk 54%
	//   trend    -1.60 adds 1.28
	//   recency  10.00 adds 1.20
	//   slope    -0.10 adds 0.20
}

// The likeliest buyers, for one-to-one follow-up (精准识别).
func ExampleIntent_Leads() {
	rules := scoring.IntentRules{
		Signals: []scoring.Rule{
			{Name: "viewed a product", Event: qun.EventFilter{Name: "view_product"}, Weight: 1, Window: qun.Days(14), Max: 5},
			{Name: "asked the price", Event: qun.EventFilter{Name: "ask_price"}, Weight: 4, Window: qun.Days(14), Max: 1},
			{Name: "attended a tasting", Event: qun.EventFilter{Name: "attend_tasting"}, Weight: 3, Window: qun.Days(30), Max: 1},
		},
		Engaged: &scoring.EngagedSignal{Threshold: 20, Weight: 2},
	}
	intent, err := rules.Compile()
	if err != nil {
		fmt.Println(err)
		return
	}
	now := time.Date(2026, 11, 22, 21, 0, 0, 0, time.UTC)
	events := []qun.Event{
		{Member: "u-1", Name: "view_product", Time: now.Add(-48 * time.Hour)},
		{Member: "u-1", Name: "ask_price", Time: now.Add(-47 * time.Hour)},
		{Member: "u-2", Name: "attend_tasting", Time: now.Add(-240 * time.Hour)},
		{Member: "u-2", Name: "view_product", Time: now.Add(-3 * time.Hour)},
		{Member: "u-3", Name: "view_product", Time: now.Add(-30 * 24 * time.Hour)}, // too long ago
	}
	engagement := map[qun.MemberID]float64{"u-2": 31.5, "u-3": 12}
	for _, lead := range intent.Leads(slices.Values(events), engagement, now, 2) {
		fmt.Printf("%s intent %g:", lead.Member, lead.Intent)
		for _, s := range lead.Signals {
			fmt.Printf(" %s (%g)", s.Name, s.Value)
		}
		fmt.Println()
	}
	// Output:
	// u-2 intent 6: attended a tasting (3) high engagement (2) viewed a product (1)
	// u-1 intent 5: asked the price (4) viewed a product (1)
}
