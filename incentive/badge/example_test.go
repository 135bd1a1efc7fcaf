package badge_test

import (
	"fmt"
	"time"

	"github.com/qunkit/qun/incentive/badge"
)

// A reading club's badges: a tiered reader badge, a weekly champion badge
// granted once a week, and a "regular" badge held while a 30-day check-in
// streak lasts.
func Example() {
	set, err := badge.Parse([]byte(`{
	  "calendar": {"zone": "Asia/Shanghai", "week_start": "monday"},
	  "badges": [
	    {"id": "reader", "grades": [
	      {"name": "bronze", "criteria": [{"counter": "books", "min": 5}]},
	      {"name": "silver", "criteria": [{"counter": "books", "min": 20}]},
	      {"name": "gold", "criteria": [{"counter": "books", "min": 50}]}]},
	    {"id": "weekly-champion", "multiple": true, "per": "week",
	     "grades": [{"criteria": [{"rank": "weekly-reading", "top": 1}]}]},
	    {"id": "regular", "revoke": true,
	     "grades": [{"criteria": [{"streak": "check-in", "min": 30}]}]}]}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	engine, _ := badge.Compile(set)
	shanghai := set.Calendar.Location()

	var lin []badge.Holding
	var census badge.Census
	census.Count(nil) // two other members, holding nothing
	census.Count(nil)
	census.Count(lin)
	for _, step := range []struct {
		at    time.Time
		facts badge.Facts
	}{
		{time.Date(2026, 11, 20, 21, 0, 0, 0, shanghai), badge.Facts{
			Counters: map[string]int64{"books": 22},
			Ranks:    map[string]int64{"weekly-reading": 1},
			Streaks:  map[string]badge.StreakFact{"check-in": {Current: 30, Longest: 30}}}},
		{time.Date(2026, 11, 22, 21, 0, 0, 0, shanghai), badge.Facts{ // still champion this week
			Counters: map[string]int64{"books": 23},
			Ranks:    map[string]int64{"weekly-reading": 1},
			Streaks:  map[string]badge.StreakFact{"check-in": {Current: 32, Longest: 32}}}},
		{time.Date(2026, 11, 29, 21, 0, 0, 0, shanghai), badge.Facts{ // a new week; the streak broke
			Counters: map[string]int64{"books": 30},
			Ranks:    map[string]int64{"weekly-reading": 1},
			Streaks:  map[string]badge.StreakFact{"check-in": {Current: 1, Longest: 32}}}},
	} {
		before := lin
		var d badge.Decision
		lin, d = engine.Evaluate(lin, step.facts, step.at)
		census.Change(before, lin)
		for _, g := range d.Grants {
			name := g.Badge
			if g.Grade != "" {
				name += " " + g.Grade
			}
			fmt.Printf("%s grant %s (%s)\n", step.at.Format("Jan 2"), name, g.Key)
		}
		for _, r := range d.Revokes {
			fmt.Printf("%s revoke %s\n", step.at.Format("Jan 2"), r.Badge)
		}
	}
	fmt.Printf("silver readers: %.0f%% of members\n", 100*census.Rarity("reader", 2))
	// Output:
	// Nov 20 grant reader bronze (badge/reader/1)
	// Nov 20 grant reader silver (badge/reader/2)
	// Nov 20 grant weekly-champion (badge/weekly-champion/1)
	// Nov 20 grant regular (badge/regular/1)
	// Nov 29 grant weekly-champion (badge/weekly-champion/2)
	// Nov 29 revoke regular
	// silver readers: 33% of members
}
