package influence

import (
	"errors"
	"fmt"
	"math"

	"github.com/qunkit/qun"
)

// PageRank ranks the nodes of a graph by PageRank (Page, Brin, Motwani and
// Winograd, 1999), by power iteration, with the semantics of networkx's
// pagerank (networkx/algorithms/link_analysis/pagerank_alg.py): a walker
// follows an out-edge with probability Damping, chosen in proportion to
// the edges' weights, and otherwise jumps to a node chosen uniformly; from
// a node without out-edges (a dangling node) it always jumps uniformly.
// Ranks start uniform and sum to 1.
//
// The one difference from networkx is the tolerance: networkx stops when
// the L1 norm of the change between iterations falls below N·tol, which
// for a million nodes and its default tol of 1e-6 stops at a change of 1,
// half the largest possible; here the L1 change must fall below Tolerance
// itself. To reproduce networkx exactly, set Tolerance to N × its tol.
// Personalization vectors are not supported.
//
// The zero PageRank uses networkx's defaults: damping 0.85, at most 100
// iterations, and a tolerance of 1e-6. Its JSON form is
// {"damping":0.85,"tolerance":1e-6,"max_iterations":100}.
type PageRank struct {
	// Damping is the probability of following an edge; zero means 0.85.
	Damping float64 `json:"damping,omitempty"`
	// Tolerance is the L1 change between iterations below which the ranks
	// have converged; zero means 1e-6.
	Tolerance float64 `json:"tolerance,omitempty"`
	// MaxIterations caps the iterations; zero means 100. It is at most
	// MaxPageRankIterations.
	MaxIterations int `json:"max_iterations,omitempty"`
}

// MaxPageRankIterations bounds PageRank.MaxIterations, so that a tolerance
// too fine for float64 to reach (or a damping a hair below 1, which
// converges by a factor of the damping an iteration) ends in
// [ErrNotConverged] instead of running for ever. It is enough for a
// damping of 0.9999 to converge to 1e-6.
const MaxPageRankIterations = 1_000_000

// Validate reports every problem with p, joined: a damping in [0, 1), a
// tolerance that is not negative, and an iteration cap from 0 to
// [MaxPageRankIterations].
func (p PageRank) Validate() error {
	var errs []error
	if !(p.Damping >= 0 && p.Damping < 1) {
		errs = append(errs, qun.Invalid("damping", "must be at least 0 and less than 1"))
	}
	if !(p.Tolerance >= 0) || math.IsInf(p.Tolerance, 0) {
		errs = append(errs, qun.Invalid("tolerance", "must be a finite number, not negative"))
	}
	if p.MaxIterations < 0 || p.MaxIterations > MaxPageRankIterations {
		errs = append(errs, qun.Invalid("max_iterations", "must be 0 to %d", MaxPageRankIterations))
	}
	return errors.Join(errs...)
}

// UnmarshalJSON reads p from JSON strictly.
func (p *PageRank) UnmarshalJSON(data []byte) error {
	type plain PageRank
	var v plain
	if isNull(data) {
		return nil
	}
	if err := qun.UnmarshalStrict(data, &v); err != nil {
		return err
	}
	if err := PageRank(v).Validate(); err != nil {
		return err
	}
	*p = PageRank(v)
	return nil
}

func (p PageRank) withDefaults() PageRank {
	if p.Damping == 0 {
		p.Damping = 0.85
	}
	if p.Tolerance == 0 {
		p.Tolerance = 1e-6
	}
	if p.MaxIterations == 0 {
		p.MaxIterations = 100
	}
	return p
}

// Ranking is the result of [PageRank.Rank].
type Ranking struct {
	// Scores holds each node's rank; they sum to 1.
	Scores []float64
	// Iterations is the number of iterations run.
	Iterations int
	// Converged reports whether the change fell below the tolerance.
	Converged bool
	// Residual is the L1 change of the last iteration.
	Residual float64
}

// ErrNotConverged is returned, with the ranks of the last iteration, when
// PageRank's change did not fall below its tolerance within its iteration
// cap (networkx raises PowerIterationFailedConvergence there).
var ErrNotConverged = errors.New("influence: PageRank did not converge")

// Rank returns the PageRank of every node of g. Each iteration reads each
// edge once, in the graph's order, and allocates nothing: three vectors
// of n float64s are allocated once. A nil g is refused with an error
// matching [qun.ErrInvalid]; the zero Graph has no nodes, and no ranks.
func (p PageRank) Rank(g *Graph) (Ranking, error) {
	if err := p.Validate(); err != nil {
		return Ranking{}, err
	}
	if g == nil {
		return Ranking{}, qun.Invalid("", "the graph is nil")
	}
	p = p.withDefaults()
	n := g.n
	r := Ranking{Scores: make([]float64, n)}
	if n == 0 {
		r.Converged = true
		return r, nil
	}
	x, next, y := r.Scores, make([]float64, n), make([]float64, n)
	uniform := 1 / float64(n)
	for i := range x {
		x[i] = uniform
	}
	d := p.Damping
	for r.Iterations < p.MaxIterations {
		r.Iterations++
		// y[u] is the share of u's rank each unit of its out-weight
		// carries; a dangling node's rank is spread over every node.
		dangling := 0.0
		for u, out := range g.out {
			if out > 0 {
				y[u] = x[u] / out
			} else {
				y[u] = 0
				dangling += x[u]
			}
		}
		base := (1-d)*uniform + d*dangling*uniform
		change := 0.0
		if g.weight == nil {
			for v := range n {
				s := 0.0
				for _, u := range g.from[g.start[v]:g.start[v+1]] {
					s += y[u]
				}
				nv := base + d*s
				change += math.Abs(nv - x[v])
				next[v] = nv
			}
		} else {
			for v := range n {
				s := 0.0
				lo, hi := g.start[v], g.start[v+1]
				for j, u := range g.from[lo:hi] {
					s += g.weight[lo+j] * y[u]
				}
				nv := base + d*s
				change += math.Abs(nv - x[v])
				next[v] = nv
			}
		}
		x, next = next, x
		r.Residual = change
		if change < p.Tolerance {
			r.Converged = true
			break
		}
	}
	// Each iteration keeps the sum at 1 (the jump, the dangling rank and
	// the rank carried along edges add up to it), up to rounding.
	r.Scores = x
	if !r.Converged {
		return r, fmt.Errorf("%w in %d iterations (L1 change %.3g, tolerance %.3g)", ErrNotConverged, r.Iterations, r.Residual, p.Tolerance)
	}
	return r, nil
}

// isNull reports whether data is the JSON literal null.
func isNull(data []byte) bool {
	s := string(data)
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t' || s[0] == '\n' || s[0] == '\r') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t' || s[len(s)-1] == '\n' || s[len(s)-1] == '\r') {
		s = s[:len(s)-1]
	}
	return s == "null"
}
