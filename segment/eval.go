package segment

import (
	"fmt"
	"math/bits"
	"time"

	"github.com/qunkit/qun"
)

// Evaluator evaluates a [Set]'s segments at one instant. The instant is a
// parameter, never the clock: relative windows ("within 30d") and tag
// expiry are read against it, so an evaluation can be replayed. An
// Evaluator keeps scratch state and is for one goroutine at a time; make
// one per goroutine with [Set.At]. Evaluating a record allocates nothing.
//
// A nil *Evaluator, the zero Evaluator and the evaluator of a set that was
// not compiled match no one and refuse to explain, and do not panic.
type Evaluator struct {
	set  *Set
	now  time.Time
	nowS stamp
	cuts []stamp // now − each of the set's windows
	// bits holds the current member's result for each segment evaluated
	// so far, as done marks; a segment reference reads it, so a segment
	// is evaluated once per member however many others refer to it.
	bits, done []uint64
}

// At returns an evaluator for the instant now. For a set that was not
// compiled it returns an evaluator that matches no one.
func (s *Set) At(now time.Time) *Evaluator {
	if !s.compiled() {
		return &Evaluator{now: now, nowS: stampOf(now)}
	}
	w := (len(s.segments) + 63) / 64
	e := &Evaluator{
		set:  s,
		now:  now,
		nowS: stampOf(now),
		cuts: make([]stamp, len(s.windows)),
		bits: make([]uint64, w),
		done: make([]uint64, w),
	}
	for i, d := range s.windows {
		e.cuts[i] = stampOf(now.Add(-time.Duration(d)))
	}
	return e
}

// Time returns the instant the evaluator evaluates at; the zero time for
// a nil Evaluator.
func (e *Evaluator) Time() time.Time {
	if e == nil {
		return time.Time{}
	}
	return e.now
}

// usable reports whether e evaluates records of its set and r is one.
func (e *Evaluator) usable(r *Record) bool {
	return e != nil && e.set != nil && r != nil && r.set == e.set
}

// Match reports whether the member is in the segment at position i (see
// [Set.Index]). It is false for a position out of range, for a nil record
// and a record made by another set, and for an evaluator of no compiled
// set.
func (e *Evaluator) Match(r *Record, i int) bool {
	if !e.usable(r) || i < 0 || i >= len(e.set.segments) {
		return false
	}
	clear(e.done)
	return e.segment(r, i)
}

// AppendMatches appends to dst the positions of the segments the member
// is in, in increasing order, and returns the extended slice. With room
// in dst it allocates nothing. It appends nothing for a nil record, a
// record made by another set, or an evaluator of no compiled set.
func (e *Evaluator) AppendMatches(dst []int, r *Record) []int {
	if !e.usable(r) {
		return dst
	}
	e.evalAll(r)
	for wi, w := range e.bits {
		for w != 0 {
			dst = append(dst, wi*64+bits.TrailingZeros64(w))
			w &= w - 1
		}
	}
	return dst
}

// evalAll evaluates every segment for r, leaving the results in e.bits.
// In dependency order every segment a reference reads is done before it,
// so all are marked done first and the memo is not consulted.
func (e *Evaluator) evalAll(r *Record) {
	for i := range e.done {
		e.done[i] = ^uint64(0)
	}
	for _, i := range e.set.order {
		w, m := i>>6, uint64(1)<<(i&63)
		if e.set.roots[i].eval(r, e) {
			e.bits[w] |= m
		} else {
			e.bits[w] &^= m
		}
	}
}

// segment evaluates segment i for r, once per member.
func (e *Evaluator) segment(r *Record, i int) bool {
	w, m := i>>6, uint64(1)<<(i&63)
	if e.done[w]&m != 0 {
		return e.bits[w]&m != 0
	}
	v := e.set.roots[i].eval(r, e)
	e.done[w] |= m
	if v {
		e.bits[w] |= m
	} else {
		e.bits[w] &^= m
	}
	return v
}

// Explain evaluates the named segment for the member and returns why it
// holds or not: the tree of its clauses, each with whether it held and
// the value it saw. Unlike evaluation, it evaluates every clause, so that
// an operator sees all that stands between a member and a segment.
//
// An unknown segment, a nil record or one made by another set, and an
// evaluator of no compiled set are refused with an error matching
// qun.ErrInvalid.
func (e *Evaluator) Explain(r *Record, segment string) (Explanation, error) {
	if e == nil || e.set == nil {
		return Explanation{}, fmt.Errorf("segment: explain %q: %w", segment, errNotCompiled())
	}
	i, ok := e.set.index[segment]
	if !ok {
		return Explanation{}, fmt.Errorf("segment: explain: %w", qun.Invalid("", "no segment named %q in this set", segment))
	}
	if !e.usable(r) {
		return Explanation{}, fmt.Errorf("segment: explain %q: %w", segment, errForeignRecord(r))
	}
	clear(e.done)
	return e.set.roots[i].explain(r, e), nil
}

// Explain is a shorthand for s.At(now).Explain(r, segment); it refuses
// what that refuses.
func (s *Set) Explain(r *Record, segment string, now time.Time) (Explanation, error) {
	return s.At(now).Explain(r, segment)
}

// runView is one run of a record's events: the instants, two words each,
// and for a summed run its header and running totals.
type runView struct {
	times []uint64
	hdr   uint64
	sums  []uint64
}

func (v *runView) at(i int) stamp { return stamp{int64(v.times[2*i]), int32(v.times[2*i+1])} }

// span returns the member's events of filter f that count at the
// evaluator's instant with window win (−1 for all history): events lo to
// hi of the run.
func (e *Evaluator) span(r *Record, f, win int, summed bool) (v runView, lo, hi int) {
	run := r.data[r.off(f):r.off(f+1)]
	if len(run) == 0 {
		return v, 0, 0
	}
	if summed {
		n := (len(run) - 2) / 3
		v = runView{hdr: run[0], times: run[1 : 1+2*n], sums: run[1+2*n:]}
	} else {
		v.times = run
	}
	hi = len(v.times) / 2
	if hi > 0 && e.nowS.before(v.at(hi-1)) {
		hi = firstAfter(&v, e.nowS)
	}
	if win >= 0 {
		lo = firstFrom(&v, hi, e.cuts[win])
	}
	return v, lo, hi
}

// firstAfter returns the index of the first instant after t in the run.
func firstAfter(v *runView, t stamp) int {
	lo, hi := 0, len(v.times)/2
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if t.before(v.at(mid)) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

// firstFrom returns the index of the first instant at or after t among the
// run's first n.
func firstFrom(v *runView, n int, t stamp) int {
	lo, hi := 0, n
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if v.at(mid).before(t) {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}
