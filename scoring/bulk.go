package scoring

import (
	"cmp"
	"fmt"
	"iter"
	"math"
	"slices"
	"time"
	"unsafe"

	"github.com/qunkit/qun"
)

// Scores are the engagement scores of many members at one instant, from
// [Engagement.ScoreTable] or [Engagement.ScoreEvents]. Member i is
// Members[i], with score Values[i], of which kind k contributed
// ByKind[i*len(Kinds)+k]. A Scores can be passed again to ScoreTable to be
// refilled without allocating.
type Scores struct {
	// At is the instant the scores are as of.
	At time.Time
	// Members are the members scored: those of the table, in its order.
	Members []qun.MemberID
	// Kinds are the names of the kinds of event, in the rules' order.
	Kinds []string
	// Values holds each member's score.
	Values []float64
	// ByKind holds each member's credit per kind, member after member.
	ByKind []float64
	// Counts holds the number of events per member and kind, laid out as
	// ByKind.
	Counts []int64

	weights []float64
	hot     []hotKind
	kindOf  []int32
	rows    []row   // chunks of rows, chunkRows each
	next    []int32 // the chunk after each in its block's list, or −1
	head    []int32 // each block's first chunk, or −1
	tail    []int32 // each block's last chunk, or −1
	fill    []int32 // rows in each block's last chunk
}

// hotKind is the hot-loop form of a [KindScore]: the closed credit, and
// the open day's credit, day number and count.
type hotKind struct {
	v, ov   float64
	at, oat int64
	day, n  int64
	count   int64
}

// Len returns the number of members.
func (s *Scores) Len() int { return len(s.Members) }

// Explain returns the terms of member i's score, highest value first. An
// i that is not the index of a member with a score by kind has none.
func (s *Scores) Explain(i int) []Term {
	k := len(s.Kinds)
	if i < 0 || i >= len(s.scored()) || (i+1)*k > min(len(s.Counts), len(s.ByKind)) {
		return nil
	}
	var terms []Term
	for j := range k {
		if n := s.Counts[i*k+j]; n > 0 {
			var w float64 // none for Scores made by hand
			if j < len(s.weights) {
				w = s.weights[j]
			}
			terms = append(terms, Term{Name: s.Kinds[j], Count: n, Weight: w, Value: s.ByKind[i*k+j]})
		}
	}
	sortTerms(terms)
	return terms
}

// All yields each member with their score, in the order of Members.
func (s *Scores) All() iter.Seq2[qun.MemberID, float64] {
	return func(yield func(qun.MemberID, float64) bool) {
		for i, m := range s.scored() {
			if !yield(m, s.Values[i]) {
				return
			}
		}
	}
}

// Map returns the scores by member.
func (s *Scores) Map() map[qun.MemberID]float64 {
	members := s.scored()
	out := make(map[qun.MemberID]float64, len(members))
	for i, m := range members {
		out[m] = s.Values[i]
	}
	return out
}

// scored returns the members that have a value: all of them in Scores
// that ScoreTable filled, a prefix in Scores made by hand with fewer
// Values than Members.
func (s *Scores) scored() []qun.MemberID {
	return s.Members[:min(len(s.Members), len(s.Values))]
}

// ScoreTable scores every member of the table t at the instant now, from
// the rows at or before now, into into (whose slices it reuses): the score
// each member had at that instant, so that scoring the same table at the
// start of the week and now shows whose score fell. The rows must be in
// time order ([ErrUnsorted] if not); each member's score is then exactly,
// bit for bit, the [Engagement.Value] at now of the [Score] that
// [Engagement.Add] builds from the member's rows in table order.
//
// The table carries no properties, so rules that tell events of one name
// apart by their properties cannot score it ([ErrConditions]); names that
// no kind selects earn nothing. ScoreTable does not allocate once into has
// grown to the table's size: its work is one pass over the rows, O(1) per
// row. A nil t or into, and a zero Engagement, not made with
// [EngagementRules.Compile], are refused with an error matching
// [qun.ErrInvalid].
func (m *Engagement) ScoreTable(t *Table, now time.Time, into *Scores) error {
	switch {
	case t == nil:
		return qun.Invalid("", "the table is nil")
	case into == nil:
		return qun.Invalid("", "the Scores to fill are nil")
	}
	into.kindOf = slices.Grow(into.kindOf[:0], len(t.Names))[:len(t.Names)]
	for i, name := range t.Names {
		into.kindOf[i] = -1
		if ks := m.byName[name]; len(ks) > 0 {
			if len(m.kinds[ks[0]].filter.Where) > 0 {
				return fmt.Errorf("%w: kind %q selects %q events by property", ErrConditions, m.kinds[ks[0]].name, name)
			}
			into.kindOf[i] = ks[0]
		}
	}
	return m.score(t, into.kindOf, now, into)
}

// ScoreEvents scores the events at or before now as [Engagement.ScoreTable]
// does, in any order and with property conditions: it gathers them into a
// table of their kinds, sorts it by time (keeping the order of events with
// equal times) and scores it. Scores.Members lists the members in the
// order of their first scored event. It refuses events whose time lies
// outside the years 1678 to 2262. A nil events holds none. A zero
// Engagement, not made with [EngagementRules.Compile], is refused with an
// error matching [qun.ErrInvalid].
func (m *Engagement) ScoreEvents(events iter.Seq[qun.Event], now time.Time) (*Scores, error) {
	if events == nil {
		events = func(func(qun.Event) bool) {}
	}
	t := &Table{Names: m.Kinds(), memberIndex: make(map[qun.MemberID]uint32)}
	for e := range events {
		if e.Time.After(now) {
			continue
		}
		k := m.kindOf(e)
		if k < 0 {
			continue
		}
		n, ok := nanos(e.Time)
		if !ok {
			return nil, qun.Within("events["+string(e.Member)+"]", qun.Invalid("time", "must lie within the years 1678 to 2262 to be scored in bulk"))
		}
		t.Member = append(t.Member, intern(t.memberIndex, &t.Members, e.Member))
		t.Name = append(t.Name, uint32(k))
		t.Time = append(t.Time, n)
	}
	t.SortByTime()
	identity := make([]int32, len(m.kinds))
	for i := range identity {
		identity[i] = int32(i)
	}
	s := new(Scores)
	if err := m.score(t, identity, now, s); err != nil {
		return nil, err
	}
	return s, nil
}

// score is the hot loop of bulk scoring: rows in time order, kindOf
// mapping name codes to kinds. Each step mirrors [Engagement.Add] with the
// hot forms of qun.Decay and qun.Calendar (see hot.go).
//
// Members' states are reached at random, so for many members each row
// would miss the processor's caches. score therefore partitions the rows
// first, by blocks of members whose states fit in the cache, keeping time
// order within each block (appending each row to its block's list of
// chunks, in scratch space that Scores keeps), and then scores block after
// block: two sequential passes instead of one random one. The states of
// only one block exist at a time: each block's are set up, stepped and
// read out into the Scores while they are in the cache, so the states of
// all the members never go through memory.
func (m *Engagement) score(t *Table, kindOf []int32, now time.Time, into *Scores) error {
	members, names, times := t.Member, t.Name, t.Time
	if len(names) != len(members) || len(times) != len(members) {
		return qun.Invalid("", "table columns differ in length: %d members, %d names, %d times", len(members), len(names), len(times))
	}
	nk, nm := len(m.kinds), len(t.Members)
	if nk == 0 {
		return qun.Invalid("", "the engagement has no kinds of event: make it with EngagementRules.Compile")
	}
	into.reset(m, t.Members, now)
	nowN, _ := nanos(now)

	shift := blockShift(nk)
	if nm>>shift == 0 {
		// All the members' states fit in the cache: score in one pass.
		hot := into.states(nm * nk)
		if err := m.scoreColumns(t, kindOf, nowN, hot); err != nil {
			return err
		}
		m.read(into, hot, 0, nowN)
		return nil
	}

	// Pass 1: check the order, find the rows at or before now, and
	// scatter the scored ones into their blocks, each a list of chunks of
	// rows taken from one pool.
	blocks := nm>>shift + 1
	chunks := len(times)/chunkRows + blocks
	into.rows = resize(into.rows, chunks*chunkRows)
	into.next = resize(into.next, chunks)
	into.head, into.tail, into.fill = resize(into.head, blocks), resize(into.tail, blocks), resize(into.fill, blocks)
	rows, next, head, tail, fill := into.rows, into.next, into.head, into.tail, into.fill
	for b := range blocks {
		head[b], tail[b], fill[b] = -1, -1, chunkRows
	}
	free := int32(0)
	prev := int64(math.MinInt64)
	for i, at := range times {
		if at < prev {
			return fmt.Errorf("%w: row %d is earlier than row %d", ErrUnsorted, i, i-1)
		}
		prev = at
		if at > nowN {
			break
		}
		code, member := names[i], members[i]
		if int(code) >= len(kindOf) || int(member) >= nm {
			return qun.Invalid("", "row %d indexes outside the table's dictionaries", i)
		}
		k := kindOf[code]
		if k < 0 {
			continue
		}
		b := member >> shift
		if fill[b] == chunkRows {
			// The block's chunk is full (or it has none): link a new one.
			if tail[b] >= 0 {
				next[tail[b]] = free
			} else {
				head[b] = free
			}
			tail[b], fill[b], next[free] = free, 0, -1
			free++
		}
		rows[int(tail[b])*chunkRows+int(fill[b])] = row{at: at, member: member, kind: uint32(k)}
		fill[b]++
	}
	// Pass 2: score the rows, block by block, each block's members'
	// states set up, stepped and read out while they are in the cache.
	kinds := m.kinds
	clock := newDayClock(m.loc)
	for b := range blocks {
		first := b << shift
		hot := into.states(min(nm-first, 1<<shift) * nk)
		for c := head[b]; c >= 0; c = next[c] {
			n := chunkRows
			if c == tail[b] {
				n = int(fill[b])
			}
			for _, r := range rows[int(c)*chunkRows : int(c)*chunkRows+n] {
				m.step(&hot[(int(r.member)-first)*nk+int(r.kind)], &kinds[r.kind], r.at, &clock)
			}
		}
		m.read(into, hot, first, nowN)
	}
	return nil
}

// chunkRows is the number of rows in a chunk of a block's list.
const chunkRows = 4096

// scoreColumns scores the rows of t in one pass, straight from its
// columns.
func (m *Engagement) scoreColumns(t *Table, kindOf []int32, now int64, hot []hotKind) error {
	members, names := t.Member, t.Name
	nk, nm, kinds := len(m.kinds), len(t.Members), m.kinds
	clock := newDayClock(m.loc)
	prev := int64(math.MinInt64)
	for i, at := range t.Time {
		if at < prev {
			return fmt.Errorf("%w: row %d is earlier than row %d", ErrUnsorted, i, i-1)
		}
		prev = at
		if at > now {
			break
		}
		code, member := names[i], members[i]
		if int(code) >= len(kindOf) || int(member) >= nm {
			return qun.Invalid("", "row %d indexes outside the table's dictionaries", i)
		}
		if k := kindOf[code]; k >= 0 {
			m.step(&hot[int(member)*nk+int(k)], &kinds[k], at, &clock)
		}
	}
	return nil
}

// row is a scored row of a table, partitioned by block of members.
type row struct {
	at     int64
	member uint32
	kind   uint32
}

// blockShift returns the base-2 logarithm of the number of members whose
// states fill 1 MiB, the cache each block of rows works in (a core's L2 on
// current servers; measured against 256 KiB and 4 MiB, it scored ten
// million events fastest for both 200,000 and a million members).
func blockShift(kinds int) uint {
	perMember := kinds * int(unsafe.Sizeof(hotKind{}))
	shift := uint(0)
	for perMember<<(shift+1) <= 1024<<10 {
		shift++
	}
	return shift
}

// step adds an event of the kind at the instant at to the state h, as
// Engagement.Add adds an event to a KindScore.
func (m *Engagement) step(h *hotKind, kind *compiledKind, at int64, clock *dayClock) {
	hd := m.hot
	h.count++
	if kind.cap == 0 {
		h.v, h.at = hd.merge(h.v, h.at, kind.weight, at)
		return
	}
	day := clock.day(at)
	switch {
	case h.n > 0 && day == h.day:
		h.n++
		h.ov, h.oat = hd.merge(h.ov, h.oat, kind.weight, at)
	case h.n > 0 && day < h.day:
		// A local day before the open one, at a later instant: only where
		// a zone's clock goes back across midnight. Credited alone, in
		// full, as Add credits a late event.
		h.v, h.at = hd.merge(h.v, h.at, kind.weight*capScale(1, kind.cap), at)
	default:
		// The kind's first day, or a later one: close the open day.
		if h.n > 0 {
			h.v, h.at = hd.merge(h.v, h.at, h.ov*capScale(h.n, kind.cap), h.oat)
		}
		h.day, h.n = day, 1
		h.ov, h.oat = hd.merge(0, unanchored, kind.weight, at)
	}
}

// read reads the states hot of the members first, first+1, ... at now
// into the Scores, as Engagement.Value and Engagement.Explain read a
// Score.
func (m *Engagement) read(into *Scores, hot []hotKind, first int, now int64) {
	nk, hd := len(m.kinds), m.hot
	for j := range len(hot) / nk {
		i := first + j
		total := 0.0
		for k := range nk {
			h := &hot[j*nk+k]
			v := hd.valueAt(h.v, h.at, now)
			total += v
			if h.n > 0 {
				o := hd.valueAt(h.ov*capScale(h.n, m.kinds[k].cap), h.oat, now)
				total += o
				v += o
			}
			into.ByKind[i*nk+k] = v
			into.Counts[i*nk+k] = h.count
		}
		into.Values[i] = total
	}
}

// reset sizes s for the members and m's kinds, reusing its slices.
func (s *Scores) reset(m *Engagement, members []qun.MemberID, now time.Time) {
	nk, nm := len(m.kinds), len(members)
	s.At, s.Members = now, members
	s.Kinds = s.Kinds[:0]
	s.weights = s.weights[:0]
	for _, k := range m.kinds {
		s.Kinds = append(s.Kinds, k.name)
		s.weights = append(s.weights, k.weight)
	}
	s.Values = resize(s.Values, nm)
	s.ByKind = resize(s.ByKind, nm*nk)
	s.Counts = resize(s.Counts, nm*nk)
}

// states returns n states of members' kinds, set to nothing added yet, in
// scratch space that s keeps.
func (s *Scores) states(n int) []hotKind {
	s.hot = resize(s.hot, n)
	for i := range s.hot {
		s.hot[i] = hotKind{at: unanchored, oat: unanchored}
	}
	return s.hot
}

func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// Drop is a member whose score fell below a threshold: who to send recall
// content to (召回).
type Drop struct {
	// Member is whose score fell.
	Member qun.MemberID
	// Before and After are the member's scores at the two instants.
	Before, After float64
}

// Fell returns the members whose score was at or above threshold in before
// and is below it in after, the largest fall first (and by member ID among
// equal falls): the recall list the wine magazine sent its recall content
// to. Members are matched by ID; one missing from after counts as 0. A
// nil before holds no members, and a nil after none with a score.
func Fell(before, after *Scores, threshold float64) []Drop {
	if before == nil {
		return nil
	}
	if after == nil {
		after = new(Scores)
	}
	members, others := before.scored(), after.scored()
	var lookup func(i int) float64
	if len(members) == len(others) && (len(members) == 0 || &members[0] == &others[0]) {
		lookup = func(i int) float64 { return after.Values[i] }
	} else {
		byID := after.Map()
		lookup = func(i int) float64 { return byID[before.Members[i]] }
	}
	var drops []Drop
	for i, m := range members {
		if b := before.Values[i]; b >= threshold {
			if a := lookup(i); a < threshold {
				drops = append(drops, Drop{Member: m, Before: b, After: a})
			}
		}
	}
	slices.SortFunc(drops, func(x, y Drop) int {
		if c := cmp.Compare(y.Before-y.After, x.Before-x.After); c != 0 {
			return c
		}
		return cmp.Compare(x.Member, y.Member)
	})
	return drops
}
