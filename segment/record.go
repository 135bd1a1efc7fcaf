package segment

import (
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/qunkit/qun"
	"github.com/shopspring/decimal"
)

// Record is one member's data in the compact form a [Set] evaluates. A
// record keeps nearly all of it in one array of machine words, laid out by
// the set, so that evaluating a member reads a few consecutive cache
// lines instead of chasing pointers:
//
//   - the attribute values, in slots laid out by the schema: numbers,
//     bools, instants and decimals in words, and each string also as the
//     number of the rule literal it equals, so that = and in compare
//     integers;
//   - of the member's events, only those the set's aggregates read: for
//     each distinct event filter, their instants in time order, with
//     running totals of their values where a sum reads them;
//   - the tags, as taxonomy numbers in order, each with its weight and
//     expiry, and repeated under every declared tag above it.
//
// Strings and string lists are kept beside the array for contains,
// prefix and portraits.
//
// A host builds a record per member from its own storage, with
// [Set.NewRecord] and the setters, and can reuse one record for many
// members with [Record.Reset]. A record belongs to the set that made it.
// A nil *Record, the zero Record and a record of a set that was not
// compiled belong to none: they refuse every value with an error matching
// qun.ErrInvalid, match no segment, and do not panic.
//
// An attribute that is never set is missing (see [Op] for what tests of
// missing values do). A Record is not safe for concurrent writes; reading
// it from several evaluators at once is safe.
type Record struct {
	id    qun.MemberID
	set   *Set
	data  []uint64 // see the layout below
	strs  []string
	lists [][]string
	big   *exact // nil until a value does not fit a machine word
}

// exact holds what a record cannot keep in words: the decimals whose
// coefficient does not fit an int64, and the event values of a summed run
// whose totals no longer fit.
type exact struct {
	decs []decimal.Decimal   // by decimal attribute
	vals [][]decimal.Decimal // by filter
}

// exact returns the record's exact values, making them if need be.
func (r *Record) exact() *exact {
	if r.big == nil {
		r.big = &exact{decs: make([]decimal.Decimal, r.set.nDecs), vals: make([][]decimal.Decimal, len(r.set.filters))}
	}
	return r.big
}

// The layout of Record.data, for a set with W attribute words and F
// event filters:
//
//	[0, W)        presence bits, then the attribute words
//	[W, W+F+1)    offsets: run f is data[off(f):off(f+1)], and the tags
//	              run from off(F) to the end
//	runs          a count-only run is 2 words per event (Unix seconds,
//	              nanoseconds); a summed run of n > 0 events is a header
//	              (the totals' exponent, and a flag when they do not fit),
//	              2n words of instants, and n+1 running totals
//	tags          3 words per tag: number<<32 | expiry nanoseconds,
//	              weight, expiry seconds
const (
	tagWords   = 3
	inexactBit = 1 << 32
)

// stamp is an instant as Unix seconds and nanoseconds: exact over all the
// years time.Time holds, and compared without allocating.
type stamp struct {
	sec  int64
	nsec int32
}

// never is the expiry of a tag that does not expire.
var never = stamp{sec: math.MaxInt64}

func stampOf(t time.Time) stamp { return stamp{t.Unix(), int32(t.Nanosecond())} }

func (a stamp) before(b stamp) bool { return a.sec < b.sec || a.sec == b.sec && a.nsec < b.nsec }

// add returns a moved by n nanoseconds, n being −1 or 1.
func (a stamp) add(n int32) stamp {
	a.nsec += n
	switch {
	case a.nsec < 0:
		a.sec, a.nsec = a.sec-1, a.nsec+1e9
	case a.nsec >= 1e9:
		a.sec, a.nsec = a.sec+1, a.nsec-1e9
	}
	return a
}

func (a stamp) time() time.Time { return time.Unix(a.sec, int64(a.nsec)).UTC() }

// NewRecord returns an empty record for the member, laid out for s. For a
// set that was not compiled it returns a record that refuses every value.
func (s *Set) NewRecord(id qun.MemberID) *Record {
	if !s.compiled() {
		return &Record{id: id}
	}
	r := &Record{id: id, set: s}
	// Room for a few tags and events.
	r.data = make([]uint64, s.header(), s.header()+8)
	r.resetOffsets()
	if s.nStrs > 0 {
		r.strs = make([]string, s.nStrs)
	}
	if s.nLists > 0 {
		r.lists = make([][]string, s.nLists)
	}
	return r
}

// header is the number of words before a record's runs.
func (s *Set) header() int { return s.words + len(s.filters) + 1 }

func (r *Record) resetOffsets() {
	h := uint64(r.set.header())
	for f := r.set.words; f < int(h); f++ {
		r.data[f] = h
	}
}

// off returns where run f begins; off(F) is where the tags begin.
func (r *Record) off(f int) int { return int(r.data[r.set.words+f]) }

// tagData returns the tags' words.
func (r *Record) tagData() []uint64 { return r.data[r.off(len(r.set.filters)):] }

// ID returns the member the record is about; "" for a nil Record.
func (r *Record) ID() qun.MemberID {
	if r == nil {
		return ""
	}
	return r.id
}

// laidOut reports whether r was made by [Set.NewRecord] of a compiled set.
func (r *Record) laidOut() bool { return r != nil && r.set != nil }

// errNoLayout refuses a value for a record that no compiled set made.
func errNoLayout() error {
	return qun.Invalid("", "the record was not made by Set.NewRecord of a compiled set (a nil or zero Record)")
}

// errForeignRecord refuses a record, nil or made by another set, that a
// set was asked to read.
func errForeignRecord(r *Record) error {
	if r == nil {
		return qun.Invalid("", "the record is nil")
	}
	return qun.Invalid("", "the record of member %q was made by another set", r.id)
}

// Reset empties r for another member, keeping the memory it has grown. A
// record no compiled set made only takes the new ID; a nil one is left
// alone.
func (r *Record) Reset(id qun.MemberID) {
	if r == nil {
		return
	}
	r.id = id
	if r.set == nil {
		return
	}
	r.data = r.data[:r.set.header()]
	clear(r.data[:r.set.words])
	r.resetOffsets()
	clear(r.strs)
	for i := range r.lists {
		r.lists[i] = r.lists[i][:0]
	}
	r.big = nil
}

// slot finds the named attribute and checks its type.
func (r *Record) slot(name string, want Type) (*slot, error) {
	if !r.laidOut() {
		return nil, errNoLayout()
	}
	i, ok := r.set.attrs[name]
	if !ok {
		return nil, qun.Invalid(name, "unknown attribute")
	}
	sl := &r.set.slots[i]
	if sl.typ != want {
		return nil, qun.Invalid(name, "is a %s attribute, not %s", sl.typ, want)
	}
	return sl, nil
}

func (r *Record) mark(sl *slot) { r.data[sl.bit>>6] |= 1 << (sl.bit & 63) }

func (r *Record) present(bit int) bool { return r.data[bit>>6]&(1<<(bit&63)) != 0 }

// SetString sets a string attribute.
func (r *Record) SetString(name, v string) error {
	sl, err := r.slot(name, TypeString)
	if err != nil {
		return err
	}
	r.data[sl.word] = sl.dict[v] // 0 when no rule compares with v
	r.strs[sl.aux] = v
	r.mark(sl)
	return nil
}

// SetNumber sets a number attribute. NaN and infinities are refused: a
// score that is not a number is a bug upstream, and would compare unequal
// to itself.
func (r *Record) SetNumber(name string, v float64) error {
	sl, err := r.slot(name, TypeNumber)
	if err != nil {
		return err
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return qun.Invalid(name, "must be a finite number")
	}
	r.data[sl.word] = math.Float64bits(v)
	r.mark(sl)
	return nil
}

// SetDecimal sets a decimal attribute. A value with more than 64
// significant digits or an exponent beyond ±64 (qun.MaxValueDigits) is
// refused, as in an event's value: no money needs it, and comparing it
// exactly could take minutes.
func (r *Record) SetDecimal(name string, v decimal.Decimal) error {
	sl, err := r.slot(name, TypeDecimal)
	if err != nil {
		return err
	}
	if err := qun.ValidateValue(v); err != nil {
		return qun.Within(name, err)
	}
	f, ok := fastOf(v)
	if !ok {
		f.e = math.MinInt32 // not held in words: compare v itself
		r.exact().decs[sl.aux] = v
	}
	r.data[sl.word] = uint64(f.m)
	r.data[sl.word+1] = uint64(int64(f.e))
	r.mark(sl)
	return nil
}

// SetBool sets a bool attribute.
func (r *Record) SetBool(name string, v bool) error {
	sl, err := r.slot(name, TypeBool)
	if err != nil {
		return err
	}
	r.data[sl.word] = 0
	if v {
		r.data[sl.word] = 1
	}
	r.mark(sl)
	return nil
}

// SetTime sets a time attribute. Only the instant counts.
func (r *Record) SetTime(name string, v time.Time) error {
	sl, err := r.slot(name, TypeTime)
	if err != nil {
		return err
	}
	st := stampOf(v)
	r.data[sl.word] = uint64(st.sec)
	r.data[sl.word+1] = uint64(st.nsec)
	r.mark(sl)
	return nil
}

// SetStrings sets a string-list attribute, copying v. An empty list is
// present, and contains nothing.
func (r *Record) SetStrings(name string, v []string) error {
	sl, err := r.slot(name, TypeStrings)
	if err != nil {
		return err
	}
	r.lists[sl.aux] = append(r.lists[sl.aux][:0], v...)
	r.mark(sl)
	return nil
}

// Set sets an attribute from a Go value of its type: a string; a float64
// or any Go integer for a number; a decimal.Decimal; a bool; a time.Time;
// a []string. It suits hosts that read attributes generically, such as
// from database rows.
func (r *Record) Set(name string, v any) error {
	switch v := v.(type) {
	case string:
		return r.SetString(name, v)
	case float64:
		return r.SetNumber(name, v)
	case float32:
		return r.SetNumber(name, float64(v))
	case int:
		return r.SetNumber(name, float64(v))
	case int32:
		return r.SetNumber(name, float64(v))
	case int64:
		return r.SetNumber(name, float64(v))
	case uint32:
		return r.SetNumber(name, float64(v))
	case decimal.Decimal:
		return r.SetDecimal(name, v)
	case bool:
		return r.SetBool(name, v)
	case time.Time:
		return r.SetTime(name, v)
	case []string:
		return r.SetStrings(name, v)
	}
	return qun.Invalid(name, "cannot hold a %T", v)
}

// Unset makes an attribute missing.
func (r *Record) Unset(name string) error {
	if !r.laidOut() {
		return errNoLayout()
	}
	i, ok := r.set.attrs[name]
	if !ok {
		return qun.Invalid(name, "unknown attribute")
	}
	sl := &r.set.slots[i]
	r.data[sl.bit>>6] &^= 1 << (sl.bit & 63)
	return nil
}

// AddTag gives the member a tag. The tag counts for itself and for every
// tag above it that the taxonomy declares: a member tagged
// wine/italian/barolo is held as wine/italian and wine where those are
// declared. A tag that neither is declared nor lies below a declared one
// is accepted and ignored, since no rule can name it. An invalid tag is
// refused.
func (r *Record) AddTag(t Tag) error {
	if !r.laidOut() {
		return errNoLayout()
	}
	if err := t.Validate(); err != nil {
		return err
	}
	exp := never
	if !t.Expires.IsZero() {
		exp = stampOf(t.Expires)
	}
	for name := t.Name; name != ""; name = Parent(name) {
		id, ok := r.set.tagIDs[name]
		if !ok {
			continue
		}
		// After the tags of the same number and below.
		tags := r.tagData()
		j := 0
		for j < len(tags) && uint32(tags[j]>>32) <= uint32(id) {
			j += tagWords
		}
		at := r.off(len(r.set.filters)) + j
		r.splice(at, at, uint64(id)<<32|uint64(uint32(exp.nsec)), math.Float64bits(t.Weight), uint64(exp.sec))
	}
	return nil
}

// AddTags gives the member each of the tags, stopping at the first
// invalid one.
func (r *Record) AddTags(tags ...Tag) error {
	for i, t := range tags {
		if err := r.AddTag(t); err != nil {
			return qun.Within("["+strconv.Itoa(i)+"]", err)
		}
	}
	return nil
}

// AddEvent adds one of the member's events. The record keeps it only if
// some aggregate of the set reads it (its name and properties pass one of
// the aggregates' filters), so a host may feed a member's whole history.
// Events may come in any order. The host gives each event once: the
// record does not remember event IDs. An event with a zero time, or with
// a value beyond the bound of qun.Event (qun.MaxValueDigits), is refused.
func (r *Record) AddEvent(e qun.Event) error {
	if !r.laidOut() {
		return errNoLayout()
	}
	if e.Time.IsZero() {
		return qun.Invalid("time", "must not be zero")
	}
	if e.Value.Valid {
		if err := qun.ValidateValue(e.Value.Decimal); err != nil {
			return qun.Within("value", err)
		}
	}
	fs, ok := r.set.byEvent[e.Name]
	if !ok {
		return nil
	}
	at := stampOf(e.Time)
	for _, f := range fs {
		spec := &r.set.filters[f]
		if !spec.filter.Match(e) {
			continue
		}
		if spec.summed {
			v := decimal.Zero
			if e.Value.Valid {
				v = e.Value.Decimal
			}
			r.addSummed(int(f), at, v)
			continue
		}
		times := r.data[r.off(int(f)):r.off(int(f)+1)]
		i := len(times) / 2
		for i > 0 && at.before(stamp{int64(times[2*i-2]), int32(times[2*i-1])}) {
			i--
		}
		at0 := r.off(int(f)) + 2*i
		r.splice(at0, at0, uint64(at.sec), uint64(int64(at.nsec)))
		r.shift(int(f), 2)
	}
	return nil
}

// splice replaces data[i:j] with words. The array grows by a quarter
// (at least 8 words) when it must, not double, since most records stop
// growing soon and every word of slack is memory a population scan reads.
func (r *Record) splice(i, j int, words ...uint64) {
	if need := len(r.data) - (j - i) + len(words); need > cap(r.data) {
		grown := make([]uint64, len(r.data), need+max(8, need/4))
		copy(grown, r.data)
		r.data = grown
	}
	r.data = slices.Replace(r.data, i, j, words...)
}

// shift moves the runs after f, and the tags, by delta words.
func (r *Record) shift(f, delta int) {
	for g := f + 1; g <= len(r.set.filters); g++ {
		r.data[r.set.words+g] += uint64(delta)
	}
}

// addSummed inserts an event with a value into summed run f, keeping the
// running totals exact: at the finest exponent of the values while they
// fit an int64, and as decimals in r.big once they do not.
func (r *Record) addSummed(f int, at stamp, v decimal.Decimal) {
	old := r.data[r.off(f):r.off(f+1)]
	n := 0
	var hdr uint64
	var times, sums []uint64
	if len(old) > 0 {
		n = (len(old) - 2) / 3
		hdr, times, sums = old[0], old[1:1+2*n], old[1+2*n:]
	}
	i := n
	for i > 0 && at.before(stamp{int64(times[2*i-2]), int32(times[2*i-1])}) {
		i--
	}
	out := make([]uint64, 0, 3*(n+1)+2)
	out = append(out, 0)
	out = append(out, times[:2*i]...)
	out = append(out, uint64(at.sec), uint64(int64(at.nsec)))
	out = append(out, times[2*i:]...)
	exp := int32(uint32(hdr))
	if n == 0 {
		exp = v.Exponent()
	}
	totals := make([]int64, n+1)
	for k := range totals {
		if k < len(sums) {
			totals[k] = int64(sums[k])
		}
	}
	exact := hdr&inexactBit == 0
	if exact {
		var ok bool
		totals, exp, ok = insertTotal(totals, exp, i, v)
		if !ok {
			// The totals no longer fit: keep the values as decimals.
			vals := make([]decimal.Decimal, n)
			for k := range vals {
				vals[k] = decimal.New(int64(sums[k+1])-int64(sums[k]), exp)
			}
			r.exact().vals[f] = vals
			exact = false
		}
	}
	if !exact {
		r.big.vals[f] = slices.Insert(r.big.vals[f], i, v)
		totals = make([]int64, n+2)
	}
	out[0] = uint64(uint32(exp))
	if !exact {
		out[0] |= inexactBit
	}
	for _, t := range totals {
		out = append(out, uint64(t))
	}
	r.splice(r.off(f), r.off(f+1), out...)
	r.shift(f, len(out)-len(old))
}
