package groups

import (
	"fmt"
	"testing"

	"github.com/qunkit/qun"
)

// BenchmarkRoute routes 100,000 candidates in three segments into pools
// of 500-member groups, 40 of which exist with 20,000 members between
// them: the checks of the input, the hashed order, and the placement.
func BenchmarkRoute(b *testing.B) {
	for _, balance := range []bool{false, true} {
		b.Run(fmt.Sprint("balance=", balance), func(b *testing.B) {
			r := Router{Pools: []Pool{
				{Segment: "vip", Capacity: 500, Prefix: "vip"},
				{Segment: "wine", Capacity: 500, Prefix: "wine", MaxGroups: 150},
				{Segment: "course", Capacity: 500, Prefix: "course"},
			}, Balance: balance}
			segs := [][]string{{"vip", "wine"}, {"wine"}, {"wine", "course"}, {"course"}, {"beer"}}
			const n = 100_000
			cands := make([]Candidate, n)
			for i := range cands {
				cands[i] = Candidate{ID: qun.MemberID(fmt.Sprintf("m%06d", i)), Segments: segs[i%len(segs)]}
			}
			var groups []Group
			for g := range 40 {
				grp := Group{ID: fmt.Sprintf("old-%d", g), Pool: []string{"vip", "wine", "course"}[g%3]}
				for k := range 500 {
					grp.Members = append(grp.Members, cands[(g*500+k)*2%n].ID)
				}
				groups = append(groups, grp)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := r.Route(groups, cands); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/candidate")
		})
	}
}
