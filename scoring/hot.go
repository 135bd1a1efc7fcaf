package scoring

import (
	"math"
	"time"

	"github.com/qunkit/qun"
)

// This file holds the hot-loop forms of qun.Decay and qun.Calendar that the
// bulk paths use: instants as int64 Unix nanoseconds instead of time.Time.
// Each function performs the same floating-point operations, in the same
// order, as the root's method it mirrors, so bulk scores are bit for bit
// the scores the incremental API gives (TestHotDecayMirrorsRoot and
// TestDayClockMirrorsCalendar hold them to it).

// unanchored is the instant of a hot decayed value that nothing has been
// added to, the hot form of a zero qun.Decayed's zero At. Its value is
// always 0, and 0 decays to 0, so reading it at any instant gives 0 as
// qun.Decay.ValueAt does for a zero At.
const unanchored = math.MinInt64

// hotDecay is qun.Decay over int64 nanoseconds.
type hotDecay struct {
	halfLife float64 // float64(HalfLife), as qun.Decay.Factor converts it
	decays   bool    // HalfLife > 0
}

func newHotDecay(d qun.Decay) hotDecay {
	return hotDecay{halfLife: float64(d.HalfLife), decays: d.HalfLife > 0}
}

// factor mirrors qun.Decay.Factor.
func (h hotDecay) factor(elapsed int64) float64 {
	if !h.decays || elapsed <= 0 {
		return 1
	}
	return math.Exp2(-float64(elapsed) / h.halfLife)
}

// valueAt mirrors qun.Decay.ValueAt: the value v anchored at at, read at
// now; a now at or before at gives v.
func (h hotDecay) valueAt(v float64, at, now int64) float64 {
	if now <= at {
		return v
	}
	return v * h.factor(sub(now, at))
}

// merge mirrors qun.Decay.Merge.
func (h hotDecay) merge(av float64, aat int64, bv float64, bat int64) (float64, int64) {
	at := aat
	if bat > at {
		at = bat
	}
	return h.valueAt(av, aat, at) + h.valueAt(bv, bat, at), at
}

// sub returns a−b for a > b, saturating as time.Time.Sub does.
func sub(a, b int64) int64 {
	d := a - b
	if d < 0 { // overflow: a > b, so the true difference is positive
		return math.MaxInt64
	}
	return d
}

// Bounds of the instants a hot loop can hold: time.Time.UnixNano is
// defined between these (the years 1678 to 2262).
var (
	minNanos = time.Unix(0, math.MinInt64)
	maxNanos = time.Unix(0, math.MaxInt64)
)

// nanos returns t as Unix nanoseconds, saturating outside the years 1678
// to 2262 (ok is false there).
func nanos(t time.Time) (n int64, ok bool) {
	switch {
	case t.Before(minNanos):
		return math.MinInt64, false
	case t.After(maxNanos):
		return math.MaxInt64, false
	}
	return t.UnixNano(), true
}

// dayClock tells the local day of an instant, as qun.Calendar.Index(qun.Day,
// t) does, but in a few nanoseconds: it remembers the span of time in which
// the zone's offset from UTC stays the same (time.Time.ZoneBounds), so that
// within it the local day is floor((seconds + offset) / 86400). Events come
// mostly in time order, so the span rarely needs looking up again.
type dayClock struct {
	loc        *time.Location
	start, end int64 // Unix seconds; the offset holds in [start, end)
	offset     int64 // seconds east of UTC
	known      bool
}

func newDayClock(loc *time.Location) dayClock { return dayClock{loc: loc} }

// day returns the day number (days since 1970-01-01, as qun.Period.Index
// counts them) of the local date of the instant at Unix nanoseconds n.
func (c *dayClock) day(n int64) int64 {
	sec := floorDiv(n, int64(time.Second))
	if !c.known || sec < c.start || sec >= c.end {
		c.lookup(sec)
	}
	return floorDiv(sec+c.offset, 86400)
}

func (c *dayClock) lookup(sec int64) {
	t := time.Unix(sec, 0).In(c.loc)
	_, off := t.Zone()
	start, end := t.ZoneBounds()
	c.offset = int64(off)
	c.start, c.end = math.MinInt64, math.MaxInt64
	if !start.IsZero() {
		c.start = start.Unix()
	}
	if !end.IsZero() {
		c.end = end.Unix()
	}
	c.known = true
}

// floorDiv divides rounding toward negative infinity.
func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}
