package streak_test

import (
	"testing"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive/streak"
)

// BenchmarkCheckIn checks a member in once a day, with milestones,
// freezes and make-ups configured.
func BenchmarkCheckIn(b *testing.B) {
	e := compile(b, rules())
	var s streak.State
	day := date(2026, 1, 1)
	loc := shanghai.Location()
	b.ReportAllocs()
	for b.Loop() {
		var err error
		s, _, err = e.CheckIn(s, "lin", day.At(8, 0, 0, 0, loc), shanghai)
		if err != nil {
			b.Fatal(err)
		}
		day = day.AddDays(1)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/check-in")
}

// BenchmarkPlanApply counts a check-in in a 7-day plan.
func BenchmarkPlanApply(b *testing.B) {
	c := compilePlan(b, growthPlan(true))
	start := date(2026, 11, 16)
	ev := qun.Event{ID: "e", Member: "lin", Name: "check_in", Time: start.At(9, 0, 0, 0, shanghai.Location())}
	pr := c.Start(start, shanghai)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := c.Apply(pr, ev); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/event")
}
