package funnel

import (
	"cmp"
	"fmt"
	"iter"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/qunkit/qun"
)

// Table is a compact, columnar store of events, the input of every measure
// in this package: funnels, retention, active users and lifecycle. Members,
// event names, property keys and property values are interned (each distinct
// string is kept once and events hold small integers); times are integers,
// microseconds since the Unix epoch, the precision PostHog and ClickHouse
// keep (DateTime64(6)). A sub-microsecond part is dropped.
//
// Events are kept in pages of [PageMembers] members, each page in time order.
// Events that arrive in time order (the usual case: a log, a stream, an
// export ordered by time) are appended at the end of their page and never
// sorted; a page that receives an earlier event than it holds is re-sorted
// alone at the end of that [Table.Append], so out-of-order input costs a sort
// of the pages it touched, never a global sort. Queries group each page by
// member in cache-sized batches, so no query pays for a global sort either.
//
// A Table is not safe for concurrent use while it is being appended to; once
// built, any number of queries may read it at once.
//
// The zero Table is an empty table, ready to append to, as one made by
// [NewTable] is. A nil *Table reads as an empty table everywhere a table is
// read (every query, measure and accessor), and refuses [Table.Append] and
// [Table.AddProfiles] with an error matching [qun.ErrInvalid], since there
// is nowhere to put what they add.
type Table struct {
	members   []qun.MemberID
	memberIDs map[qun.MemberID]uint32
	names     dict
	keys      dict
	values    dict
	pages     []page
	events    int
	minTime   int64
	maxTime   int64

	// Profiles: the time each member joined (noJoined when unknown) and
	// member properties, interned like event properties.
	joined      []int64
	memberProps map[uint32][]uint32 // key ID -> value ID+1 per member (0: absent)
}

// PageMembers is the number of members whose events share a page of a
// [Table]: consecutive member IDs, in order of first appearance. It is sized
// so that one page's per-member state stays in a core's cache while a query
// runs over it.
const PageMembers = 1 << pageBits

const pageBits = 12

// noJoined marks a member whose join time is not known.
const noJoined = math.MinInt64

// page holds the events of PageMembers members, in time order.
type page struct {
	times  []int64  // microseconds since the Unix epoch
	who    []uint16 // member ID within the page
	names  []uint32 // name ID
	props  []uint32 // props[i]..props[i+1] index kv; len(props) == len(times)+1
	kv     []uint64 // key ID << 32 | value ID
	sorted bool     // times are non-decreasing
}

// Profile is what a host knows about a member beyond their events: when they
// joined (account creation, the first day in the group) and member
// properties such as a channel, a city or a tier (用户画像). Retention can
// take cohorts from Joined, lifecycle takes "new" from it as PostHog takes it
// from a person's creation, and funnels can break down by a member property.
type Profile struct {
	// Member is who this is.
	Member qun.MemberID `json:"member"`
	// Joined is when the member joined, or the zero time if unknown.
	Joined time.Time `json:"joined,omitzero"`
	// Props are the member's properties; a nil map means none.
	Props map[string]string `json:"props,omitempty"`
}

// NewTable returns an empty table.
func NewTable() *Table {
	return &Table{
		memberIDs:   make(map[qun.MemberID]uint32),
		names:       newDict(),
		keys:        newDict(),
		values:      newDict(),
		memberProps: make(map[uint32][]uint32),
		minTime:     math.MaxInt64,
		maxTime:     math.MinInt64,
	}
}

// Build returns a table holding events, as NewTable followed by
// [Table.Append]; a nil events, like an empty one, gives an empty table.
func Build(events iter.Seq[qun.Event]) (*Table, error) {
	t := NewTable()
	if err := t.Append(events); err != nil {
		return nil, err
	}
	return t, nil
}

// Append adds events to the table. Each must have a member, a name and a time
// within the years 0001 to 9999; the first that does not is refused with an
// error matching [qun.ErrInvalid] that names its position in events, and the
// table is left as it was before the call. Append does not check the rest of
// what [qun.Event.Validate] checks (valid UTF-8, name lengths): a host reading
// events through qun.Event's strict JSON has done so already.
//
// Event IDs and values are not kept: no measure here needs them.
//
// A nil events adds nothing, as an empty one does. Appending to a nil
// *Table is refused with an error matching [qun.ErrInvalid].
func (t *Table) Append(events iter.Seq[qun.Event]) error {
	if t == nil {
		return fmt.Errorf("funnel: append: %w", errNilTable())
	}
	if events == nil {
		return nil
	}
	if t.memberIDs == nil {
		*t = *NewTable()
	}
	mark := t.checkpoint()
	var dirty []int // pages that received an event earlier than they held
	i := 0
	for e := range events {
		if err := checkEvent(e); err != nil {
			t.rollback(mark)
			return fmt.Errorf("funnel: append event %d: %w", i, qun.Within("events["+strconv.Itoa(i)+"]", err))
		}
		i++
		m := t.intern(e.Member)
		p := &t.pages[m>>pageBits]
		us := e.Time.UnixMicro()
		if n := len(p.times); n > 0 && p.sorted && p.times[n-1] > us {
			p.sorted = false
			dirty = append(dirty, int(m>>pageBits))
		}
		p.times = append(p.times, us)
		p.who = append(p.who, uint16(m&(PageMembers-1)))
		p.names = append(p.names, t.names.id(e.Name))
		for k, v := range e.Props {
			p.kv = append(p.kv, uint64(t.keys.id(k))<<32|uint64(t.values.id(v)))
		}
		if len(e.Props) > 1 {
			start := p.props[len(p.props)-1]
			slices.Sort(p.kv[start:]) // by key, so lookups may stop early
		}
		p.props = append(p.props, uint32(len(p.kv)))
		t.minTime = min(t.minTime, us)
		t.maxTime = max(t.maxTime, us)
		t.events++
	}
	for _, pi := range dirty {
		t.pages[pi].sortByTime()
	}
	return nil
}

// AddProfiles records what the host knows about members: join times and
// member properties. A later profile for the same member replaces the join
// time (when set) and the properties it names. A profile with an invalid
// member ID, or a join time outside the years 0001 to 9999, is refused
// with an error matching [qun.ErrInvalid]; profiles before it are kept. A
// nil profiles adds nothing; adding to a nil *Table is refused with an
// error matching qun.ErrInvalid.
func (t *Table) AddProfiles(profiles iter.Seq[Profile]) error {
	if t == nil {
		return fmt.Errorf("funnel: add profiles: %w", errNilTable())
	}
	if profiles == nil {
		return nil
	}
	if t.memberIDs == nil {
		*t = *NewTable()
	}
	i := 0
	for p := range profiles {
		if err := p.Member.Validate(); err != nil {
			return fmt.Errorf("funnel: add profile %d: %w", i, qun.Within("profiles["+strconv.Itoa(i)+"].member", err))
		}
		if !p.Joined.IsZero() && (p.Joined.Year() < 1 || p.Joined.Year() > 9999) {
			return fmt.Errorf("funnel: add profile %d: %w", i, qun.Invalid("profiles["+strconv.Itoa(i)+"].joined", "must lie within the years 0001 to 9999"))
		}
		i++
		m := t.intern(p.Member)
		if !p.Joined.IsZero() {
			t.joined[m] = p.Joined.UnixMicro()
		}
		for k, v := range p.Props {
			key := t.keys.id(k)
			col := t.memberProps[key]
			if len(col) < len(t.members) {
				col = append(col, make([]uint32, len(t.members)-len(col))...)
			}
			col[m] = t.values.id(v) + 1
			t.memberProps[key] = col
		}
	}
	return nil
}

// errNilTable refuses a write to a nil *Table.
func errNilTable() error {
	return qun.Invalid("", "a nil *Table holds nothing: make one with NewTable or Build")
}

// Len returns the number of events in the table (0 for a nil table).
func (t *Table) Len() int {
	if t == nil {
		return 0
	}
	return t.events
}

// Members returns the number of distinct members the table knows, from
// events and profiles (0 for a nil table).
func (t *Table) Members() int {
	if t == nil {
		return 0
	}
	return len(t.members)
}

// Span returns the times of the earliest and the latest event, or two zero
// times for an empty or nil table.
func (t *Table) Span() (first, last time.Time) {
	if t == nil || t.events == 0 {
		return time.Time{}, time.Time{}
	}
	return time.UnixMicro(t.minTime).UTC(), time.UnixMicro(t.maxTime).UTC()
}

// checkEvent reports whether e can be stored.
func checkEvent(e qun.Event) error {
	switch {
	case e.Member == "":
		return qun.Invalid("member", "must not be empty")
	case e.Name == "":
		return qun.Invalid("name", "must not be empty")
	case e.Time.IsZero():
		return qun.Invalid("time", "must not be zero")
	case e.Time.Year() < 1 || e.Time.Year() > 9999:
		return qun.Invalid("time", "must lie within the years 0001 to 9999")
	}
	return nil
}

// intern returns the dense ID of member m, adding it if new.
func (t *Table) intern(m qun.MemberID) uint32 {
	if id, ok := t.memberIDs[m]; ok {
		return id
	}
	id := uint32(len(t.members))
	t.members = append(t.members, m)
	t.memberIDs[m] = id
	t.joined = append(t.joined, noJoined)
	if int(id>>pageBits) == len(t.pages) {
		t.pages = append(t.pages, page{props: []uint32{0}, sorted: true})
	}
	return id
}

// mark records a table's size so that a failed Append can be undone.
type mark struct {
	members, events   int
	names, keys, vals int
	minTime, maxTime  int64
	pages             []int // events per page
}

func (t *Table) checkpoint() mark {
	m := mark{
		members: len(t.members), events: t.events,
		names: len(t.names.strs), keys: len(t.keys.strs), vals: len(t.values.strs),
		minTime: t.minTime, maxTime: t.maxTime,
		pages: make([]int, len(t.pages)),
	}
	for i := range t.pages {
		m.pages[i] = len(t.pages[i].times)
	}
	return m
}

func (t *Table) rollback(m mark) {
	for _, id := range t.members[m.members:] {
		delete(t.memberIDs, id)
	}
	t.members = t.members[:m.members]
	t.joined = t.joined[:m.members]
	t.pages = t.pages[:(m.members+PageMembers-1)>>pageBits]
	for i := range t.pages {
		p := &t.pages[i]
		n := 0
		if i < len(m.pages) {
			n = m.pages[i]
		}
		p.times, p.who, p.names = p.times[:n], p.who[:n], p.names[:n]
		p.props = p.props[:n+1]
		p.kv = p.kv[:p.props[n]]
		p.sorted = slices.IsSorted(p.times)
	}
	t.names.truncate(m.names)
	t.keys.truncate(m.keys)
	t.values.truncate(m.vals)
	t.events, t.minTime, t.maxTime = m.events, m.minTime, m.maxTime
}

// sortByTime puts a page's events in time order, keeping the order of
// events with equal times (a stable sort).
func (p *page) sortByTime() {
	n := len(p.times)
	perm := make([]int32, n)
	for i := range perm {
		perm[i] = int32(i)
	}
	slices.SortStableFunc(perm, func(a, b int32) int { return cmp.Compare(p.times[a], p.times[b]) })
	times := make([]int64, n)
	who := make([]uint16, n)
	names := make([]uint32, n)
	props := make([]uint32, 1, n+1)
	kv := make([]uint64, 0, len(p.kv))
	for i, j := range perm {
		times[i], who[i], names[i] = p.times[j], p.who[j], p.names[j]
		kv = append(kv, p.kv[p.props[j]:p.props[j+1]]...)
		props = append(props, uint32(len(kv)))
	}
	*p = page{times: times, who: who, names: names, props: props, kv: kv, sorted: true}
}

// prop returns the value ID of property key in event i of the page.
func (p *page) prop(i uint32, key uint32) (uint32, bool) {
	for _, kv := range p.kv[p.props[i]:p.props[i+1]] {
		switch k := uint32(kv >> 32); {
		case k == key:
			return uint32(kv), true
		case k > key:
			return 0, false
		}
	}
	return 0, false
}

// dict interns strings as dense IDs from 0.
type dict struct {
	ids  map[string]uint32
	strs []string
}

func newDict() dict { return dict{ids: make(map[string]uint32)} }

func (d *dict) id(s string) uint32 {
	if id, ok := d.ids[s]; ok {
		return id
	}
	id := uint32(len(d.strs))
	d.strs = append(d.strs, s)
	d.ids[s] = id
	return id
}

// lookup returns the ID of s, if interned.
func (d *dict) lookup(s string) (uint32, bool) {
	id, ok := d.ids[s]
	return id, ok
}

func (d *dict) truncate(n int) {
	for _, s := range d.strs[n:] {
		delete(d.ids, s)
	}
	d.strs = d.strs[:n]
}

// memberRun is one member's events within a query: times in order, and for
// each event its name and its row in the member's page.
type memberRun struct {
	member uint32
	page   *page
	times  []int64
	names  []uint32
	rows   []uint32
}

// grouper groups a table's events by member, page by page, reusing its
// buffers: the heart of every query's "group by member".
type grouper struct {
	stop   bool // set by fn to end the iteration
	counts []uint32
	times  []int64
	names  []uint32
	rows   []uint32
}

// each calls fn with the run of every member that has at least one event
// for which keep[name] is true (all events when keep is nil), in member ID
// order. Runs are valid only during the call.
func (g *grouper) each(t *Table, keep []bool, fn func(r *memberRun)) {
	if g.counts == nil {
		g.counts = make([]uint32, PageMembers+1)
	}
	var r memberRun
	for pi := range t.pages {
		if g.stop {
			return
		}
		p := &t.pages[pi]
		counts := g.counts
		clear(counts)
		kept := 0
		names := p.names[:len(p.who)]
		if keep == nil {
			for _, w := range p.who {
				counts[w+1]++
			}
			kept = len(p.who)
		} else {
			// Branch-free: whether an event is kept is close to random.
			for i, w := range p.who {
				k := b2u(keep[names[i]])
				counts[w+1] += k
				kept += int(k)
			}
		}
		if kept == 0 {
			continue
		}
		for i := 1; i <= PageMembers; i++ {
			counts[i] += counts[i-1]
		}
		// One slot more than kept: events not kept are written there, to
		// be overwritten, rather than branched around.
		if cap(g.times) < kept+1 {
			c := kept + kept/4 + 1
			g.times, g.names, g.rows = make([]int64, c), make([]uint32, c), make([]uint32, c)
		}
		times, names2, rows := g.times[:kept+1], g.names[:kept+1], g.rows[:kept+1]
		trash := uint32(kept)
		ptimes := p.times[:len(p.who)]
		for i, w := range p.who {
			name := names[i]
			at, k := counts[w], uint32(1)
			if keep != nil {
				k = b2u(keep[name])
				at = at*k + trash*(1-k)
			}
			counts[w] += k
			times[at], names2[at], rows[at] = ptimes[i], name, uint32(i)
		}
		times, names2, rows = times[:kept], names2[:kept], rows[:kept]
		// counts[w] is now the end of member w's run; its start is the end
		// of the previous member's.
		start := uint32(0)
		r.page = p
		for w := range PageMembers {
			end := counts[w]
			if end > start && !g.stop {
				r.member = uint32(pi)<<pageBits | uint32(w)
				r.times, r.names, r.rows = times[start:end], names2[start:end], rows[start:end]
				fn(&r)
			}
			start = end
		}
	}
}

// b2u converts a bool to 0 or 1 without a branch.
func b2u(b bool) uint32 {
	var u uint32
	if b {
		u = 1
	}
	return u
}

// Run is one member's events in time order, as every query here sees them.
// It is how other measures (a host's own, or a scoring package's) read a
// table member by member without regrouping it. A Run is valid only during
// the iteration that yields it.
//
// Its events are numbered from 0 to Len()−1, and an event number outside
// that range panics, as a slice index does. The zero Run holds no events
// and no member.
type Run struct {
	t *Table
	r *memberRun
}

// Runs yields the run of every member with at least one event, in the
// order members first appeared, grouping the table page by page in cache.
// It allocates per page, never per event. A nil table yields no run.
func (t *Table) Runs() iter.Seq[Run] {
	return func(yield func(Run) bool) {
		if t == nil {
			return
		}
		var g grouper
		g.each(t, nil, func(r *memberRun) {
			g.stop = !yield(Run{t: t, r: r})
		})
	}
}

// Member returns whose events these are ("" for the zero Run).
func (r Run) Member() qun.MemberID {
	if r.r == nil {
		return ""
	}
	return r.t.members[r.r.member]
}

// Len returns the number of events.
func (r Run) Len() int {
	if r.r == nil {
		return 0
	}
	return len(r.r.times)
}

// Time returns the time of event i, to the microsecond, in UTC.
func (r Run) Time(i int) time.Time { return time.UnixMicro(r.r.times[i]).UTC() }

// Micros returns the time of event i in microseconds since the Unix epoch.
func (r Run) Micros(i int) int64 { return r.r.times[i] }

// Name returns the name of event i.
func (r Run) Name(i int) string { return r.t.names.strs[r.r.names[i]] }

// Prop returns the value of property key of event i, and whether the event
// has it.
func (r Run) Prop(i int, key string) (string, bool) {
	k, ok := r.t.keys.lookup(key)
	if !ok {
		return "", false
	}
	v, ok := r.r.page.prop(r.r.rows[i], k)
	if !ok {
		return "", false
	}
	return r.t.values.strs[v], true
}
