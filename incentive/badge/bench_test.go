package badge_test

import (
	"testing"

	"github.com/qunkit/qun/incentive/badge"
)

// BenchmarkEvaluate measures a member's facts against eight badges, all
// held already: the nightly job's cost per member.
func BenchmarkEvaluate(b *testing.B) {
	e := compile(b)
	f := badge.Facts{
		Counters: map[string]int64{"posts": 12, "books": 25, "followers": 1200},
		Streaks:  map[string]badge.StreakFact{"check-in": {Current: 31, Longest: 31}},
		Tags:     []string{"kol"},
		Ranks:    map[string]int64{"weekly-reading": 2},
		Firsts:   map[string]int64{"join": 12},
	}
	hs, _ := e.Evaluate(nil, f, t0)
	b.ReportAllocs()
	for b.Loop() {
		e.Evaluate(hs, f, t0)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/member")
}
