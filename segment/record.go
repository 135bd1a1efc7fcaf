package segment

import (
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/qunkit/qun"
	"github.com/shopspring/decimal"
)

// Record is one member's data in the compact form a [Set] evaluates: the
// attribute values in slots laid out by the schema (numbers, bools,
// instants and decimals in machine words; strings also as the integer of
// the literal they equal, so that = and in compare integers), the tags as
// taxonomy numbers sorted for search (each with the tags above it), and
// of the member's events only those the set's aggregates read, in time
// order per filter, with running totals for sums.
//
// A host builds a record per member from its own storage, with
// [Set.NewRecord] and the setters, and can reuse one record for many
// members with [Record.Reset]. A record belongs to the set that made it.
// An attribute that is never set is missing (see [Op] for what tests of
// missing values do). A Record is not safe for concurrent writes; reading
// it from several evaluators at once is safe.
type Record struct {
	id    qun.MemberID
	set   *Set
	words []uint64 // presence bits, then the attributes' value words
	strs  []string
	lists [][]string
	decs  []decimal.Decimal // decimals whose coefficient does not fit an int64; nil until one is set
	tags  []tagRef
	runs  []run // by filter; nil until the record holds an event
}

// tagRef is a tag of the member, under the number of a taxonomy tag it
// counts for.
type tagRef struct {
	id      int32
	weight  float64
	expires stamp
}

// run is the member's events that pass one filter, in time order.
type run struct {
	times []stamp
	sum   *summed // when a sum reads the filter
}

// summed is the values of a run's events, and their running totals.
type summed struct {
	vals []decimal.Decimal
	sums prefixSums
}

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

func (a stamp) time() time.Time { return time.Unix(a.sec, int64(a.nsec)).UTC() }

// NewRecord returns an empty record for the member, laid out for s.
func (s *Set) NewRecord(id qun.MemberID) *Record {
	r := &Record{id: id, set: s, words: make([]uint64, s.words)}
	if s.nStrs > 0 {
		r.strs = make([]string, s.nStrs)
	}
	if s.nLists > 0 {
		r.lists = make([][]string, s.nLists)
	}
	return r
}

// ID returns the member the record is about.
func (r *Record) ID() qun.MemberID { return r.id }

// Reset empties r for another member, keeping the memory it has grown.
func (r *Record) Reset(id qun.MemberID) {
	r.id = id
	clear(r.words)
	clear(r.strs)
	for i := range r.lists {
		r.lists[i] = r.lists[i][:0]
	}
	clear(r.decs)
	r.tags = r.tags[:0]
	for i := range r.runs {
		ru := &r.runs[i]
		ru.times = ru.times[:0]
		if ru.sum != nil {
			ru.sum.vals = ru.sum.vals[:0]
			ru.sum.sums.rebuild(nil, 0)
		}
	}
}

// slot finds the named attribute and checks its type.
func (r *Record) slot(name string, want Type) (*slot, error) {
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

func (r *Record) mark(sl *slot) { r.words[sl.bit>>6] |= 1 << (sl.bit & 63) }

func (r *Record) present(bit int) bool { return r.words[bit>>6]&(1<<(bit&63)) != 0 }

// SetString sets a string attribute.
func (r *Record) SetString(name, v string) error {
	sl, err := r.slot(name, TypeString)
	if err != nil {
		return err
	}
	r.words[sl.word] = sl.dict[v] // 0 when no rule compares with v
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
	r.words[sl.word] = math.Float64bits(v)
	r.mark(sl)
	return nil
}

// SetDecimal sets a decimal attribute.
func (r *Record) SetDecimal(name string, v decimal.Decimal) error {
	sl, err := r.slot(name, TypeDecimal)
	if err != nil {
		return err
	}
	f, ok := fastOf(v)
	if !ok {
		f.e = math.MinInt32 // not held in words: compare v itself
		if r.decs == nil {
			r.decs = make([]decimal.Decimal, r.set.nDecs)
		}
		r.decs[sl.aux] = v
	}
	r.words[sl.word] = uint64(f.m)
	r.words[sl.word+1] = uint64(int64(f.e))
	r.mark(sl)
	return nil
}

// SetBool sets a bool attribute.
func (r *Record) SetBool(name string, v bool) error {
	sl, err := r.slot(name, TypeBool)
	if err != nil {
		return err
	}
	r.words[sl.word] = 0
	if v {
		r.words[sl.word] = 1
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
	r.words[sl.word] = uint64(st.sec)
	r.words[sl.word+1] = uint64(st.nsec)
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
	i, ok := r.set.attrs[name]
	if !ok {
		return qun.Invalid(name, "unknown attribute")
	}
	sl := &r.set.slots[i]
	r.words[sl.bit>>6] &^= 1 << (sl.bit & 63)
	return nil
}

// AddTag gives the member a tag. The tag counts for itself and for every
// tag above it that the taxonomy declares: a member tagged
// wine/italian/barolo is held as wine/italian and wine where those are
// declared. A tag that neither is declared nor lies below a declared one
// is accepted and ignored, since no rule can name it. An invalid tag is
// refused.
func (r *Record) AddTag(t Tag) error {
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
		ref := tagRef{id: id, weight: t.Weight, expires: exp}
		i, _ := slices.BinarySearchFunc(r.tags, id+1, func(t tagRef, id int32) int { return int(t.id - id) })
		r.tags = slices.Insert(r.tags, i, ref)
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
// record does not remember event IDs. An event with a zero time is
// refused.
func (r *Record) AddEvent(e qun.Event) error {
	if e.Time.IsZero() {
		return qun.Invalid("time", "must not be zero")
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
		if r.runs == nil {
			r.runs = make([]run, len(r.set.filters))
		}
		ru := &r.runs[f]
		// After every event at or before it: a new event usually comes
		// last, which makes this an append.
		i := len(ru.times)
		for i > 0 && at.before(ru.times[i-1]) {
			i--
		}
		ru.times = slices.Insert(ru.times, i, at)
		if spec.summed {
			v := decimal.Zero
			if e.Value.Valid {
				v = e.Value.Decimal
			}
			if ru.sum == nil {
				ru.sum = &summed{}
			}
			ru.sum.vals = slices.Insert(ru.sum.vals, i, v)
			ru.sum.sums.rebuild(ru.sum.vals, i)
		}
	}
	return nil
}
