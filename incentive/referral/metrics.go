package referral

import (
	"iter"
	"time"

	"github.com/qunkit/qun"
)

// Stats are one member's numbers as an inviter: the funnel from
// invitations sent to invitees activated.
type Stats struct {
	// Sent counts the invitations the host recorded with [Graph.Send].
	Sent int64 `json:"sent"`
	// Touches counts the invitations that reached someone.
	Touches int64 `json:"touches"`
	// Accepted counts the invitees attributed to the member.
	Accepted int64 `json:"accepted"`
	// Activated counts those of them who reached the program's activation
	// milestone (a refund that reopens it takes it back).
	Activated int64 `json:"activated"`
	// Refused counts the joins whose attribution to the member a guard
	// refused: self-invites, cycles and fraud signals.
	Refused int64 `json:"refused"`
}

// Inviter returns the member's numbers as an inviter; a member the graph
// does not know has none.
func (g *Graph) Inviter(member qun.MemberID) Stats {
	i, ok := g.ids[member]
	if !ok {
		return Stats{}
	}
	n := &g.nodes[i]
	return Stats{Sent: n.sent, Touches: n.touched, Accepted: n.accepted, Activated: n.activated, Refused: n.refused}
}

// Viral is the viral coefficient K of a group of members (a cohort, or a
// generation of the invite tree) and its parts, as David Skok defines it
// in "Lessons Learned – Viral Marketing" (forEntrepreneurs, 2009,
// https://www.forentrepreneurs.com/lessons-learnt-viral-marketing/):
// K = i × c, where i is the invitations each member sends and c the share
// of invitations that convert into new members. K above 1 grows on its own;
// below 1, each generation is smaller than the last.
//
// Here the group's invitations are counted per inviter as the larger of
// the invitations the host recorded ([Graph.Send]) and the invitees
// accepted, so that an inviter whose sends were not recorded counts one
// invitation per accepted invitee. So c never exceeds 1, and K = i × c =
// Accepted / Members holds exactly: the new members each member of the
// group brought in, however the host records sends.
type Viral struct {
	// Members is the size of the group.
	Members int64 `json:"members"`
	// Sent, Accepted and Activated are the group's invitations and the
	// invitees they brought, and of those the ones activated.
	Sent      int64 `json:"sent"`
	Accepted  int64 `json:"accepted"`
	Activated int64 `json:"activated"`
	// Invites is i, Sent per member; Conversion is c, Accepted per Sent;
	// K is their product, Accepted per member. Each is 0 when its
	// denominator is.
	Invites    float64 `json:"invites"`
	Conversion float64 `json:"conversion"`
	K          float64 `json:"k"`
	// Activation is Activated per Accepted.
	Activation float64 `json:"activation"`
	// CycleTime is the mean time from an inviter's joining to an
	// invitee's (Skok's viral cycle time), over the accepted invitees
	// whose inviter has joined; 0 if there are none.
	CycleTime time.Duration `json:"cycle_time"`
}

// viralSum accumulates a Viral.
type viralSum struct {
	v      Viral
	cycles float64 // seconds
	counts int64
}

func (s *viralSum) add(g *Graph, i int32) {
	n := &g.nodes[i]
	s.v.Members++
	s.v.Sent += max(n.sent, n.accepted) // at most 2^32−1 each: see Graph.Send
	s.v.Accepted += n.accepted
	s.v.Activated += n.activated
}

// addChild adds the cycle time of invitee v to the sum.
func (s *viralSum) addChild(g *Graph, v int32) {
	n := &g.nodes[v]
	p := &g.nodes[n.parent]
	if p.flags&joinedFlag != 0 {
		s.cycles += float64(n.joined-p.joined) / 1e9
		s.counts++
	}
}

func (s *viralSum) result() Viral {
	v := s.v
	ratio := func(a, b int64) float64 {
		if b == 0 {
			return 0
		}
		return float64(a) / float64(b)
	}
	v.Invites = ratio(v.Sent, v.Members)
	v.Conversion = ratio(v.Accepted, v.Sent)
	v.K = ratio(v.Accepted, v.Members)
	v.Activation = ratio(v.Activated, v.Accepted)
	if s.counts > 0 {
		v.CycleTime = time.Duration(s.cycles / float64(s.counts) * float64(time.Second))
	}
	return v
}

// Viral returns the viral coefficient of the given members (each once);
// members the graph does not know count as members who brought no one. A
// nil members holds no one.
func (g *Graph) Viral(members iter.Seq[qun.MemberID]) Viral {
	var s viralSum
	if members == nil {
		return s.result()
	}
	in := make(map[int32]bool)
	for m := range members {
		i, ok := g.ids[m]
		if !ok {
			s.v.Members++
			continue
		}
		s.add(g, i)
		in[i] = true
	}
	for v := range g.nodes {
		if p := g.nodes[v].parent; p >= 0 && in[p] {
			s.addChild(g, int32(v))
		}
	}
	return s.result()
}

// Cohort returns the viral coefficient of the cohort of members who
// joined in the period p (a day, a week, a month of the program's
// calendar): how many new members the cohort brought in, to date.
func (g *Graph) Cohort(p qun.Period) Viral {
	loc := g.cal.Location()
	clamp := func(t time.Time) int64 {
		switch {
		case t.Before(minTime):
			return minTime.UnixNano()
		case t.After(maxTime):
			return maxTime.UnixNano()
		}
		return t.UnixNano()
	}
	from, until := clamp(p.Start(loc)), clamp(p.End(loc))
	in := func(t int64) bool { return t >= from && t < until }
	var s viralSum
	for i := range g.nodes {
		n := &g.nodes[i]
		if n.flags&joinedFlag != 0 && in(n.joined) {
			s.add(g, int32(i))
		}
		if n.parent >= 0 {
			if pn := &g.nodes[n.parent]; pn.flags&joinedFlag != 0 && in(pn.joined) {
				s.addChild(g, int32(i))
			}
		}
	}
	return s.result()
}

// Generations returns the viral coefficient of each generation of the
// invite tree: generation 0 are the members no one invited (seed members,
// organic joiners), generation 1 those they invited, and so on. K of
// generation g is the size of generation g+1 over that of g.
func (g *Graph) Generations() []Viral {
	gen := g.generations()
	var sums []viralSum
	for i := range g.nodes {
		if gen[i] < 0 {
			continue
		}
		for int(gen[i]) >= len(sums) {
			sums = append(sums, viralSum{})
		}
		sums[gen[i]].add(g, int32(i))
		if p := g.nodes[i].parent; p >= 0 {
			sums[gen[p]].addChild(g, int32(i))
		}
	}
	out := make([]Viral, len(sums))
	for k := range sums {
		out[k] = sums[k].result()
	}
	return out
}

// isMember reports whether node i is a member: joined, or inviting.
func (n *node) isMember() bool { return n.flags&(joinedFlag|inviterFlag) != 0 }

// generations returns the generation of every node: its depth in the
// invite tree, or -1 for a prospect who neither joined nor invited. The
// tree has no cycles (Join refuses them), so walking up ends.
func (g *Graph) generations() []int32 {
	gen := make([]int32, len(g.nodes))
	for i := range gen {
		gen[i] = -2 // not yet known
	}
	var path []int32
	for i := range g.nodes {
		if gen[i] != -2 {
			continue
		}
		if !g.nodes[i].isMember() {
			gen[i] = -1
			continue
		}
		path = path[:0]
		v := int32(i)
		for gen[v] == -2 && g.nodes[v].parent >= 0 {
			path = append(path, v)
			v = g.nodes[v].parent
		}
		if gen[v] == -2 {
			gen[v] = 0
		}
		for k := len(path) - 1; k >= 0; k-- {
			gen[path[k]] = gen[g.nodes[path[k]].parent] + 1
		}
	}
	return gen
}

// Tree is the shape of the invite tree (a forest: one tree per member no
// one invited).
type Tree struct {
	// Members counts the members: those who joined, and those who invited
	// someone without having joined themselves.
	Members int64 `json:"members"`
	// Roots counts the members no one invited.
	Roots int64 `json:"roots"`
	// Depth is the deepest generation: 0 when no one was invited.
	Depth int `json:"depth"`
	// Breadth is the size of the widest generation, and Widest its number.
	Breadth int64 `json:"breadth"`
	Widest  int   `json:"widest"`
	// FanOut is the most invitees of any one member.
	FanOut int64 `json:"fan_out"`
	// Generations counts the members of each generation.
	Generations []int64 `json:"generations"`
}

// Tree returns the shape of the invite tree.
func (g *Graph) Tree() Tree {
	gen := g.generations()
	var t Tree
	for i := range g.nodes {
		n := &g.nodes[i]
		if gen[i] < 0 {
			continue
		}
		t.Members++
		if n.parent < 0 {
			t.Roots++
		}
		for int(gen[i]) >= len(t.Generations) {
			t.Generations = append(t.Generations, 0)
		}
		t.Generations[gen[i]]++
		t.FanOut = max(t.FanOut, n.accepted)
	}
	for k, c := range t.Generations {
		if c > t.Breadth {
			t.Breadth, t.Widest = c, k
		}
	}
	if len(t.Generations) > 0 {
		t.Depth = len(t.Generations) - 1
	}
	return t
}
