package segment

import (
	"errors"
	"fmt"
	"iter"
	"math/bits"
	"slices"
	"strings"
	"time"

	"github.com/qunkit/qun"
)

// Snapshot is the membership of every segment of a set over a population
// at one instant: the population's member IDs, sorted, and for each
// segment a bitmap over them. Hosts read a segment's members as sorted
// IDs ([Snapshot.Members]) or as a [Bitmap], compare two snapshots with
// [Diff] to act on who entered and who exited, and keep a snapshot current
// with [Set.Update] by re-evaluating only the members whose data changed.
// A Snapshot is immutable and safe for concurrent use.
//
// A nil *Snapshot is an empty snapshot, as the zero Snapshot is: no
// segments, no members, the zero time. So [Diff] from nil reports every
// member of the other snapshot as entered, and [Set.Update] of nil
// evaluates the changed members as the whole population.
type Snapshot struct {
	at   time.Time
	segs []SegmentRef
	ids  []qun.MemberID // sorted, unique
	cols [][]uint64     // by segment: bit i set when ids[i] is a member
}

// SegmentRef names a segment and the version of its definition.
type SegmentRef struct {
	// Name is the segment's name.
	Name string `json:"name"`
	// Version is the version of its definition, as [Segment.Version].
	Version int64 `json:"version"`
}

// ErrSegmentsChanged is returned by [Set.Update] when the snapshot to
// update was taken with other segments (other names, versions or order)
// than the set's. Membership under a new definition needs a full
// [Set.Evaluate].
var ErrSegmentsChanged = errors.New("segment: the snapshot was taken with other segments")

// Evaluate evaluates every segment of s for every member of the
// population, at now, and returns the snapshot. Each record is read once
// and may be reused by the iterator as soon as the next is asked for, so a
// host can stream a population of millions through one [Record]. The
// evaluation of a member allocates nothing; the snapshot grows by one bit
// per segment and one ID per member.
//
// A nil population is empty. A member who appears twice, a nil record, a
// record made by another set, and a set that was not compiled are refused
// with an error that matches qun.ErrInvalid.
func (s *Set) Evaluate(population iter.Seq[*Record], now time.Time) (*Snapshot, error) {
	if !s.compiled() {
		return nil, errNotCompiled()
	}
	ids, rows, err := s.evaluateRows(population, now)
	if err != nil {
		return nil, err
	}
	return s.snapshot(now, ids, rows)
}

// evaluateRows evaluates the population into member IDs and rows of
// result bits, in the population's order. It gathers them in chunks and
// joins them once at the end, so a population of millions is not copied
// over and over as it grows.
func (s *Set) evaluateRows(population iter.Seq[*Record], now time.Time) ([]qun.MemberID, []uint64, error) {
	const chunk = 8192
	e := s.At(now)
	w := len(e.bits)
	var idChunks [][]qun.MemberID
	var rowChunks [][]uint64
	n := 0
	if population == nil {
		population = func(func(*Record) bool) {}
	}
	for r := range population {
		if !e.usable(r) {
			return nil, nil, fmt.Errorf("segment: record %d of the population: %w", n, errForeignRecord(r))
		}
		if n%chunk == 0 {
			idChunks = append(idChunks, make([]qun.MemberID, 0, chunk))
			rowChunks = append(rowChunks, make([]uint64, 0, chunk*w))
		}
		e.evalAll(r)
		last := len(idChunks) - 1
		idChunks[last] = append(idChunks[last], r.id)
		rowChunks[last] = append(rowChunks[last], e.bits...)
		n++
	}
	ids := make([]qun.MemberID, 0, n)
	rows := make([]uint64, 0, n*w)
	for i := range idChunks {
		ids = append(ids, idChunks[i]...)
		rows = append(rows, rowChunks[i]...)
	}
	return ids, rows, nil
}

// refs returns the set's segments as references.
func (s *Set) refs() []SegmentRef {
	refs := make([]SegmentRef, len(s.segments))
	for i, seg := range s.segments {
		refs[i] = SegmentRef{seg.Name, seg.Version}
	}
	return refs
}

// sortRows orders the members by ID, returning the order (nil when they
// are already sorted), and refuses a repeated member.
func sortRows(ids []qun.MemberID) ([]int, error) {
	if slices.IsSorted(ids) {
		for i := 1; i < len(ids); i++ {
			if ids[i] == ids[i-1] {
				return nil, qun.Invalid("", "member %q appears twice in the population", ids[i])
			}
		}
		return nil, nil
	}
	order := make([]int, len(ids))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return strings.Compare(string(ids[a]), string(ids[b])) })
	for i := 1; i < len(order); i++ {
		if ids[order[i]] == ids[order[i-1]] {
			return nil, qun.Invalid("", "member %q appears twice in the population", ids[order[i]])
		}
	}
	return order, nil
}

// snapshot turns rows in population order into a snapshot in ID order.
func (s *Set) snapshot(now time.Time, ids []qun.MemberID, rows []uint64) (*Snapshot, error) {
	order, err := sortRows(ids)
	if err != nil {
		return nil, err
	}
	n, w := len(ids), (len(s.segments)+63)/64
	snap := &Snapshot{at: now, segs: s.refs(), ids: make([]qun.MemberID, n), cols: make([][]uint64, len(s.segments))}
	for j := range snap.cols {
		snap.cols[j] = make([]uint64, (n+63)/64)
	}
	for k := range n {
		src := k
		if order != nil {
			src = order[k]
		}
		snap.ids[k] = ids[src]
		row := rows[src*w : src*w+w]
		for wi, word := range row {
			for word != 0 {
				j := wi*64 + bits.TrailingZeros64(word)
				word &= word - 1
				snap.cols[j][k>>6] |= 1 << (k & 63)
			}
		}
	}
	return snap, nil
}

// Time returns the instant the snapshot was evaluated at.
func (sn *Snapshot) Time() time.Time {
	if sn == nil {
		return time.Time{}
	}
	return sn.at
}

// Segments returns the segments the snapshot holds, in the set's order.
func (sn *Snapshot) Segments() []SegmentRef {
	if sn == nil {
		return nil
	}
	return slices.Clone(sn.segs)
}

// Len returns the size of the population.
func (sn *Snapshot) Len() int {
	if sn == nil {
		return 0
	}
	return len(sn.ids)
}

// Population yields the population's member IDs in increasing order; the
// i-th is the position i of every [Bitmap] of the snapshot.
func (sn *Snapshot) Population() iter.Seq[qun.MemberID] {
	if sn == nil {
		return slices.Values([]qun.MemberID(nil))
	}
	return slices.Values(sn.ids)
}

func (sn *Snapshot) col(segment string) ([]uint64, bool) {
	if sn == nil {
		return nil, false
	}
	for j, ref := range sn.segs {
		if ref.Name == segment {
			return sn.cols[j], true
		}
	}
	return nil, false
}

// Size returns the number of members of the segment; 0 for a segment the
// snapshot does not hold.
func (sn *Snapshot) Size(segment string) int {
	col, _ := sn.col(segment)
	return popcount(col)
}

// Contains reports whether the member is in the segment.
func (sn *Snapshot) Contains(segment string, id qun.MemberID) bool {
	col, ok := sn.col(segment)
	if !ok {
		return false
	}
	i, found := slices.BinarySearch(sn.ids, id)
	return found && col[i>>6]&(1<<(i&63)) != 0
}

// Members returns the segment's members as sorted IDs.
func (sn *Snapshot) Members(segment string) []qun.MemberID {
	col, _ := sn.col(segment)
	out := make([]qun.MemberID, 0, popcount(col))
	for i := range setBits(col) {
		out = append(out, sn.ids[i])
	}
	return out
}

// Bitmap returns the segment's members as a bitmap over the positions of
// [Snapshot.Population]; false for a segment the snapshot does not hold.
func (sn *Snapshot) Bitmap(segment string) (*Bitmap, bool) {
	col, ok := sn.col(segment)
	if !ok {
		return nil, false
	}
	return &Bitmap{words: slices.Clone(col), n: len(sn.ids)}, true
}

// Overlap returns how many members are in both segments.
func (sn *Snapshot) Overlap(a, b string) int {
	ca, _ := sn.col(a)
	cb, _ := sn.col(b)
	n := 0
	for i := range min(len(ca), len(cb)) {
		n += bits.OnesCount64(ca[i] & cb[i])
	}
	return n
}

// Overlaps returns the overlap of every pair of segments, in the order of
// [Snapshot.Segments]: Overlaps()[i][j] members are in both segment i and
// segment j, and the diagonal holds the sizes.
func (sn *Snapshot) Overlaps() [][]int {
	if sn == nil {
		return [][]int{}
	}
	m := make([][]int, len(sn.cols))
	for i := range m {
		m[i] = make([]int, len(sn.cols))
		for j := range i + 1 {
			n := 0
			for k := range sn.cols[i] {
				n += bits.OnesCount64(sn.cols[i][k] & sn.cols[j][k])
			}
			m[i][j], m[j][i] = n, n
		}
	}
	return m
}

// Change is what happened to one segment between two snapshots: who
// entered and who exited, as sorted IDs. PrevVersion and Version are the
// segment's versions in the two snapshots (0 where it is absent), so a
// host can tell a change of members from a change of definition.
type Change struct {
	// Segment names the segment.
	Segment string `json:"segment"`
	// PrevVersion is its version in the earlier snapshot; 0 when that
	// snapshot does not hold it (a new segment).
	PrevVersion int64 `json:"prev_version"`
	// Version is its version in the later snapshot; 0 when that snapshot
	// does not hold it (a dropped segment).
	Version int64 `json:"version"`
	// Entered are the members who joined it, in increasing order.
	Entered []qun.MemberID `json:"entered"`
	// Exited are the members who left it, in increasing order.
	Exited []qun.MemberID `json:"exited"`
}

// Diff returns the changes from prev to next, one per segment of either
// (next's in order, then those only prev holds), leaving out segments
// whose members and version did not change. A member missing from next's
// population has exited every segment. For each segment, prev's members
// with the entered added and the exited removed are next's members. A nil
// snapshot is empty: Diff(nil, next) has every member of next enter, and
// Diff(prev, nil) every member of prev exit.
func Diff(prev, next *Snapshot) []Change {
	if prev == nil {
		prev = &Snapshot{}
	}
	if next == nil {
		next = &Snapshot{}
	}
	var out []Change
	done := make(map[string]bool, len(next.segs))
	for j, ref := range next.segs {
		done[ref.Name] = true
		pc, _ := prev.col(ref.Name)
		ch := diffCol(ref.Name, prev, pc, next, next.cols[j])
		ch.Version = ref.Version
		for _, p := range prev.segs {
			if p.Name == ref.Name {
				ch.PrevVersion = p.Version
			}
		}
		if len(ch.Entered) > 0 || len(ch.Exited) > 0 || ch.Version != ch.PrevVersion {
			out = append(out, ch)
		}
	}
	for j, ref := range prev.segs {
		if done[ref.Name] {
			continue
		}
		ch := diffCol(ref.Name, prev, prev.cols[j], next, nil)
		ch.PrevVersion = ref.Version
		out = append(out, ch)
	}
	return out
}

// diffCol compares one segment's bitmaps over the two populations.
func diffCol(name string, prev *Snapshot, pc []uint64, next *Snapshot, nc []uint64) Change {
	ch := Change{Segment: name, Entered: []qun.MemberID{}, Exited: []qun.MemberID{}}
	in := func(col []uint64, i int) bool { return col != nil && col[i>>6]&(1<<(i&63)) != 0 }
	i, j := 0, 0
	for i < len(prev.ids) || j < len(next.ids) {
		switch {
		case j == len(next.ids) || i < len(prev.ids) && prev.ids[i] < next.ids[j]:
			if in(pc, i) {
				ch.Exited = append(ch.Exited, prev.ids[i])
			}
			i++
		case i == len(prev.ids) || next.ids[j] < prev.ids[i]:
			if in(nc, j) {
				ch.Entered = append(ch.Entered, next.ids[j])
			}
			j++
		default:
			was, is := in(pc, i), in(nc, j)
			if is && !was {
				ch.Entered = append(ch.Entered, next.ids[j])
			} else if was && !is {
				ch.Exited = append(ch.Exited, prev.ids[i])
			}
			i++
			j++
		}
	}
	return ch
}

// Update returns prev brought up to date: the members in changed are
// evaluated afresh at now (new members join the population), the members
// in removed leave it (removed wins over changed), and every other
// member's membership is copied from prev without evaluating it. When
// changed holds every member whose data changed, and the rules do not
// depend on the passing of time, the result equals a full [Set.Evaluate]
// of the new population. Rules with relative time (within, before,
// windows, expiring tags) move members in and out as time passes without
// any data changing; a host that updates incrementally also evaluates in
// full from time to time, at least as often as its shortest window.
//
// A nil prev is an empty population evaluated with the set's segments,
// so Update(nil, population, nil, now) equals Evaluate(population, now);
// a nil changed changes no one. Update refuses a snapshot taken with
// other segments with [ErrSegmentsChanged], and what [Set.Evaluate]
// refuses in changed, and a set that was not compiled, with an error
// matching qun.ErrInvalid.
func (s *Set) Update(prev *Snapshot, changed iter.Seq[*Record], removed []qun.MemberID, now time.Time) (*Snapshot, error) {
	if !s.compiled() {
		return nil, errNotCompiled()
	}
	if prev == nil {
		prev = &Snapshot{segs: s.refs(), cols: make([][]uint64, len(s.segments))}
	}
	if !slices.Equal(prev.segs, s.refs()) {
		return nil, ErrSegmentsChanged
	}
	ids, rows, err := s.evaluateRows(changed, now)
	if err != nil {
		return nil, err
	}
	fresh, err := s.snapshot(now, ids, rows)
	if err != nil {
		return nil, err
	}
	gone := slices.Sorted(slices.Values(removed))
	isGone := func(id qun.MemberID) bool {
		_, found := slices.BinarySearch(gone, id)
		return found
	}
	type source struct {
		snap *Snapshot
		i    int
	}
	var merged []source
	i, j := 0, 0
	for i < len(prev.ids) || j < len(fresh.ids) {
		switch {
		case j == len(fresh.ids) || i < len(prev.ids) && prev.ids[i] < fresh.ids[j]:
			if !isGone(prev.ids[i]) {
				merged = append(merged, source{prev, i})
			}
			i++
		default:
			if i < len(prev.ids) && prev.ids[i] == fresh.ids[j] {
				i++
			}
			if !isGone(fresh.ids[j]) {
				merged = append(merged, source{fresh, j})
			}
			j++
		}
	}
	out := &Snapshot{at: now, segs: s.refs(), ids: make([]qun.MemberID, len(merged)), cols: make([][]uint64, len(s.segments))}
	for c := range out.cols {
		out.cols[c] = make([]uint64, (len(merged)+63)/64)
	}
	for k, src := range merged {
		out.ids[k] = src.snap.ids[src.i]
		for c, col := range src.snap.cols {
			if col[src.i>>6]&(1<<(src.i&63)) != 0 {
				out.cols[c][k>>6] |= 1 << (k & 63)
			}
		}
	}
	return out, nil
}

// Bitmap is a set of positions in a population, one bit each. A nil
// *Bitmap is an empty bitmap over no positions.
type Bitmap struct {
	words []uint64
	n     int
}

// Len returns the number of positions, members or not.
func (b *Bitmap) Len() int {
	if b == nil {
		return 0
	}
	return b.n
}

// Count returns the number of positions set.
func (b *Bitmap) Count() int {
	if b == nil {
		return 0
	}
	return popcount(b.words)
}

// Has reports whether position i is set.
func (b *Bitmap) Has(i int) bool {
	return b != nil && i >= 0 && i < b.n && b.words[i>>6]&(1<<(i&63)) != 0
}

// All yields the positions set, in increasing order.
func (b *Bitmap) All() iter.Seq[int] {
	if b == nil {
		return setBits(nil)
	}
	return setBits(b.words)
}

// And returns the positions set in both b and o, which must be over the
// same population: bitmaps of different lengths are refused with an error
// matching qun.ErrInvalid.
func (b *Bitmap) And(o *Bitmap) (*Bitmap, error) {
	if b == nil {
		b = &Bitmap{}
	}
	if o == nil {
		o = &Bitmap{}
	}
	if b.n != o.n {
		return nil, fmt.Errorf("segment: and: %w", qun.Invalid("", "the bitmaps are over %d and %d positions, not one population", b.n, o.n))
	}
	out := &Bitmap{words: make([]uint64, len(b.words)), n: b.n}
	for i := range out.words {
		out.words[i] = b.words[i] & o.words[i]
	}
	return out, nil
}

func popcount(words []uint64) int {
	n := 0
	for _, w := range words {
		n += bits.OnesCount64(w)
	}
	return n
}

func setBits(words []uint64) iter.Seq[int] {
	return func(yield func(int) bool) {
		for wi, w := range words {
			for w != 0 {
				if !yield(wi*64 + bits.TrailingZeros64(w)) {
					return
				}
				w &= w - 1
			}
		}
	}
}
