package influence

import (
	"cmp"
	"errors"
	"iter"
	"maps"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/scoring/internal/check"
)

// GraphRules say how events become a community's interaction network
// (社交网络), in the terms of Orbit's reach (github.com/orbit-love/orbit-model,
// pages/reach/measure.mdx): members are connected by direct interactions,
// where one speaks to another (a reply, a mention, a share of their post,
// an invitation), and by indirect ones, where both were in the same place
// at the same time (the same meetup, live session or thread) without
// speaking. Each interaction adds its weight to the connection's strength;
// Orbit's example weighs a direct interaction 10 and an indirect one 1.
//
// Its JSON form is
//
//	{"interactions":[{"event":{"name":"reply"},"with":"to","weight":10},
//	                 {"event":{"name":"invite"},"with":"invitee","credits":"actor","weight":10}],
//	 "gatherings":[{"event":{"name":"attend"},"place":"meetup","weight":1}],
//	 "idle_decay":0.9,"idle_period":"30d"}
type GraphRules struct {
	// Interactions are the direct interactions.
	Interactions []Interaction `json:"interactions"`
	// Gatherings are the indirect interactions.
	Gatherings []Gathering `json:"gatherings,omitempty"`
	// MaxGathering is the largest gathering that connects its members;
	// in a larger crowd, having been there is no relationship. Zero
	// means 100.
	MaxGathering int `json:"max_gathering,omitempty"`
	// IdleDecay is the share of a connection's strength left after each
	// whole IdlePeriod since its last interaction, for reach: Orbit's
	// example takes 10% off per idle month (7 × 0.9³ = 5.1 after three
	// months). Zero means 0.9; 1 keeps connections at full strength.
	IdleDecay float64 `json:"idle_decay,omitempty"`
	// IdlePeriod is the period of IdleDecay; zero means 30 days.
	IdlePeriod qun.Duration `json:"idle_period,omitempty"`
}

// Interaction turns events into direct interactions: the member who did
// the event interacts with the member its With property names.
type Interaction struct {
	// Event selects the events.
	Event qun.EventFilter `json:"event"`
	// With is the property that names the other member: "to" on a reply,
	// "mentioned" on a mention, "author" on a share, "invitee" on an
	// invitation.
	With string `json:"with"`
	// Credits says which of the two the interaction credits, that is,
	// which way the edge points for influence: "other" (the default: a
	// reply credits the member replied to) or "actor" (an invitation
	// credits the member who invited).
	Credits string `json:"credits,omitempty"`
	// Weight is the strength one interaction adds; it must be positive.
	Weight float64 `json:"weight"`
}

// Gathering turns events into indirect interactions: members whose events
// name the same place in the Place property are connected.
type Gathering struct {
	// Event selects the events.
	Event qun.EventFilter `json:"event"`
	// Place is the property that names the place, such as "meetup".
	Place string `json:"place"`
	// Weight is the strength being in one place adds to each pair; it
	// must be positive.
	Weight float64 `json:"weight"`
}

// Validate reports every problem with r, joined.
func (r GraphRules) Validate() error {
	var errs []error
	if len(r.Interactions)+len(r.Gatherings) == 0 {
		errs = append(errs, qun.Invalid("interactions", "must have at least one interaction or gathering"))
	}
	for i, in := range r.Interactions {
		field := "interactions[" + strconv.Itoa(i) + "]"
		errs = append(errs, qun.Within(field+".event", in.Event.Validate()))
		if reason := check.NameProblem(in.With); reason != "" {
			errs = append(errs, qun.Invalid(field+".with", "%s", reason))
		}
		if in.Credits != "" && in.Credits != "other" && in.Credits != "actor" {
			errs = append(errs, qun.Invalid(field+".credits", "must be \"other\" or \"actor\""))
		}
		if !(in.Weight > 0) || math.IsInf(in.Weight, 0) {
			errs = append(errs, qun.Invalid(field+".weight", "must be positive and finite"))
		}
	}
	for i, g := range r.Gatherings {
		field := "gatherings[" + strconv.Itoa(i) + "]"
		errs = append(errs, qun.Within(field+".event", g.Event.Validate()))
		if reason := check.NameProblem(g.Place); reason != "" {
			errs = append(errs, qun.Invalid(field+".place", "%s", reason))
		}
		if !(g.Weight > 0) || math.IsInf(g.Weight, 0) {
			errs = append(errs, qun.Invalid(field+".weight", "must be positive and finite"))
		}
	}
	if r.MaxGathering < 0 {
		errs = append(errs, qun.Invalid("max_gathering", "must not be negative"))
	}
	if !(r.IdleDecay >= 0 && r.IdleDecay <= 1) {
		errs = append(errs, qun.Invalid("idle_decay", "must be between 0 and 1"))
	}
	if r.IdlePeriod < 0 {
		errs = append(errs, qun.Invalid("idle_period", "must not be negative"))
	}
	return errors.Join(errs...)
}

// UnmarshalJSON reads rules from JSON strictly: unknown fields and invalid
// rules are refused with errors that match [qun.ErrInvalid].
func (r *GraphRules) UnmarshalJSON(data []byte) error {
	type plain GraphRules
	var v plain
	if isNull(data) {
		return nil
	}
	if err := qun.UnmarshalStrict(data, &v); err != nil {
		return err
	}
	if err := GraphRules(v).Validate(); err != nil {
		return err
	}
	*r = GraphRules(v)
	return nil
}

// Network is a community's interaction network: its members, and for each
// ordered pair that interacted, a link whose direction is the credit's
// (from the member who gave it to the member who received it). Members are
// numbered in the order they first appear in the events.
type Network struct {
	// Members are the nodes: member i is node i of [Network.Graph].
	Members []qun.MemberID
	links   []link
	decay   float64
	period  time.Duration
}

type link struct {
	from, to int32
	weight   float64
	count    int64
	last     time.Time
}

// Link is a directed connection of a [Network].
type Link struct {
	// From gave credit to To.
	From, To qun.MemberID
	// Weight is the total strength of their interactions.
	Weight float64
	// Count is the number of interactions.
	Count int64
	// Last is the time of the latest.
	Last time.Time
}

// NewNetwork builds the network of the events under the rules. An event
// whose other member is missing, not a valid member ID, or the actor
// themselves adds nothing. A nil events holds none.
func NewNetwork(rules GraphRules, events iter.Seq[qun.Event]) (*Network, error) {
	return newNetwork(rules, events, nil)
}

// newNetwork builds the network of the events that meet keep (all, if nil).
func newNetwork(rules GraphRules, events iter.Seq[qun.Event], keep *qun.Condition) (*Network, error) {
	if err := rules.Validate(); err != nil {
		return nil, err
	}
	if events == nil {
		events = func(func(qun.Event) bool) {}
	}
	n := &Network{decay: rules.IdleDecay, period: time.Duration(rules.IdlePeriod)}
	if n.decay == 0 {
		n.decay = 0.9
	}
	if n.period == 0 {
		n.period = 30 * 24 * time.Hour
	}
	maxGathering := rules.MaxGathering
	if maxGathering == 0 {
		maxGathering = 100
	}
	index := make(map[qun.MemberID]int32)
	node := func(m qun.MemberID) int32 {
		i, ok := index[m]
		if !ok {
			i = int32(len(n.Members))
			index[m] = i
			n.Members = append(n.Members, m)
		}
		return i
	}
	byPair := make(map[[2]int32]int)
	add := func(from, to int32, w float64, at time.Time) {
		k := [2]int32{from, to}
		i, ok := byPair[k]
		if !ok {
			i = len(n.links)
			byPair[k] = i
			n.links = append(n.links, link{from: from, to: to, last: at})
		}
		l := &n.links[i]
		l.weight = math.Min(l.weight+w, math.MaxFloat64) // no overflow to +Inf
		l.count++
		if at.After(l.last) {
			l.last = at
		}
	}
	type place struct {
		rule  int
		value string
	}
	places := make(map[place]map[qun.MemberID]time.Time)
	var order []place // places in order of appearance, for determinism
	for e := range events {
		if keep != nil {
			v, ok := e.Props[keep.Prop]
			if !keep.Holds(v, ok) {
				continue
			}
		}
		for _, in := range rules.Interactions {
			if !in.Event.Match(e) {
				continue
			}
			other, ok := e.Props[in.With]
			if !ok || qun.MemberID(other) == e.Member || qun.MemberID(other).Validate() != nil || e.Member.Validate() != nil {
				continue
			}
			from, to := node(e.Member), node(qun.MemberID(other))
			if in.Credits == "actor" {
				from, to = to, from
			}
			add(from, to, in.Weight, e.Time)
		}
		for i, g := range rules.Gatherings {
			if !g.Event.Match(e) || e.Member.Validate() != nil {
				continue
			}
			v, ok := e.Props[g.Place]
			if !ok {
				continue
			}
			p := place{i, v}
			who := places[p]
			if who == nil {
				who = make(map[qun.MemberID]time.Time)
				places[p] = who
				order = append(order, p)
			}
			if t, seen := who[e.Member]; !seen || e.Time.After(t) {
				who[e.Member] = e.Time
			}
		}
	}
	for _, p := range order {
		who := places[p]
		if len(who) < 2 || len(who) > maxGathering {
			continue
		}
		members := slices.Sorted(maps.Keys(who))
		w := rules.Gatherings[p.rule].Weight
		for i, a := range members {
			for _, b := range members[i+1:] {
				at := who[a]
				if who[b].After(at) {
					at = who[b]
				}
				x, y := node(a), node(b)
				add(x, y, w, at)
				add(y, x, w, at)
			}
		}
	}
	return n, nil
}

// Links yields the network's links, in the order they first appeared.
func (n *Network) Links() iter.Seq[Link] {
	return func(yield func(Link) bool) {
		for _, l := range n.links {
			if !yield(Link{From: n.Members[l.from], To: n.Members[l.to], Weight: l.weight, Count: l.count, Last: l.last}) {
				return
			}
		}
	}
}

// Graph returns the network as a [Graph] for PageRank: node i is
// Members[i], and each link an edge weighted by its strength.
func (n *Network) Graph() *Graph {
	from, to, w := make([]int32, len(n.links)), make([]int32, len(n.links)), make([]float64, len(n.links))
	for i, l := range n.links {
		from[i], to[i], w[i] = l.from, l.to, l.weight
	}
	return newGraph(len(n.Members), from, to, w)
}

// connections returns the undirected connections: for each pair that
// interacted either way, their combined strength and latest interaction.
func (n *Network) connections() map[[2]int32]link {
	conns := make(map[[2]int32]link, len(n.links))
	for _, l := range n.links {
		k := [2]int32{min(l.from, l.to), max(l.from, l.to)}
		c, ok := conns[k]
		if !ok {
			c = link{from: k[0], to: k[1], last: l.last}
		}
		c.weight += l.weight
		c.count += l.count
		if l.last.After(c.last) {
			c.last = l.last
		}
		conns[k] = c
	}
	return conns
}

// Connections returns the number of pairs of members connected either
// way.
func (n *Network) Connections() int { return len(n.connections()) }

// Density returns the network's density, as Orbit defines it: actual
// connections over potential ones, n(n−1)/2 for n members. Only members
// who interacted are nodes; to count a community's silent members too,
// divide [Network.Connections] by the potential connections of its size.
func (n *Network) Density() float64 {
	m := float64(len(n.Members))
	if m < 2 {
		return 0
	}
	return float64(n.Connections()) / (m * (m - 1) / 2)
}

// Reach is a member's reach in Orbit's sense: the sum of the strengths of
// their connections, each weakened for every whole idle period since the
// pair last interacted.
type Reach struct {
	// Member is whose reach it is.
	Member qun.MemberID `json:"member"`
	// Reach is the sum of their connections' decayed strengths.
	Reach float64 `json:"reach"`
	// Connections is the number of members they are connected to (their
	// degree).
	Connections int `json:"connections"`
}

// Reach returns every member's reach at now, the highest first (and by
// member ID among equals).
func (n *Network) Reach(now time.Time) []Reach {
	out := make([]Reach, len(n.Members))
	for i, m := range n.Members {
		out[i].Member = m
	}
	conns := n.connections()
	keys := slices.SortedFunc(maps.Keys(conns), func(a, b [2]int32) int {
		if c := cmp.Compare(a[0], b[0]); c != 0 {
			return c
		}
		return cmp.Compare(a[1], b[1])
	})
	for _, k := range keys {
		c := conns[k]
		strength := c.weight
		if idle := now.Sub(c.last); idle > 0 && n.decay < 1 {
			strength *= math.Pow(n.decay, float64(idle/n.period))
		}
		for _, v := range k {
			out[v].Reach += strength
			out[v].Connections++
		}
	}
	slices.SortStableFunc(out, func(a, b Reach) int {
		if c := cmp.Compare(b.Reach, a.Reach); c != 0 {
			return c
		}
		return cmp.Compare(a.Member, b.Member)
	})
	return out
}
