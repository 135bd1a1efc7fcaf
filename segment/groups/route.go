// Package groups routes members into chat groups and decides who may
// join one.
//
// # Routing
//
// Chat groups have hard caps: a WeChat group holds 500 members (and stops
// admitting by QR code at 200), so a community of ten thousand Italian
// wine fans is twenty groups, not one. A [Router] places the members of
// segments into groups: each pool of groups serves one segment, pools are
// tried in priority order, a group is filled up to its capacity and a new
// one opened when all are full. Members already in a group stay where
// they are, always: routing only places members who are in no group yet,
// and a member who no longer qualifies for their group is reported, not
// moved. Routing is deterministic: the same groups and candidates give
// the same plan in any input order, members being taken in the order of a
// stable FNV-1a hash of their ID (and the ID itself on a tie), never of a
// map. The capacity is hard: no group gains a member beyond it. Routing
// checks the groups and candidates it is given before it plans, and
// refuses bad input (two entries for one group, an empty member ID) whole,
// with an error naming each faulty field and no plan at all, never half of
// one (see [Router.Route]).
//
// # Admission
//
// A group without a threshold (门槛) is a crowd, not a community. An
// [Admission] admits a member who meets a threshold segment, typically
// "at least K of N conditions" written with the rule language's
// at_least, or who paid the entry fee, or whose application an operator
// approved; the host supplies the last two as facts. The decision says
// which routes admitted the member and explains the threshold clause by
// clause.
package groups

import (
	"cmp"
	"errors"
	"hash/fnv"
	"slices"
	"strconv"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/segment"
)

// Router places members into chat groups by segment. Its JSON form is
//
//	{"pools":[{"segment":"italian_wine_fans","capacity":500,"prefix":"italian-wine"},
//	          {"segment":"wine_lovers","capacity":500,"prefix":"wine","max_groups":10}],
//	 "balance":true}
//
// The zero Router has no pools and is refused by [Router.Validate].
type Router struct {
	// Pools are the pools of groups, highest priority first: a member is
	// placed in the first pool whose segment they are in and that has
	// room. Required: at least one, each for a different segment and with
	// a different prefix.
	Pools []Pool `json:"pools"`
	// Balance, when true, spreads new members evenly over a pool's
	// groups: it opens as few new groups as hold everyone and then places
	// each member in the group with the fewest members. The default,
	// false, fills groups one after another, opening the next when the
	// last is full.
	Balance bool `json:"balance,omitempty"`
}

// Pool is a set of groups for the members of one segment.
type Pool struct {
	// Segment is the name of the segment whose members the pool takes
	// (a valid name, see qun.ValidateName); it also names the pool in
	// [Group.Pool] and [Assignment.Pool]. Required.
	Segment string `json:"segment"`
	// Capacity is the most members one group of the pool holds, counted
	// in members: 500 for a WeChat group, 200 to keep it joinable by QR
	// code. Required: 1 or more; there is no default.
	Capacity int `json:"capacity"`
	// Prefix names the groups the router opens for the pool: prefix-1,
	// prefix-2, …, skipping IDs already in use. Required: a valid name of
	// at most 244 bytes, so that the numbered IDs are valid names too.
	Prefix string `json:"prefix"`
	// MaxGroups caps how many groups the pool may have, existing and
	// opened, counted in groups; candidates beyond the room of that many
	// full groups are waitlisted. The default, 0, means no cap. It must
	// not be negative.
	MaxGroups int `json:"max_groups,omitempty"`
}

// Group is an existing chat group and its members, as the host has them.
// [Router.Route] refuses a group whose ID, pool or members are not valid
// names, an ID given to two groups, and a member listed twice in one
// group.
type Group struct {
	// ID is the host's identifier of the group's chat, unique among the
	// groups given to one routing; for a group the router opened, the
	// prefix and a number ("italian-wine-3").
	ID string `json:"id"`
	// Pool is the segment of the pool the group belongs to; a group whose
	// pool the router does not have is left alone, but its members count
	// as placed.
	Pool string `json:"pool"`
	// Members are the members in the group, each once. A group may hold
	// more than its pool's capacity (the capacity was lowered after it
	// filled): it keeps them and gains no one.
	Members []qun.MemberID `json:"members"`
}

// Candidate is a member to route and the segments they are in, as a
// snapshot has them (see [Router.RouteSnapshot]).
type Candidate struct {
	// ID is the member: a valid member ID.
	ID qun.MemberID `json:"id"`
	// Segments are the names of the segments the member is in, in any
	// order; names no pool serves are ignored.
	Segments []string `json:"segments"`
}

// Assignment places a member in a group of a pool.
type Assignment struct {
	// Member is the member placed.
	Member qun.MemberID `json:"member"`
	// Group is the ID of the group: an existing one, or one the plan
	// opens (see [Plan.Opened]).
	Group string `json:"group"`
	// Pool is the segment of the group's pool.
	Pool string `json:"pool"`
}

// Plan is a routing decision, for the host to carry out. Every list is
// empty, not nil, in a plan Route returns, so that its JSON form has
// them all; a refused routing returns the zero Plan.
type Plan struct {
	// Assignments are the new placements, pool by pool in priority order
	// and, within a pool, in the order members were taken.
	Assignments []Assignment `json:"assignments"`
	// Opened are the groups to open, with the members placed in them; the
	// host creates the chats and may rename them.
	Opened []Group `json:"opened"`
	// Waitlisted are candidates in a pool's segment whom no pool they
	// qualify for had room for, every such pool being at its MaxGroups
	// and full.
	Waitlisted []qun.MemberID `json:"waitlisted"`
	// Unqualified are members of existing groups who are not, among the
	// candidates, in the segment of their group's pool. They stay; the
	// operator decides.
	Unqualified []Assignment `json:"unqualified"`
}

// Validate reports every problem with r, joined, each a
// *qun.ValidationError matching qun.ErrInvalid with its field path
// ("pools[1].capacity"): no pools, a pool's segment or prefix that is not
// a valid name or repeats another pool's, a capacity below 1, a negative
// cap on groups.
func (r Router) Validate() error {
	var errs []error
	if len(r.Pools) == 0 {
		errs = append(errs, qun.Invalid("pools", "needs at least one pool"))
	}
	seen := map[string]int{}
	prefixes := map[string]int{}
	for i, p := range r.Pools {
		path := "pools[" + strconv.Itoa(i) + "]"
		if qun.ValidateName(p.Segment) != nil {
			errs = append(errs, qun.Invalid(path+".segment", "must be a segment's name"))
		} else if j, dup := seen[p.Segment]; dup {
			errs = append(errs, qun.Invalid(path+".segment", "repeats pools[%d]", j))
		} else {
			seen[p.Segment] = i
		}
		if p.Capacity < 1 {
			errs = append(errs, qun.Invalid(path+".capacity", "must be 1 or more"))
		}
		if qun.ValidateName(p.Prefix) != nil || len(p.Prefix) > qun.MaxNameLen-12 {
			errs = append(errs, qun.Invalid(path+".prefix", "must be a name of at most %d bytes", qun.MaxNameLen-12))
		} else if j, dup := prefixes[p.Prefix]; dup {
			errs = append(errs, qun.Invalid(path+".prefix", "repeats pools[%d]", j))
		} else {
			prefixes[p.Prefix] = i
		}
		if p.MaxGroups < 0 {
			errs = append(errs, qun.Invalid(path+".max_groups", "must not be negative"))
		}
	}
	return errors.Join(errs...)
}

// RouteSnapshot routes the population of a snapshot: every member is a
// candidate, in the segments the snapshot has them in. A nil snapshot is
// an empty population (see [segment.Snapshot]).
func (r Router) RouteSnapshot(groups []Group, snap *segment.Snapshot) (Plan, error) {
	var cands []Candidate
	for id := range snap.Population() {
		c := Candidate{ID: id}
		for _, p := range r.Pools {
			if snap.Contains(p.Segment, id) {
				c.Segments = append(c.Segments, p.Segment)
			}
		}
		cands = append(cands, c)
	}
	return r.Route(groups, cands)
}

// poolState is a pool during routing: its groups, existing then opened.
type poolState struct {
	pool   Pool
	groups []*groupState
	ids    map[string]bool // group IDs in use
	opened int             // the number of the last group opened
	take   []qun.MemberID  // members routed to the pool, in order
}

type groupState struct {
	id    string
	size  int
	isNew bool
	added []qun.MemberID
}

// Route plans the placement of the candidates who are in no group yet.
// Existing groups keep their members; groups of pools the router does
// not have are left alone, but their members count as placed. A
// candidate listed twice counts once, in all the segments listed.
//
// No group of a pool gains a member beyond the pool's capacity. A group
// that already holds more (its pool's capacity was lowered after it
// filled) keeps its members and gains none.
//
// Route checks everything it is given before it plans, and refuses bad
// input with no plan and an error matching qun.ErrInvalid per fault,
// joined, each naming the field: "pools[0].capacity" for the router
// (see [Router.Validate]), and for the arguments
//
//   - "groups[i].id": a group ID that is not a valid name (see
//     qun.ValidateName) or that repeats another group's, since two
//     entries for one chat would each be filled to capacity;
//   - "groups[i].pool": a pool that is not a valid name;
//   - "groups[i].members[k]": a member ID that is not valid, or that
//     repeats within its group (a chat holds a person once);
//   - "candidates[i].id" and "candidates[i].segments[k]": a candidate ID
//     or a segment name that is not valid.
//
// A member may be in several groups, of one pool or of several: a person
// may be in several chats.
func (r Router) Route(groups []Group, candidates []Candidate) (Plan, error) {
	if err := errors.Join(r.Validate(), checkInput(groups, candidates)); err != nil {
		return Plan{}, err
	}
	plan := Plan{Assignments: []Assignment{}, Opened: []Group{}, Waitlisted: []qun.MemberID{}, Unqualified: []Assignment{}}
	placed := map[qun.MemberID]bool{}
	pools := make([]*poolState, len(r.Pools))
	byName := map[string]*poolState{}
	for i, p := range r.Pools {
		pools[i] = &poolState{pool: p, ids: map[string]bool{}}
		byName[p.Segment] = pools[i]
	}
	for _, g := range groups {
		for _, m := range g.Members {
			placed[m] = true
		}
		if ps, ok := byName[g.Pool]; ok {
			ps.groups = append(ps.groups, &groupState{id: g.ID, size: len(g.Members)})
		}
		for _, ps := range pools {
			ps.ids[g.ID] = true // no new group may take an existing ID
		}
	}
	// Merge repeated candidates, and take them in a stable hashed order.
	segs := map[qun.MemberID][]string{}
	for _, c := range candidates {
		segs[c.ID] = append(segs[c.ID], c.Segments...)
	}
	type keyed struct {
		h  uint64
		id qun.MemberID
	}
	keys := make([]keyed, 0, len(segs))
	for id := range segs {
		keys = append(keys, keyed{hash(id), id})
	}
	slices.SortFunc(keys, func(a, b keyed) int { return cmp.Or(cmp.Compare(a.h, b.h), cmp.Compare(a.id, b.id)) })
	order := make([]qun.MemberID, len(keys))
	for i, k := range keys {
		order[i] = k.id
	}
	// Report placed members who left their pool's segment.
	for _, g := range groups {
		if _, ok := byName[g.Pool]; !ok {
			continue
		}
		for _, m := range g.Members {
			if !slices.Contains(segs[m], g.Pool) {
				plan.Unqualified = append(plan.Unqualified, Assignment{Member: m, Group: g.ID, Pool: g.Pool})
			}
		}
	}
	slices.SortFunc(plan.Unqualified, func(a, b Assignment) int {
		return cmp.Or(cmp.Compare(a.Pool, b.Pool), cmp.Compare(a.Group, b.Group), cmp.Compare(a.Member, b.Member))
	})
	// Choose each member's pool: the first they qualify for with room.
	room := make([]int, len(pools))
	for i, ps := range pools {
		room[i] = ps.room()
	}
	for _, id := range order {
		if placed[id] {
			continue
		}
		qualifies, routed := false, false
		for i, ps := range pools {
			if !slices.Contains(segs[id], ps.pool.Segment) {
				continue
			}
			qualifies = true
			if room[i] > 0 {
				room[i]--
				ps.take = append(ps.take, id)
				routed = true
				break
			}
		}
		if qualifies && !routed {
			plan.Waitlisted = append(plan.Waitlisted, id)
		}
	}
	// Place each pool's members in its groups.
	for _, ps := range pools {
		ps.place(r.Balance, &plan)
	}
	return plan, nil
}

// checkInput reports every problem with Route's arguments, joined, with
// field paths (see [Router.Route]). The paths are built only for the
// faults, so checking valid input allocates only its two maps.
func checkInput(groups []Group, candidates []Candidate) error {
	var errs []error
	at := func(list string, i int, field string) string {
		return list + "[" + strconv.Itoa(i) + "]." + field
	}
	ids := make(map[string]int, len(groups))
	var members map[qun.MemberID]int // the group's members so far, by position
	for i, g := range groups {
		if err := qun.ValidateName(g.ID); err != nil {
			errs = append(errs, qun.Within(at("groups", i, "id"), err))
		} else if j, dup := ids[g.ID]; dup {
			errs = append(errs, qun.Invalid(at("groups", i, "id"), "repeats groups[%d]: one chat is one group", j))
		} else {
			ids[g.ID] = i
		}
		if err := qun.ValidateName(g.Pool); err != nil {
			errs = append(errs, qun.Within(at("groups", i, "pool"), err))
		}
		if members == nil {
			members = make(map[qun.MemberID]int, len(g.Members))
		}
		clear(members)
		for k, m := range g.Members {
			if err := m.Validate(); err != nil {
				errs = append(errs, qun.Within(at("groups", i, "members["+strconv.Itoa(k)+"]"), err))
			} else if j, dup := members[m]; dup {
				errs = append(errs, qun.Invalid(at("groups", i, "members["+strconv.Itoa(k)+"]"), "repeats members[%d]: a chat holds a person once", j))
			} else {
				members[m] = k
			}
		}
	}
	for i, c := range candidates {
		if err := c.ID.Validate(); err != nil {
			errs = append(errs, qun.Within(at("candidates", i, "id"), err))
		}
		for k, s := range c.Segments {
			if err := qun.ValidateName(s); err != nil {
				errs = append(errs, qun.Within(at("candidates", i, "segments["+strconv.Itoa(k)+"]"), err))
			}
		}
	}
	return errors.Join(errs...)
}

// unlimited is the room of a pool without a cap on its groups.
const unlimited = int(^uint(0) >> 1)

// room is how many more members the pool can take: the free places of
// its groups, and the places of the groups it may still open. It
// saturates at unlimited rather than overflow, however large the
// capacity and the cap on groups.
func (ps *poolState) room() int {
	if ps.pool.MaxGroups == 0 {
		return unlimited
	}
	n := 0
	for _, g := range ps.groups {
		n = addSat(n, max(0, ps.pool.Capacity-g.size))
	}
	more := max(0, ps.pool.MaxGroups-len(ps.groups))
	if more > 0 && ps.pool.Capacity > unlimited/more {
		return unlimited
	}
	return addSat(n, more*ps.pool.Capacity)
}

// addSat adds two counts from zero, saturating at unlimited.
func addSat(a, b int) int {
	if a > unlimited-b {
		return unlimited
	}
	return a + b
}

// open adds a new group to the pool.
func (ps *poolState) open() *groupState {
	for {
		ps.opened++
		id := ps.pool.Prefix + "-" + strconv.Itoa(ps.opened)
		if !ps.ids[id] {
			ps.ids[id] = true
			g := &groupState{id: id, isNew: true}
			ps.groups = append(ps.groups, g)
			return g
		}
	}
}

// place puts the pool's members in its groups, filling or balancing.
func (ps *poolState) place(balance bool, plan *Plan) {
	capacity := ps.pool.Capacity
	if balance {
		free := 0
		for _, g := range ps.groups {
			free = addSat(free, max(0, capacity-g.size))
		}
		for need := len(ps.take) - free; need > 0; need -= capacity {
			ps.open()
		}
	}
	for _, id := range ps.take {
		var target *groupState
		for _, g := range ps.groups {
			if g.size >= capacity {
				continue
			}
			if !balance {
				target = g
				break
			}
			if target == nil || g.size < target.size {
				target = g
			}
		}
		if target == nil {
			target = ps.open()
		}
		target.size++
		target.added = append(target.added, id)
		plan.Assignments = append(plan.Assignments, Assignment{Member: id, Group: target.id, Pool: ps.pool.Segment})
	}
	for _, g := range ps.groups {
		if g.isNew && len(g.added) > 0 {
			plan.Opened = append(plan.Opened, Group{ID: g.id, Pool: ps.pool.Segment, Members: g.added})
		}
	}
}

// hash is the stable order of members: FNV-1a of the ID.
func hash(id qun.MemberID) uint64 {
	h := fnv.New64a()
	h.Write([]byte(id))
	return h.Sum64()
}
