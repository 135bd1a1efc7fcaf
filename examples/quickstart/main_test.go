package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestRun pins the story's turning points: each line is a decision one of
// the packages made, so a change in semantics shows up here.
func TestRun(t *testing.T) {
	var out bytes.Buffer
	if err := run(&out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		// The root vocabulary: an event's value keeps its scale.
		`{"id":"order-881","member":"lin","name":"purchase","time":"2026-11-22T20:15:00+08:00","value":"299.00","props":{"sku":"barolo-2019"}}`,
		// scoring: lin checks in daily, buys and goes to tastings.
		"lin    16.6",
		// lifecycle: 20 days away is silent; four months away is churned.
		"zhou  silent   last active Nov 2",
		"wu    new      last active Nov 19",
		"bo    churned  last active Jul 30",
		// segment: silent members are recalled; lin's reading and tasting
		// make an Italian wine fan.
		"recall            [chen zhou]",
		"italian_wine_fans [lin]",
		"core              [lin]",
		// calendar: 20:30 on each member's own clock.
		"recall-tasting-invite to zhou on wechat: send at 2026-11-23T20:30:00+08:00",
		"recall-tasting-invite to chen on wechat: send at 2026-11-23T20:30:00+01:00",
		// incentive: a redelivered event pays nothing; 21 check-ins at 10
		// plus the 20-point welcome bonus, and 299 yuan at double points.
		"Points (57 redelivered events paid nothing):",
		"lin    828 available, 828 expire at 2027-01-01 00:00",
		"lin's statement: earn 598 on Nov 22 for purchase",
		// funnel: of five who joined, one went all the way.
		"check_in  2 members   40%",
		"purchase  1 members   20%",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q; it was:\n%s", want, out.String())
		}
	}
}
