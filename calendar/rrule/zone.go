package rrule

import (
	"math"
	"time"
)

// resolver turns wall clock readings into instants and back in one time
// zone, fast: it keeps the zone's current span of constant UTC offset, and
// answers from it with one subtraction while readings stay inside. Outside
// it falls back to qun.Date.At, which decides the DST cases (RFC 5545
// §3.3.5), and loads the span of the answer. TestResolverMatchesDateAt
// checks that both paths agree on readings around real transitions.
//
// Walls and instants are seconds since 1970-01-01T00:00:00: walls on a clock
// with no zone, instants in UTC.
type resolver struct {
	loc *time.Location
	// The span: instants in [start, end) have offset off.
	start, end, off int64
	// Walls in [lo, hi) resolve to wall-off: those that exist only in this
	// span, or first in it, and those in a gap right after it (read with
	// the offset before the gap). Walls from gap on are in that gap.
	lo, hi, gap int64
	loaded      bool
}

func newResolver(loc *time.Location) resolver { return resolver{loc: loc} }

// load makes the span holding the instant t current.
func (r *resolver) load(t time.Time) {
	start, end := t.ZoneBounds()
	_, off := t.Zone()
	r.off = int64(off)
	r.loaded = true
	if (!start.IsZero() && start.After(t)) || (!end.IsZero() && !end.After(t)) {
		// Bounds that miss t (golang/go#81583, on the last UTC day of leap
		// years served by a zone's POSIX TZ rule): keep a span of t alone,
		// so every other reading takes the slow, right path.
		sec := t.Unix()
		r.start, r.end = sec, sec+1
		r.lo, r.gap, r.hi = sec+r.off, sec+1+r.off, sec+1+r.off
		return
	}
	if start.IsZero() {
		r.start, r.lo = math.MinInt64, math.MinInt64
	} else {
		r.start = start.Unix()
		_, prev := start.Add(-time.Second).Zone()
		r.lo = r.start + max(r.off, int64(prev))
	}
	if end.IsZero() {
		r.end, r.hi, r.gap = math.MaxInt64, math.MaxInt64, math.MaxInt64
	} else {
		r.end = end.Unix()
		_, next := end.Zone()
		r.gap = r.end + r.off
		r.hi = r.end + max(r.off, int64(next))
	}
}

// resolve returns the instant of the wall reading w.
func (r *resolver) resolve(w int64) int64 {
	if w >= r.lo && w < r.hi && r.loaded {
		return w - r.off
	}
	return r.slow(w)
}

func (r *resolver) slow(w int64) int64 {
	day := floorDiv(w, 86400)
	sod := int(w - day*86400)
	t := dateOfDay(day).At(sod/3600, sod/60%60, sod%60, 0, r.loc)
	r.load(t)
	return t.Unix()
}

// floor returns the earliest instant whose wall reading is w or later: the
// instant of w when w exists, the end of the gap when it does not. No wall
// at or after w resolves to an earlier instant.
func (r *resolver) floor(w int64) int64 {
	if !(w >= r.lo && w < r.hi && r.loaded) {
		r.slow(w)
	}
	if w >= r.lo && w < r.hi {
		if w < r.gap {
			return w - r.off
		}
		return r.end
	}
	// w lies in a gap just before the span slow loaded: the span begins
	// where the gap ends.
	return r.start
}

// wallOf returns the wall reading of the instant t.
func (r *resolver) wallOf(t int64) int64 {
	if !(t >= r.start && t < r.end && r.loaded) {
		r.load(time.Unix(t, 0).In(r.loc))
	}
	return t + r.off
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}
