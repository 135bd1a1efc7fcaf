package ladder_test

import (
	"testing"

	"github.com/qunkit/qun/incentive/ladder"
)

// BenchmarkReview reviews a regular against Discourse's preset: the
// nightly job's cost per member.
func BenchmarkReview(b *testing.B) {
	e := compile(b, ladder.Discourse())
	m := with(regularMetrics(), "days_visited_100d", 46)
	s := ladder.State{Level: "regular", Since: t0}
	now := t0.Add(days(30))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Review(s, m, now); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/member")
}
