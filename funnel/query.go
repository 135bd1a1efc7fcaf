package funnel

import (
	"cmp"
	"math/bits"
	"slices"
	"time"

	"github.com/qunkit/qun"
)

// Query is a compiled [Funnel], ready to run over tables. It is immutable;
// any number of goroutines may run it at once.
//
// Only [Funnel.Compile] makes a working Query. A nil *Query and the zero
// Query have no steps and count nothing: Run returns the zero Result,
// Explain finds no one, and Funnel returns the zero Funnel.
type Query struct {
	f      Funnel
	n      int
	window Window
	loc    *time.Location
	within []Window // per step; zero when none
	first  uint64   // steps whose Occurrence is not AnyOccurrence
}

// Compile validates f and returns its compiled form.
func (f Funnel) Compile() (*Query, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	q := &Query{f: f, n: len(f.Steps), window: f.Window, loc: f.Zone.Location()}
	if q.window.IsZero() {
		q.window = DefaultWindow
	}
	q.within = make([]Window, q.n)
	for i, s := range f.Steps {
		q.within[i] = s.Within
		if s.Occurrence != AnyOccurrence {
			q.first |= 1 << i
		}
	}
	return q, nil
}

// Funnel returns the definition q was compiled from.
func (q *Query) Funnel() Funnel {
	if q == nil {
		return Funnel{}
	}
	return q.f
}

// Run counts the funnel over the events of t within r. A nil t reads as
// an empty table: every step counts 0 members. A nil or zero q (not made by
// Compile) returns the zero Result, with no steps.
func (q *Query) Run(t *Table, r Range) Result {
	if q == nil || q.n == 0 {
		return Result{}
	}
	if t == nil {
		t = new(Table)
	}
	e := q.newExec(t, r)
	var g grouper
	g.each(t, e.keep, e.member)
	return e.result()
}

// Path explains one member's way through a funnel: how far they got, when
// they did each step of the attempt that got them there, and whether an
// exclusion dropped them.
type Path struct {
	// Member is who this is.
	Member qun.MemberID
	// Reached is the number of steps completed, 0 to len(Steps).
	Reached int
	// Times are when the member did each completed step (empty when
	// Dropped).
	Times []time.Time
	// Dropped reports that an exclusion removed the member from the funnel.
	Dropped bool
}

// Explain returns the path of one member of t through the funnel, as Run
// counts it; ok is false when t has no such member (a nil t has none), and
// when q is nil or zero (not made by Compile).
func (q *Query) Explain(t *Table, m qun.MemberID, r Range) (p Path, ok bool) {
	if q == nil || q.n == 0 || t == nil {
		return Path{}, false
	}
	id, ok := t.memberIDs[m]
	if !ok {
		return Path{}, false
	}
	e := q.newExec(t, r)
	p.Member = m
	var g grouper
	one := &Table{pages: t.pages[id>>pageBits : id>>pageBits+1], names: t.names, keys: t.keys, values: t.values, members: t.members, joined: t.joined, memberProps: t.memberProps}
	g.each(one, e.keep, func(run *memberRun) {
		run.member |= id &^ (PageMembers - 1) // the page's members, not the first page's
		if run.member != id {
			return
		}
		e.nodes = e.nodes[:0]
		var level int
		var times []int64
		var dropped bool
		if e.load(run); len(e.evs) > 0 {
			if q.f.Order == Unordered {
				level, times, dropped = e.unordered()
			} else {
				level, times, dropped = e.ordered()
			}
		}
		p.Reached, p.Dropped = level, dropped
		for _, us := range times {
			p.Times = append(p.Times, time.UnixMicro(us).UTC())
		}
	})
	return p, true
}

// cond is a condition resolved against a table's property keys.
type cond struct {
	c     qun.Condition
	key   uint32
	known bool // the key occurs in the table
}

func (c *cond) holds(t *Table, p *page, row uint32) bool {
	if !c.known {
		return c.c.Holds("", false)
	}
	v, ok := p.prop(row, c.key)
	if !ok {
		return c.c.Holds("", false)
	}
	return c.c.Holds(t.values.strs[v], true)
}

func resolve(t *Table, where []qun.Condition) []cond {
	if len(where) == 0 {
		return nil
	}
	out := make([]cond, len(where))
	for i, c := range where {
		key, ok := t.keys.lookup(c.Prop)
		out[i] = cond{c: c, key: key, known: ok}
	}
	return out
}

// ev is one event of a member as a funnel sees it.
type ev struct {
	t    int64
	mask uint64 // steps it may complete
	excl uint64 // exclusions it matches
	row  uint32
	in   bool // within the query's range
}

// exec is one run of a query over a table: resolved names, scratch state
// reused across members, and the tallies.
type exec struct {
	q        *Query
	t        *Table
	n        int
	from, to int64
	keep     []bool   // names a member's run must include; nil for all
	stepsOf  []uint64 // per name ID: steps with that name
	exclOf   []uint64 // per name ID: exclusions with that name
	filtered uint64   // steps with conditions
	stepCond [][]cond
	exclCond [][]cond
	firstT   []int64

	plain    bool // the funnel takes orderedPlain's fast path
	evs      []ev
	nodes    []tnode // the steps of a member's attempts, each pointing to the one before
	times    []int64 // the times of the attempt a member is counted at
	all      chain
	snap     chain   // the state before an instant of tied events
	owner    []int32 // tie: the step each event of the instant completes
	visit    []bool
	reach    []int
	tieGroup []ev
	match    []int32          // unordered: step -> event index
	lvlT     []int64          // unordered: time each level was reached
	bestT    []int64          // unordered: the times of the furthest window
	cleanT   []int64          // unordered: the times of the furthest clean window
	dmasks   []uint64         // unordered: the member's distinct step masks
	dmaskIDs map[uint64]int32 // unordered: their indexes, beyond the first linearMasks
	mid      []int32          // unordered: per event, its mask's index (-1: none)
	mstart   []int32          // unordered: per mask, where its positions start in pos
	mptr     []int32          // unordered: per mask, a cursor into pos
	pos      []int32          // unordered: event positions, by mask, in time order
	xpos     []int32          // unordered: positions of events that match an exclusion
	cand     []int32          // unordered: the events a window offers

	// Tallies.
	reached []int64
	durs    []durations
	dropped int64
	bdKey   uint32
	bdKnown bool
	bdIndex map[uint32]int // value ID+1 -> index in bdReached
	bdVals  []uint32
	bdReach [][]int64
}

func (q *Query) newExec(t *Table, r Range) *exec {
	e := &exec{q: q, t: t, n: q.n}
	e.from, e.to = r.bounds()
	nNames := len(t.names.strs)
	e.stepsOf = make([]uint64, nNames)
	e.exclOf = make([]uint64, nNames)
	e.stepCond = make([][]cond, q.n)
	for i, s := range q.f.Steps {
		if id, ok := t.names.lookup(s.Name); ok {
			e.stepsOf[id] |= 1 << i
		}
		e.stepCond[i] = resolve(t, s.Where)
		if len(s.Where) > 0 {
			e.filtered |= 1 << i
		}
	}
	e.exclCond = make([][]cond, len(q.f.Exclusions))
	for i, x := range q.f.Exclusions {
		if id, ok := t.names.lookup(x.Event.Name); ok {
			e.exclOf[id] |= 1 << i
		}
		e.exclCond[i] = resolve(t, x.Event.Where)
	}
	if q.f.Order != Strict && !q.f.StrictOrder {
		// Other events matter only where they can break a strict funnel.
		e.keep = make([]bool, nNames)
		for id := range nNames {
			e.keep[id] = e.stepsOf[id]|e.exclOf[id] != 0
		}
	}
	f := &q.f
	e.plain = f.Order == Ordered && len(f.Exclusions) == 0 && q.first == 0 && e.filtered == 0 &&
		!f.StrictOrder && !f.StrictDedup && !f.StrictIncrease && (f.Breakdown == nil || f.Breakdown.Member)
	for _, w := range q.within {
		e.plain = e.plain && w.IsZero()
	}
	e.firstT = make([]int64, q.n)
	e.all = newChain(q.n)
	e.snap = newChain(q.n)
	e.reach = make([]int, q.n+1)
	e.match = make([]int32, q.n)
	e.lvlT = make([]int64, q.n)
	e.bestT = make([]int64, q.n)
	e.cleanT = make([]int64, q.n)
	e.reached = make([]int64, q.n)
	e.times = make([]int64, q.n)
	e.durs = make([]durations, q.n)
	if b := q.f.Breakdown; b != nil {
		e.bdKey, e.bdKnown = t.keys.lookup(b.Prop)
		e.bdIndex = make(map[uint32]int)
	}
	return e
}

// member measures one member's run.
func (e *exec) member(r *memberRun) {
	e.nodes = e.nodes[:0]
	var level int
	var times []int64
	var dropped bool
	if e.plain {
		var ok bool
		if level, times, ok = e.orderedPlain(r); ok {
			e.tally(r, level, times)
			return
		}
		e.nodes = e.nodes[:0]
	}
	e.load(r)
	if len(e.evs) == 0 {
		return
	}
	if e.q.f.Order == Unordered {
		level, times, dropped = e.unordered()
	} else {
		level, times, dropped = e.ordered()
	}
	if level == 0 {
		return
	}
	if dropped {
		e.dropped++
		return
	}
	e.tally(r, level, times)
}

// tally counts a member who reached level with the given step times.
func (e *exec) tally(r *memberRun, level int, times []int64) {
	if level == 0 {
		return
	}
	for k := range level {
		e.reached[k]++
		if k > 0 {
			e.durs[k].add(times[k] - times[k-1])
		}
	}
	if e.q.f.Breakdown != nil {
		e.tallyBreakdown(r, level)
	}
}

// load fills e.evs with the member's events as the funnel sees them.
func (e *exec) load(r *memberRun) {
	t, p := e.t, r.page
	if e.q.first != 0 {
		e.firstOccurrences(r)
	}
	all := e.keep == nil
	evs := e.evs[:0]
	for i, at := range r.times {
		if at < e.from || at >= e.to {
			continue
		}
		name := r.names[i]
		mask, excl := e.stepsOf[name], e.exclOf[name]
		if mask&e.filtered != 0 {
			for m := mask & e.filtered; m != 0; m &= m - 1 {
				k := bits.TrailingZeros64(m)
				if !holdsAll(e.stepCond[k], t, p, r.rows[i]) {
					mask &^= 1 << k
				}
			}
		}
		if mask&e.q.first != 0 {
			for m := mask & e.q.first; m != 0; m &= m - 1 {
				if k := bits.TrailingZeros64(m); at != e.firstT[k] {
					mask &^= 1 << k
				}
			}
		}
		for m := excl; m != 0; m &= m - 1 {
			k := bits.TrailingZeros64(m)
			if !holdsAll(e.exclCond[k], t, p, r.rows[i]) {
				excl &^= 1 << k
			}
		}
		if mask|excl != 0 || all {
			evs = append(evs, ev{t: at, mask: mask, excl: excl, row: r.rows[i], in: true})
		}
	}
	e.evs = evs
}

// firstOccurrences finds, for each step that takes only a first
// occurrence, the time of the member's first qualifying event in all of
// their history (minMicros-1 when there is none).
func (e *exec) firstOccurrences(r *memberRun) {
	for m := e.q.first; m != 0; m &= m - 1 {
		e.firstT[bits.TrailingZeros64(m)] = minMicros
	}
	pending := e.q.first
	for i, at := range r.times {
		if pending == 0 {
			return
		}
		for m := pending & e.stepsOf[r.names[i]]; m != 0; m &= m - 1 {
			k := bits.TrailingZeros64(m)
			if e.q.f.Steps[k].Occurrence == FirstMatching && !holdsAll(e.stepCond[k], e.t, r.page, r.rows[i]) {
				continue
			}
			e.firstT[k] = at
			pending &^= 1 << k
		}
	}
}

func holdsAll(cs []cond, t *Table, p *page, row uint32) bool {
	for i := range cs {
		if !cs[i].holds(t, p, row) {
			return false
		}
	}
	return true
}

// chain is the greedy state of an ordered funnel for one member: for each
// step k, the attempt with the latest entry that has completed steps 0..k
// (PostHog's entered_timestamp, ClickHouse's events_timestamp), and the
// attempt that first got furthest (PostHog's max_step).
type chain struct {
	n      int
	has    uint64  // bit k: an attempt has completed steps 0..k
	taint  uint64  // bit k: that attempt did an excluded event
	set    uint64  // levels set while processing the current instant
	ever   uint64  // levels ever reached (strict_deduplication)
	entry  []int64 // the attempt's first step
	dead   []int64 // the last instant its window allows
	node   []int32 // the attempt's last step, in exec.nodes
	best   int     // furthest level reached, as a count of steps
	bestN  int32   // the last step of the attempt that reached best
	bestX  bool    // that attempt did an excluded event
	bestDl int64   // its deadline
	stop   bool    // ClickHouse strict modes: processing has ended
}

func newChain(n int) chain {
	return chain{n: n, entry: make([]int64, n), dead: make([]int64, n), node: make([]int32, n)}
}

func (c *chain) reset() {
	c.has, c.taint, c.set, c.ever, c.best, c.bestX, c.stop = 0, 0, 0, 0, 0, false, false
}

// advance lets an event at time at complete step k of the attempt at
// level k-1 (or open an attempt, for step 0).
func (e *exec) advance(c *chain, k int, at int64) {
	n, f := c.n, &e.q.f
	if k > 0 && f.StrictDedup && c.ever&(1<<k) != 0 {
		c.stop = true
		return
	}
	if k == 0 {
		if c.has&1 != 0 && c.entry[0] == at {
			c.set |= 1
			return
		}
		c.entry[0], c.dead[0], c.node[0] = at, e.q.window.deadline(at, e.q.loc), e.push(at, -1)
		c.has |= 1
		c.taint &^= 1
	} else {
		prev := k - 1
		if c.has&(1<<prev) == 0 {
			if f.StrictOrder && c.ever&1 != 0 {
				c.stop = true
			}
			return
		}
		last := e.nodes[c.node[prev]].t
		if at > c.dead[prev] || f.StrictIncrease && at <= last {
			return
		}
		if w := e.q.within[k]; !w.IsZero() && at > w.deadline(last, e.q.loc) {
			return
		}
		if c.has&(1<<k) != 0 && c.entry[k] == c.entry[prev] && f.Order != Strict && (k+1 >= n || e.q.within[k+1].IsZero()) {
			// This attempt has done step k already: keep its first time,
			// as PostHog does (already_reached_this_step).
			c.set |= 1 << k
			return
		}
		if c.taint&(1<<prev) != 0 {
			// An excluded attempt goes no further, but PostHog remembers
			// that it got this far (max_step), which drops the member
			// unless a clean attempt gets as far.
			c.ever |= 1 << k
			if k+1 > c.best || k+1 == c.best && c.bestX {
				c.best, c.bestX, c.bestDl = k+1, true, c.dead[prev]
			}
			return
		}
		c.entry[k], c.dead[k] = c.entry[prev], c.dead[prev]
		c.node[k] = e.push(at, c.node[prev])
		c.has |= 1 << k
		c.taint &^= 1 << k
	}
	c.set |= 1 << k
	c.ever |= 1 << k
	if k+1 > c.best || k+1 == c.best && c.bestX {
		c.best, c.bestX, c.bestDl, c.bestN = k+1, false, c.dead[k], c.node[k]
	}
}

// exclude marks the attempts that an exclusion at time at falls inside of:
// those that have completed step From but not step To, within their window
// (PostHog's UDF, funnel-udf/src/steps.rs).
func (e *exec) exclude(c *chain, excl uint64, at int64) {
	for m := excl; m != 0; m &= m - 1 {
		x := e.q.f.Exclusions[bits.TrailingZeros64(m)]
		for k := x.From; k < x.To; k++ {
			bit := uint64(1) << k
			if c.has&bit == 0 || c.taint&bit != 0 || at > c.dead[k] {
				continue
			}
			if c.has&(bit<<1) != 0 && c.entry[k+1] == c.entry[k] {
				continue // this attempt has moved on past step k
			}
			c.taint |= bit
			if c.best == k+1 && !c.bestX && at <= c.bestDl {
				c.bestX = true
			}
		}
	}
}

// ordered runs the ordered and strict funnels over e.evs. It returns the
// furthest level, the times of the attempt that reached it, and whether the
// member is dropped by an exclusion.
func (e *exec) ordered() (int, []int64, bool) {
	c := &e.all
	c.reset()
	evs := e.evs
	for i := 0; i < len(evs) && !c.stop; {
		j := i + 1
		for j < len(evs) && evs[j].t == evs[i].t {
			j++
		}
		group := evs[i:j]
		if len(group) > 1 {
			sortTies(group)
		}
		e.instant(c, group)
		i = j
	}
	if c.bestX {
		return c.best, nil, true
	}
	return c.best, e.timesOf(c.bestN, c.best), false
}

// instant processes the events of one instant (a group of equal times).
func (e *exec) instant(c *chain, group []ev) {
	f := &e.q.f
	c.set = 0
	at := group[0].t
	// An exclusion at the same instant as a step is taken to come before
	// it, as PostHog's UDF runs exclusions first.
	for i := range group {
		if group[i].excl != 0 {
			e.exclude(c, group[i].excl, at)
		}
	}
	if len(group) > 1 && !f.StrictIncrease && !f.StrictOrder && !f.StrictDedup {
		e.tie(c, group)
	} else if f.StrictIncrease && len(group) > 1 {
		// Steps at one instant may not follow one another: every step of
		// the instant extends the state as it was before the instant.
		for k := c.n - 1; k >= 0; k-- {
			for i := range group {
				if group[i].mask&(1<<k) != 0 {
					e.advance(c, k, at)
				}
			}
		}
	} else {
		for i := range group {
			if group[i].mask == 0 {
				if f.StrictOrder && c.ever&1 != 0 {
					c.stop = true
					return
				}
				continue
			}
			// Highest step first, so that one event completes at most one
			// step of an attempt.
			for m := group[i].mask; m != 0; {
				k := 63 - bits.LeadingZeros64(m)
				m &^= 1 << k
				e.advance(c, k, at)
				if c.stop {
					return
				}
			}
		}
	}
	if f.Order == Strict {
		// An attempt survives an instant only if it advanced in it: any
		// other event of the member came between its steps.
		c.has &= c.set
	}
}

// tie processes the events of one instant, two or more, that may complete
// steps in any order among themselves: events at the same instant are not
// evidence of an order. For each attempt standing before the instant (and a
// new one opened in it) it finds how many further steps distinct events of
// the instant can complete (a bipartite matching, Kuhn's augmenting paths),
// and every level takes the attempt with the latest entry that reaches it.
func (e *exec) tie(c *chain, group []ev) {
	n := c.n
	at := group[0].t
	snap := &e.snap
	snap.has, snap.taint = c.has, c.taint
	copy(snap.entry, c.entry)
	copy(snap.dead, c.dead)
	copy(snap.node, c.node)
	if cap(e.owner) < len(group) {
		e.owner = make([]int32, len(group))
		e.visit = make([]bool, len(group))
	}
	e.tieGroup = group
	owner := e.owner[:len(group)]
	// reach[s+1] is the furthest level the attempt at level s (s = -1: a
	// new attempt) reaches with this instant's events.
	reach := e.reach[:n+1]
	for s := -1; s < n-1; s++ {
		reach[s+1] = s
		if s >= 0 {
			if snap.has&(1<<s) == 0 || at > snap.dead[s] {
				continue
			}
			last := e.nodes[snap.node[s]].t
			if w := e.q.within[s+1]; !w.IsZero() && at > w.deadline(last, e.q.loc) {
				continue
			}
		}
		for i := range owner {
			owner[i] = -1
		}
		for q := s + 1; q < n; q++ {
			clear(e.visit[:len(group)])
			if !e.augmentStep(q) {
				break
			}
			reach[s+1] = q
		}
	}
	deadNew := int64(0)
	if reach[0] >= 0 {
		deadNew = e.q.window.deadline(at, e.q.loc)
	}
	for j := 0; j < n; j++ {
		// The source with the latest entry that reaches level j.
		src, entry := -2, int64(minMicros)
		if reach[0] >= j {
			src, entry = -1, at
		} else {
			for s := j - 1; s >= 0; s-- {
				if reach[s+1] >= j && snap.has&(1<<s) != 0 && (src == -2 || snap.entry[s] > entry) {
					src, entry = s, snap.entry[s]
				}
			}
		}
		if src == -2 {
			continue
		}
		if src >= 0 && c.has&(1<<j) != 0 && c.entry[j] == entry && e.q.f.Order != Strict {
			c.set |= 1 << j // the attempt did step j already
			continue
		}
		tainted := src >= 0 && snap.taint&(1<<src) != 0
		dead := deadNew
		if src >= 0 {
			dead = snap.dead[src]
		}
		c.ever |= 1 << j
		if tainted {
			if j+1 > c.best || j+1 == c.best && c.bestX {
				c.best, c.bestX, c.bestDl = j+1, true, dead
			}
			continue
		}
		c.entry[j], c.dead[j] = entry, dead
		parent := int32(-1)
		if src >= 0 {
			parent = snap.node[src]
		}
		for q := src + 1; q <= j; q++ {
			parent = e.push(at, parent)
		}
		c.node[j] = parent
		c.has |= 1 << j
		c.taint &^= 1 << j
		c.set |= 1 << j
		if j+1 > c.best || j+1 == c.best && c.bestX {
			c.best, c.bestX, c.bestDl, c.bestN = j+1, false, dead, c.node[j]
		}
	}
}

// augmentStep tries to give step q an event of the instant of its own.
func (e *exec) augmentStep(q int) bool {
	for i := range e.tieGroup {
		if e.tieGroup[i].mask&(1<<q) == 0 || e.visit[i] {
			continue
		}
		e.visit[i] = true
		if e.owner[i] < 0 || e.augmentStep(int(e.owner[i])) {
			e.owner[i] = int32(q)
			return true
		}
	}
	return false
}

// sortTies orders the events of one instant: events that complete no step
// first (ClickHouse sorts them first under strict_order), then by their
// lowest step, then by their step and exclusion sets, so that the result
// does not depend on the order of the input.
func sortTies(group []ev) {
	slices.SortFunc(group, func(a, b ev) int {
		la, lb := lowest(a.mask), lowest(b.mask)
		if c := cmp.Compare(la, lb); c != 0 {
			return c
		}
		if c := cmp.Compare(a.mask, b.mask); c != 0 {
			return c
		}
		return cmp.Compare(a.excl, b.excl)
	})
}

func lowest(m uint64) int {
	if m == 0 {
		return -1
	}
	return bits.TrailingZeros64(m)
}

// unordered runs the any-order funnel: for each instant that opens a
// window, the most steps completed by distinct events within it, the
// events offered to a matching of events to steps in time order (Kuhn's
// augmenting paths).
//
// Two searches give the same answer, and a property test holds them to
// it. For a member with few events, offering every event of each window
// (unorderedScan) costs least. For more, it costs the events of a window
// for each window, a member's events squared for a bot that does a
// thousand things a day, so unorderedIndexed offers only the events that
// can matter.
//
// The indexed search offers each window up to the sum, over the member's
// distinct step masks, of each mask's steps, and sorts them; with many
// distinct masks (a funnel of many steps whose filters overlap in many
// ways) that can be more than the window holds. So unordered estimates
// both costs, in one pass, and takes the cheaper search.
func (e *exec) unordered() (int, []int64, bool) {
	if len(e.evs) <= smallRun {
		return e.unorderedScan()
	}
	e.indexMasks()
	if e.scanIsCheaper() {
		return e.unorderedScan()
	}
	return e.unorderedIndexed()
}

// scanIsCheaper reports whether offering every event of each window costs
// less than offering the indexed candidates: the events in all the
// windows, counted with two cursors (deadlines only grow), against each
// window's candidates, at most the sum of the masks' steps, and their
// sort. It needs indexMasks.
func (e *exec) scanIsCheaper() bool {
	evs := e.evs
	k := 0
	for _, m := range e.dmasks {
		k += bits.OnesCount64(m)
	}
	perWindow := int64(k) * int64(1+bits.Len(uint(k)))
	var scan, indexed int64
	end := 0
	for a := 0; a < len(evs); a++ {
		if evs[a].mask == 0 || a > 0 && evs[a-1].t == evs[a].t && evs[a-1].mask != 0 {
			continue // a window opens once per instant, as the searches open them
		}
		start := a
		for start > 0 && evs[start-1].t == evs[a].t {
			start--
		}
		dead := e.q.window.deadline(evs[a].t, e.q.loc)
		end = max(end, start)
		for end < len(evs) && evs[end].t <= dead {
			end++
		}
		scan += int64(end - start)
		indexed += perWindow
	}
	return scan <= indexed
}

// smallRun is the most events of a member that the unordered funnel
// searches by offering every event of each window.
const smallRun = 64

// unorderedScan offers every event of each window to the matching.
func (e *exec) unorderedScan() (int, []int64, bool) {
	evs := e.evs
	noExcl := len(e.q.f.Exclusions) == 0
	var b unorderedBest
	for a := 0; a < len(evs); a++ {
		if evs[a].mask == 0 || a > 0 && evs[a-1].t == evs[a].t && evs[a-1].mask != 0 {
			continue // a window opens once per instant
		}
		start := a
		for start > 0 && evs[start-1].t == evs[a].t {
			start--
		}
		dead := e.q.window.deadline(evs[a].t, e.q.loc)
		for s := range e.match {
			e.match[s] = -1
		}
		size := 0
		firstExcl := int64(maxMicros) // the first exclusion after the window opens
		for j := start; j < len(evs) && evs[j].t <= dead; j++ {
			if evs[j].excl != 0 && evs[j].t > evs[a].t && evs[j].t < firstExcl {
				firstExcl = evs[j].t
			}
			if size < e.n && evs[j].mask != 0 && e.augment(int32(j)) {
				e.lvlT[size] = evs[j].t
				size++
				if size == e.n && noExcl {
					break // complete, and nothing later can drop it
				}
			}
		}
		e.keepWindow(&b, size, firstExcl, dead)
	}
	return e.bestWindow(&b)
}

// unorderedIndexed offers each window only the events that can enlarge its
// matching. Call an event's mask the steps it may complete: once a window
// has offered as many events of one mask as the mask has steps, another
// event of that mask cannot enlarge the matching (one of the others is
// free to stand in for it), and offering it changes nothing. So a window
// offers, in time order, the first popcount(m) events of each mask m from
// its start, found in per-mask lists of positions: a member with a million
// events in one window costs a million windows times the masks' steps,
// not a million squared.
func (e *exec) unorderedIndexed() (int, []int64, bool) {
	evs := e.evs
	var b unorderedBest
	instant, opened := 0, false // where the current instant's events start; whether it opened a window
	xi := 0                     // in e.xpos: the first exclusion after the current instant
	for a := range evs {
		if a > 0 && evs[a].t != evs[a-1].t {
			instant, opened = a, false
		}
		if evs[a].mask == 0 || opened {
			continue // a window opens once per instant, at a step event
		}
		opened = true
		at := evs[a].t
		dead := e.q.window.deadline(at, e.q.loc)
		// The events the window offers: of each mask, the first as many as
		// it has steps, from the instant on and within the window.
		cand := e.cand[:0]
		for m, mask := range e.dmasks {
			p, end := e.mptr[m], e.mstart[m+1]
			for p < end && e.pos[p] < int32(instant) {
				p++
			}
			e.mptr[m] = p
			for k := bits.OnesCount64(mask); k > 0 && p < end && evs[e.pos[p]].t <= dead; k, p = k-1, p+1 {
				cand = append(cand, e.pos[p])
			}
		}
		slices.Sort(cand)
		e.cand = cand
		for s := range e.match {
			e.match[s] = -1
		}
		size := 0
		for _, j := range cand {
			if e.augment(j) {
				e.lvlT[size] = evs[j].t
				size++
				if size == e.n {
					break
				}
			}
		}
		for xi < len(e.xpos) && evs[e.xpos[xi]].t <= at {
			xi++
		}
		firstExcl := int64(maxMicros) // the first exclusion after the window opens
		if xi < len(e.xpos) && evs[e.xpos[xi]].t <= dead {
			firstExcl = evs[e.xpos[xi]].t
		}
		e.keepWindow(&b, size, firstExcl, dead)
	}
	return e.bestWindow(&b)
}

// unorderedBest is what an unordered search keeps of the windows it has
// seen: the most steps any reached (their times in exec.bestT), the most a
// window that no exclusion touched reached (in exec.cleanT), and whether
// there was such a window.
type unorderedBest struct {
	best, clean int
	anyClean    bool
}

// keepWindow weighs a window that reached size steps (their times in
// e.lvlT), closing at dead, whose first exclusion after its first event is
// at firstExcl. As PostHog's SQL engine for unordered funnels: a window is
// excluded when an exclusion falls after its first event and before it
// completes every step (before it closes, if it never does), both ends
// open.
func (e *exec) keepWindow(b *unorderedBest, size int, firstExcl, dead int64) {
	if size > b.best {
		b.best = size
		copy(e.bestT, e.lvlT[:size])
	}
	end := dead
	if size == e.n {
		end = e.lvlT[size-1]
	}
	if firstExcl < end {
		return
	}
	b.anyClean = true
	if size > b.clean {
		b.clean = size
		copy(e.cleanT, e.lvlT[:size])
	}
}

// bestWindow returns the level, step times and exclusion verdict of the
// windows kept: the furthest window, when the funnel has no exclusions;
// otherwise the furthest clean one, or the member is dropped when every
// window was excluded.
func (e *exec) bestWindow(b *unorderedBest) (int, []int64, bool) {
	if len(e.q.f.Exclusions) == 0 {
		return b.best, e.bestT[:b.best], false
	}
	if !b.anyClean {
		return b.best, nil, b.best > 0
	}
	return b.clean, e.cleanT[:b.clean], false
}

// indexMasks lists, for the unordered search, the member's distinct step
// masks (e.dmasks), the positions of the events of each in time order
// (e.pos[e.mstart[m]:e.mstart[m+1]], with a cursor e.mptr[m] for each),
// and the positions of the events that match an exclusion (e.xpos).
func (e *exec) indexMasks() {
	evs := e.evs
	if len(e.dmasks) > linearMasks {
		clear(e.dmaskIDs)
	}
	e.dmasks = e.dmasks[:0]
	e.xpos = e.xpos[:0]
	ids := e.mid[:0]
	last := -1
	for i := range evs {
		if evs[i].excl != 0 {
			e.xpos = append(e.xpos, int32(i))
		}
		m := evs[i].mask
		if m == 0 {
			ids = append(ids, -1)
			continue
		}
		if last < 0 || e.dmasks[last] != m {
			last = e.maskID(m)
		}
		ids = append(ids, int32(last))
	}
	e.mid = ids
	// A counting sort of the positions by mask.
	d := len(e.dmasks)
	e.mstart = slices.Grow(e.mstart[:0], d+1)[:d+1]
	clear(e.mstart)
	for _, id := range ids {
		if id >= 0 {
			e.mstart[id+1]++
		}
	}
	for m := 1; m <= d; m++ {
		e.mstart[m] += e.mstart[m-1]
	}
	e.mptr = append(e.mptr[:0], e.mstart[:d]...)
	e.pos = slices.Grow(e.pos[:0], int(e.mstart[d]))[:e.mstart[d]]
	for i, id := range ids {
		if id >= 0 {
			e.pos[e.mptr[id]] = int32(i)
			e.mptr[id]++
		}
	}
	copy(e.mptr, e.mstart[:d])
}

// linearMasks is how many distinct masks indexMasks looks up by a linear
// search before it keeps a map of the rest.
const linearMasks = 16

// maskID returns the index of mask m in e.dmasks, adding it if new.
func (e *exec) maskID(m uint64) int {
	for i, d := range e.dmasks[:min(len(e.dmasks), linearMasks)] {
		if d == m {
			return i
		}
	}
	if len(e.dmasks) > linearMasks {
		if id, ok := e.dmaskIDs[m]; ok {
			return int(id)
		}
	}
	id := len(e.dmasks)
	e.dmasks = append(e.dmasks, m)
	if id >= linearMasks {
		if e.dmaskIDs == nil {
			e.dmaskIDs = make(map[uint64]int32)
		}
		e.dmaskIDs[m] = int32(id)
	}
	return id
}

// augment tries to give event j a step of its own, moving other events to
// other steps if need be (Kuhn's augmenting paths).
func (e *exec) augment(j int32) bool {
	var visited uint64
	return e.augmentFrom(j, &visited)
}

func (e *exec) augmentFrom(j int32, visited *uint64) bool {
	for m := e.evs[j].mask &^ *visited; m != 0; m &= m - 1 {
		s := bits.TrailingZeros64(m)
		if *visited&(1<<s) != 0 {
			continue
		}
		*visited |= 1 << s
		if e.match[s] < 0 || e.augmentFrom(e.match[s], visited) {
			e.match[s] = j
			return true
		}
	}
	return false
}

// tallyBreakdown counts a member under their breakdown value.
func (e *exec) tallyBreakdown(r *memberRun, level int) {
	var v uint32 // value ID+1; 0 for none
	b := e.q.f.Breakdown
	switch {
	case b.Member:
		if col := e.t.memberProps[e.bdKey]; e.bdKnown && int(r.member) < len(col) {
			v = col[r.member]
		}
	case e.bdKnown:
		var at int64
		for i := range e.evs {
			x := &e.evs[i]
			if x.mask == 0 {
				continue
			}
			id, ok := r.page.prop(x.row, e.bdKey)
			if !ok {
				continue
			}
			switch {
			case v == 0,
				b.Attribution == LastTouch && x.t > at,
				x.t == at && e.t.values.strs[id] < e.t.values.strs[v-1]:
				v, at = id+1, x.t
			}
			if b.Attribution == FirstTouch && v != 0 && x.t > at {
				break
			}
		}
	}
	idx, ok := e.bdIndex[v]
	if !ok {
		idx = len(e.bdVals)
		e.bdIndex[v] = idx
		e.bdVals = append(e.bdVals, v)
		e.bdReach = append(e.bdReach, make([]int64, e.n))
	}
	for k := range level {
		e.bdReach[idx][k]++
	}
}

// orderedPlain is ordered for the common funnel, straight from the
// member's run: ordered, without exclusions, conditions, first-time steps,
// per-step windows or ClickHouse's modes. It gives up (ok false) on a
// member with two kept events at one instant, which ordered handles.
func (e *exec) orderedPlain(r *memberRun) (level int, times []int64, ok bool) {
	c := &e.all
	c.reset()
	n := c.n
	rt, rn := r.times, r.names
	for i, at := range rt {
		if at < e.from || at >= e.to {
			continue
		}
		if i+1 < len(rt) && rt[i+1] == at {
			return 0, nil, false
		}
		for m := e.stepsOf[rn[i]]; m != 0; {
			k := 63 - bits.LeadingZeros64(m)
			m &^= 1 << k
			if k == 0 {
				if c.has&1 != 0 && c.entry[0] == at {
					continue
				}
				c.entry[0], c.dead[0], c.node[0] = at, e.q.window.deadline(at, e.q.loc), e.push(at, -1)
				c.has |= 1
			} else {
				prev := k - 1
				if c.has&(1<<prev) == 0 || at > c.dead[prev] ||
					c.has&(1<<k) != 0 && c.entry[k] == c.entry[prev] {
					continue
				}
				c.entry[k], c.dead[k], c.node[k] = c.entry[prev], c.dead[prev], e.push(at, c.node[prev])
				c.has |= 1 << k
			}
			if k+1 > c.best {
				c.best, c.bestN = k+1, c.node[k]
				if c.best == n && i+1 < len(rt) {
					// Done: later events change neither the level nor the
					// first attempt to reach it.
					return c.best, e.timesOf(c.bestN, c.best), true
				}
			}
		}
	}
	return c.best, e.timesOf(c.bestN, c.best), true
}

// tnode is one step of an attempt: when it was done, and the attempt's
// previous step (-1 for the first). Attempts share their prefixes, so
// advancing one costs a node, not a copy of its times.
type tnode struct {
	t      int64
	parent int32
}

func (e *exec) push(at int64, parent int32) int32 {
	e.nodes = append(e.nodes, tnode{t: at, parent: parent})
	return int32(len(e.nodes) - 1)
}

// timesOf returns the times of the level steps of the attempt ending at node.
func (e *exec) timesOf(node int32, level int) []int64 {
	for k := level - 1; k >= 0; k-- {
		e.times[k] = e.nodes[node].t
		node = e.nodes[node].parent
	}
	return e.times[:level]
}

// durations collects time-to-convert samples in chunks, so that growing
// never copies what was collected.
type durations struct {
	chunks [][]int64
	n      int
}

const durChunk = 1 << 15

func (d *durations) add(us int64) {
	if d.n%durChunk == 0 {
		d.chunks = append(d.chunks, make([]int64, 0, durChunk))
	}
	last := &d.chunks[len(d.chunks)-1]
	*last = append(*last, us)
	d.n++
}
