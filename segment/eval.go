package segment

import (
	"fmt"
	"time"
)

// Evaluator evaluates a [Set]'s segments at one instant. The instant is a
// parameter, never the clock: relative windows ("within 30d") and tag
// expiry are read against it, so an evaluation can be replayed. An
// Evaluator keeps scratch state and is for one goroutine at a time; make
// one per goroutine with [Set.At]. Evaluating a record allocates nothing.
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

// At returns an evaluator for the instant now.
func (s *Set) At(now time.Time) *Evaluator {
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

// Time returns the instant the evaluator evaluates at.
func (e *Evaluator) Time() time.Time { return e.now }

// Match reports whether the member is in the segment at position i (see
// [Set.Index]). It is false for a position out of range and for a record
// made by another set.
func (e *Evaluator) Match(r *Record, i int) bool {
	if r.set != e.set || i < 0 || i >= len(e.set.segments) {
		return false
	}
	clear(e.done)
	return e.segment(r, i)
}

// AppendMatches appends to dst the positions of the segments the member
// is in, in increasing order, and returns the extended slice. With room
// in dst it allocates nothing. It appends nothing for a record made by
// another set.
func (e *Evaluator) AppendMatches(dst []int, r *Record) []int {
	if r.set != e.set {
		return dst
	}
	e.evalAll(r)
	for i := range e.set.segments {
		if e.bits[i>>6]&(1<<(i&63)) != 0 {
			dst = append(dst, i)
		}
	}
	return dst
}

// evalAll evaluates every segment for r, leaving the results in e.bits.
func (e *Evaluator) evalAll(r *Record) {
	clear(e.done)
	for _, i := range e.set.order {
		e.segment(r, i)
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
func (e *Evaluator) Explain(r *Record, segment string) (Explanation, error) {
	i, ok := e.set.index[segment]
	if !ok {
		return Explanation{}, fmt.Errorf("segment: explain: no segment named %q", segment)
	}
	if r.set != e.set {
		return Explanation{}, fmt.Errorf("segment: explain %q: the record was made by another set", segment)
	}
	clear(e.done)
	return e.set.roots[i].explain(r, e), nil
}

// Explain is a shorthand for s.At(now).Explain(r, segment).
func (s *Set) Explain(r *Record, segment string, now time.Time) (Explanation, error) {
	return s.At(now).Explain(r, segment)
}

// span returns the member's events of filter f that count at the
// evaluator's instant with window win (−1 for all history): ru.times[lo:hi].
func (e *Evaluator) span(r *Record, f, win int) (ru *run, lo, hi int) {
	if r.runs == nil {
		return nil, 0, 0
	}
	ru = &r.runs[f]
	ts := ru.times
	hi = len(ts)
	if hi > 0 && e.nowS.before(ts[hi-1]) {
		hi = firstAfter(ts, e.nowS)
	}
	if win >= 0 {
		lo = firstFrom(ts[:hi], e.cuts[win])
	}
	return ru, lo, hi
}

// firstAfter returns the index of the first instant after t in the
// sorted ts.
func firstAfter(ts []stamp, t stamp) int {
	lo, hi := 0, len(ts)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if t.before(ts[mid]) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

// firstFrom returns the index of the first instant at or after t in the
// sorted ts.
func firstFrom(ts []stamp, t stamp) int {
	lo, hi := 0, len(ts)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if ts[mid].before(t) {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}
