package board

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkTreeReplace moves a random key of a million up by 1 to 50, the
// tree alone: what an update costs without the board around it.
func BenchmarkTreeReplace(b *testing.B) {
	const n = 1_000_000
	ids := make([]string, n)
	tr := newTree(&ids, true)
	keys := make([]key, n)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range ids {
		ids[i] = fmt.Sprint(i)
		keys[i] = key{num: rng.Int64N(100_000), at: int64(i), den: 1, id: int32(i)}
		tr.insert(keys[i])
	}
	at := int64(n)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		i := rng.IntN(n)
		nk := keys[i]
		nk.num += 1 + rng.Int64N(50)
		at++
		nk.at = at
		tr.put(nk)
		keys[i] = nk
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/update")
	b.Logf("height %d leaves %d inners %d", tr.height, len(tr.leaves), len(tr.inners))
}

// BenchmarkTreeRank finds the position of a random key of a million.
func BenchmarkTreeRank(b *testing.B) {
	const n = 1_000_000
	ids := make([]string, n)
	tr := newTree(&ids, true)
	keys := make([]key, n)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range ids {
		ids[i] = fmt.Sprint(i)
		keys[i] = key{num: rng.Int64N(100_000), at: int64(i), den: 1, id: int32(i)}
		tr.insert(keys[i])
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		i := rng.IntN(n)
		tr.rank(&keys[i])
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/lookup")
}
