package influence_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/scoring/influence"
	"pgregory.net/rapid"
)

func mustGraph(t rapid.TB, n int, from, to []int32, w []float64) *influence.Graph {
	t.Helper()
	g, err := influence.NewGraph(n, from, to, w)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// networkx's own test graph (Langville and Meyer's example): node 2 is
// dangling; with alpha 0.9 networkx gets these ranks.
func TestPageRankMatchesNetworkx(t *testing.T) {
	edges := [][2]int32{{1, 2}, {1, 3}, {3, 1}, {3, 2}, {3, 5}, {4, 5}, {4, 6}, {5, 4}, {5, 6}, {6, 4}}
	var from, to []int32
	for _, e := range edges {
		from, to = append(from, e[0]-1), append(to, e[1]-1)
	}
	g := mustGraph(t, 6, from, to, nil)
	r, err := influence.PageRank{Damping: 0.9, Tolerance: 6 * 1e-8}.Rank(g)
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{0.03721197, 0.05395735, 0.04150565, 0.37508082, 0.20599833, 0.28624589}
	for i, w := range want {
		if math.Abs(r.Scores[i]-w) > 1e-4 {
			t.Errorf("node %d: %v, networkx %v", i+1, r.Scores[i], w)
		}
	}
	// networkx raises when max_iter is too small; here the last iterate
	// comes with ErrNotConverged.
	r, err = influence.PageRank{MaxIterations: 1}.Rank(g)
	if !errors.Is(err, influence.ErrNotConverged) || r.Converged || r.Iterations != 1 || len(r.Scores) != 6 {
		t.Errorf("one iteration: %+v, %v", r, err)
	}
}

// networkx's multigraph test: an undirected multigraph is two directed
// edges per edge, and parallel edges add their weights.
func TestPageRankMultigraph(t *testing.T) {
	// Nodes: 1 → 0, 2 → 1, 3 → 2, "3" → 3.
	undirected := [][2]int32{{0, 1}, {0, 1}, {0, 1}, {1, 2}, {1, 2}, {3, 2}, {3, 2}}
	var from, to []int32
	for _, e := range undirected {
		from, to = append(from, e[0], e[1]), append(to, e[1], e[0])
	}
	r, err := influence.PageRank{}.Rank(mustGraph(t, 4, from, to, nil))
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{0.21066048614468322, 0.3395308825985378, 0.28933951385531687, 0.16046911740146227}
	for i, w := range want {
		if math.Abs(r.Scores[i]-w) > 1e-4 {
			t.Errorf("node %d: %v, networkx %v", i, r.Scores[i], w)
		}
	}
}

func genGraph(t *rapid.T) (n int, from, to []int32, w []float64) {
	n = rapid.IntRange(1, 30).Draw(t, "n")
	m := rapid.IntRange(0, 80).Draw(t, "edges")
	weighted := rapid.Bool().Draw(t, "weighted")
	for range m {
		from = append(from, int32(rapid.IntRange(0, n-1).Draw(t, "from")))
		to = append(to, int32(rapid.IntRange(0, n-1).Draw(t, "to")))
		if weighted {
			w = append(w, rapid.Float64Range(0.1, 10).Draw(t, "w"))
		}
	}
	return n, from, to, w
}

// Ranks sum to 1, and relabelling the nodes relabels the ranks.
func TestPageRankProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n, from, to, w := genGraph(t)
		pr := influence.PageRank{Damping: rapid.Float64Range(0.05, 0.95).Draw(t, "damping"), Tolerance: 1e-13, MaxIterations: 2000}
		r, err := pr.Rank(mustGraph(t, n, from, to, w))
		if err != nil {
			t.Fatal(err)
		}
		sum := 0.0
		for _, s := range r.Scores {
			if s <= 0 {
				t.Fatalf("rank %v", s)
			}
			sum += s
		}
		if math.Abs(sum-1) > 1e-12 {
			t.Fatalf("ranks sum to %v", sum)
		}
		perm := rapid.Permutation(func() []int32 {
			p := make([]int32, n)
			for i := range p {
				p[i] = int32(i)
			}
			return p
		}()).Draw(t, "relabel")
		pf, pt := make([]int32, len(from)), make([]int32, len(to))
		for i := range from {
			pf[i], pt[i] = perm[from[i]], perm[to[i]]
		}
		r2, err := pr.Rank(mustGraph(t, n, pf, pt, w))
		if err != nil {
			t.Fatal(err)
		}
		for v := range n {
			if math.Abs(r.Scores[v]-r2.Scores[perm[v]]) > 1e-10 {
				t.Fatalf("node %d: %v, relabelled %d: %v", v, r.Scores[v], perm[v], r2.Scores[perm[v]])
			}
		}
	})
}

func TestNewGraphRefuses(t *testing.T) {
	for name, tc := range map[string]struct {
		n        int
		from, to []int32
		w        []float64
	}{
		"node out of range": {2, []int32{0}, []int32{2}, nil},
		"negative node":     {2, []int32{-1}, []int32{0}, nil},
		"lengths":           {2, []int32{0, 1}, []int32{1}, nil},
		"weights":           {2, []int32{0}, []int32{1}, []float64{1, 2}},
		"zero weight":       {2, []int32{0}, []int32{1}, []float64{0}},
		"NaN weight":        {2, []int32{0}, []int32{1}, []float64{math.NaN()}},
		"negative n":        {-1, nil, nil, nil},
	} {
		if _, err := influence.NewGraph(tc.n, tc.from, tc.to, tc.w); !errors.Is(err, qun.ErrInvalid) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if err := (influence.PageRank{Damping: 1}).Validate(); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("damping 1: %v", err)
	}
	r, err := influence.PageRank{}.Rank(mustGraph(t, 0, nil, nil, nil))
	if err != nil || len(r.Scores) != 0 || !r.Converged {
		t.Errorf("empty graph: %+v, %v", r, err)
	}
}

// randomGraph has n nodes and m edges drawn uniformly: no locality at all,
// the hardest case for the caches.
func randomGraph(n, m int) (from, to []int32) {
	rng := rand.New(rand.NewPCG(3, 5))
	from, to = make([]int32, m), make([]int32, m)
	for i := range m {
		from[i], to[i] = int32(rng.IntN(n)), int32(rng.IntN(n))
	}
	return from, to
}

// BenchmarkPageRank ranks a uniformly random graph of a million nodes and
// ten million edges, with unit and with random weights.
func BenchmarkPageRank(b *testing.B) {
	const n, m = 1_000_000, 10_000_000
	from, to := randomGraph(n, m)
	weights := make([]float64, m)
	rng := rand.New(rand.NewPCG(9, 9))
	for i := range weights {
		weights[i] = 1 + 9*rng.Float64()
	}
	for _, tc := range []struct {
		name string
		w    []float64
	}{{"unweighted", nil}, {"weighted", weights}} {
		b.Run(tc.name, func(b *testing.B) {
			g := mustGraph(b, n, from, to, tc.w)
			b.ReportAllocs()
			b.ResetTimer()
			var iterations int
			for b.Loop() {
				r, err := influence.PageRank{}.Rank(g)
				if err != nil {
					b.Fatal(err)
				}
				iterations = r.Iterations
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/m, "ns/edge")
			b.ReportMetric(float64(iterations), "iterations")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(iterations)/m, "ns/edge/iteration")
		})
	}
}

func BenchmarkNewGraph(b *testing.B) {
	const n, m = 1_000_000, 10_000_000
	from, to := randomGraph(n, m)
	b.ReportAllocs()
	for b.Loop() {
		mustGraph(b, n, from, to, nil)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/m, "ns/edge")
}
