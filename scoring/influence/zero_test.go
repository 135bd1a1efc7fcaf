package influence_test

import (
	"encoding/json"
	"errors"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/internal/sweep"
	"github.com/qunkit/qun/scoring/influence"
)

// The zero-value sweep: every exported entry point of the package, called
// with the zero value of its receiver (a type that should have been made
// with a constructor or Compile), nil and empty arguments, NaN and
// infinite floats, extreme counts and times, and names it does not know.
// None may panic or hang; each returns what its doc comment promises.

var nan = math.NaN()

// farEvents are interactions, gatherings and activities at the edges of
// time.
func farEvents() []qun.Event {
	var out []qun.Event
	for _, at := range []time.Time{sweep.YearOne, sweep.Now, sweep.Year9999} {
		out = append(out,
			ev("ann", "reply", at, "to", "bob"),
			ev("bob", "invite", at, "invitee", "cat"),
			ev("ann", "attend", at, "meetup", "m"),
			ev("cat", "attend", at, "meetup", "m"),
			ev("ann", "host_meetup", at),
			ev("bob", "read_newsletter", at),
		)
	}
	return out
}

func TestZeroSweepGraphAndPageRank(t *testing.T) {
	sweep.Run(t, []sweep.Case{
		{Name: "NewGraph/extreme and mismatched", Run: func(t *testing.T) {
			_, err := influence.NewGraph(-1, nil, nil, nil)
			sweep.WantInvalid(t, err)
			_, err = influence.NewGraph(math.MaxInt, nil, nil, nil)
			sweep.WantInvalid(t, err)
			_, err = influence.NewGraph(2, []int32{0}, nil, nil)
			sweep.WantInvalid(t, err)
			_, err = influence.NewGraph(2, []int32{0}, []int32{1}, []float64{nan})
			sweep.WantInvalid(t, err)
			_, err = influence.NewGraph(2, []int32{0}, []int32{1}, []float64{math.Inf(1)})
			sweep.WantInvalid(t, err)
			_, err = influence.NewGraph(2, []int32{math.MinInt32}, []int32{math.MaxInt32}, nil)
			sweep.WantInvalid(t, err)
			g, err := influence.NewGraph(0, nil, nil, nil)
			if err != nil || g.Len() != 0 || g.Edges() != 0 {
				t.Errorf("NewGraph(0) = %v, %v", g, err)
			}
		}},
		{Name: "Rank/nil and zero Graph", Run: func(t *testing.T) {
			_, err := influence.PageRank{}.Rank(nil)
			sweep.WantInvalid(t, err)
			var g influence.Graph
			r, err := influence.PageRank{}.Rank(&g)
			if err != nil || len(r.Scores) != 0 || !r.Converged {
				t.Errorf("Rank(zero Graph) = %+v, %v", r, err)
			}
		}},
		{Name: "Rank/NaN and extreme options", Run: func(t *testing.T) {
			g, err := influence.NewGraph(3, []int32{0, 1, 2}, []int32{1, 2, 0}, []float64{math.MaxFloat64, math.SmallestNonzeroFloat64, 1})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range []influence.PageRank{{Damping: nan}, {Damping: 1}, {Damping: -0.1}, {Tolerance: nan}, {Tolerance: math.Inf(1)}, {MaxIterations: -1}, {MaxIterations: math.MaxInt}} {
				_, err := p.Rank(g)
				sweep.WantInvalid(t, err)
			}
			r, err := influence.PageRank{Damping: math.Nextafter(1, 0), Tolerance: math.SmallestNonzeroFloat64, MaxIterations: influence.MaxPageRankIterations}.Rank(g)
			if !errors.Is(err, influence.ErrNotConverged) {
				t.Fatalf("a damping a hair below 1 converged: %v", err)
			}
			for _, s := range r.Scores {
				if math.IsNaN(s) {
					t.Errorf("a NaN rank: %v", r.Scores)
				}
			}
		}},
	})
}

func TestZeroSweepNetworkAndKOLs(t *testing.T) {
	sweep.Run(t, []sweep.Case{
		{Name: "NewNetwork/zero rules and nil events", Run: func(t *testing.T) {
			_, err := influence.NewNetwork(influence.GraphRules{}, nil)
			sweep.WantInvalid(t, err)
			n, err := influence.NewNetwork(graphRules, nil)
			if err != nil || len(n.Members) != 0 {
				t.Errorf("NewNetwork(nil) = %v, %v", n, err)
			}
		}},
		{Name: "Network/zero value", Run: func(t *testing.T) {
			var n influence.Network
			if n.Connections() != 0 || n.Density() != 0 || n.Graph().Len() != 0 || len(n.Reach(sweep.Now)) != 0 {
				t.Error("the zero Network has something")
			}
			for range n.Links() {
				t.Error("the zero Network has a link")
			}
		}},
		{Name: "Network/far times and extreme rules", Run: func(t *testing.T) {
			rules := graphRules
			rules.IdleDecay, rules.IdlePeriod, rules.MaxGathering = math.SmallestNonzeroFloat64, 1, math.MaxInt
			n, err := influence.NewNetwork(rules, slices.Values(farEvents()))
			if err != nil {
				t.Fatal(err)
			}
			for _, now := range []time.Time{{}, sweep.YearOne, sweep.Year9999} {
				for _, r := range n.Reach(now) {
					if math.IsNaN(r.Reach) {
						t.Errorf("a NaN reach at %v", now)
					}
				}
			}
			if d := n.Density(); math.IsNaN(d) {
				t.Error("a NaN density")
			}
			_, err = influence.NewNetwork(influence.GraphRules{Interactions: []influence.Interaction{{Event: qun.EventFilter{Name: "reply"}, With: "to", Weight: nan}}, IdleDecay: nan}, nil)
			sweep.WantInvalid(t, err)
		}},
		{Name: "FindKOLs/zero rules, nil events and extremes", Run: func(t *testing.T) {
			_, err := influence.FindKOLs(influence.GraphRules{}, influence.KOLRules{}, nil)
			sweep.WantInvalid(t, err)
			c, err := influence.FindKOLs(graphRules, influence.KOLRules{}, nil)
			if err != nil || len(c) != 0 {
				t.Errorf("FindKOLs(nil) = %v, %v", c, err)
			}
			_, err = influence.FindKOLs(graphRules, influence.KOLRules{N: math.MinInt, Staff: []qun.MemberID{""}}, nil)
			sweep.WantInvalid(t, err)
			c, err = influence.FindKOLs(graphRules, influence.KOLRules{N: math.MaxInt}, slices.Values(farEvents()))
			if err != nil || len(c) != 3 {
				t.Errorf("FindKOLs(far, N = MaxInt) = %v, %v", c, err)
			}
		}},
	})
}

func TestZeroSweepOrbit(t *testing.T) {
	sweep.Run(t, []sweep.Case{
		{Name: "Compile/zero and extreme rules", Run: func(t *testing.T) {
			_, err := influence.OrbitRules{}.Compile()
			sweep.WantInvalid(t, err)
			r := orbitRules
			r.Activities = append(slices.Clone(r.Activities), influence.Activity{Event: qun.EventFilter{Name: "x"}, Weight: math.MaxInt})
			r.Lookback = -1
			_, err = r.Compile()
			sweep.WantInvalid(t, err)
		}},
		{Name: "Place/zero Orbit", Run: func(t *testing.T) {
			var o influence.Orbit
			if got := o.Place(slices.Values(farEvents()), sweep.Now); len(got) != 0 {
				t.Errorf("Place of the zero Orbit = %v", got)
			}
		}},
		{Name: "Place/nil events, far times and a long lookback", Run: func(t *testing.T) {
			r := orbitRules
			r.Lookback = math.MaxInt64
			o, err := r.Compile()
			if err != nil {
				t.Fatal(err)
			}
			if got := o.Place(nil, sweep.Now); len(got) != 0 {
				t.Errorf("Place(nil) = %v", got)
			}
			for _, now := range []time.Time{{}, sweep.YearOne, sweep.Year9999} {
				for _, p := range o.Place(slices.Values(farEvents()), now) {
					if p.Level < 1 || p.Level > 4 || p.StepName() == "" {
						t.Errorf("placement %+v", p)
					}
				}
			}
		}},
		{Name: "Census and gravity/nil, extreme and NaN", Run: func(t *testing.T) {
			if c := influence.CensusOf(nil, nil); c != (influence.Census{}) {
				t.Errorf("CensusOf(nil) = %v", c)
			}
			c := influence.CensusOf([]influence.Placement{{Level: 0}, {Level: 200}, {Level: 1, Member: "s"}}, []qun.MemberID{"s"})
			if c != (influence.Census{}) {
				t.Errorf("CensusOf(unknown levels and staff) = %v", c)
			}
			if c := influence.OrbitGravity().Commitment(influence.Census{}); c != 0 {
				t.Errorf("Commitment of no one = %v", c)
			}
			var zero influence.GravityWeights
			if g := zero.Gravity(influence.Census{}, influence.Census{}); g != 0 {
				t.Errorf("Gravity of nothing = %v", g)
			}
			w := influence.GravityWeights{nan, math.Inf(1), 1, 1}
			w.Gravity(influence.Census{1, 2, 3, 4}, influence.Census{math.MaxInt64, 0, 0, 0})
			if (influence.Placement{}).StepName() != "" || (influence.Placement{Step: math.MaxInt}).StepName() != "" {
				t.Error("a step name for no step")
			}
			if influence.Level(0).String() == "" {
				t.Error("an empty level name")
			}
		}},
	})
}

// TestZeroSweepJSON reads garbage into every type with a strict JSON form,
// and validates the zero value of every type with a Validate method: no
// panic, and every refusal matches qun.ErrInvalid.
func TestZeroSweepJSON(t *testing.T) {
	decoders := []json.Unmarshaler{
		new(influence.GraphRules),
		new(influence.KOLRules),
		new(influence.OrbitRules),
		new(influence.PageRank),
	}
	validators := []interface{ Validate() error }{
		influence.GraphRules{},
		influence.KOLRules{},
		influence.OrbitRules{},
		influence.PageRank{},
	}
	sweep.JSON(t, decoders, validators)
}
