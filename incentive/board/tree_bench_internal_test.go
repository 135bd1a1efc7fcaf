package board

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

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
	b.Logf("height %d leaves %d inners %d", tr.height, len(tr.leaves), len(tr.inners))
}

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
	b.ResetTimer()
	for b.Loop() {
		i := rng.IntN(n)
		tr.rank(&keys[i])
	}
}
