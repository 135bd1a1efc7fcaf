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
	halfLife     float64 // float64(HalfLife), as qun.Decay.Factor converts it
	halfLifeSecs float64 // HalfLife in seconds, for spans beyond time.Duration
	decays       bool    // HalfLife > 0
}

func newHotDecay(d qun.Decay) hotDecay {
	return hotDecay{
		halfLife:     float64(d.HalfLife),
		halfLifeSecs: time.Duration(d.HalfLife).Seconds(),
		decays:       d.HalfLife > 0,
	}
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
	if d := now - at; d > 0 && d < math.MaxInt64 {
		return v * h.factor(d)
	}
	// A span time.Duration cannot hold (over 292 years): the root reads it
	// in float64 seconds, and so does this.
	if !h.decays {
		return v
	}
	nowSec, atSec := floorDiv(now, int64(time.Second)), floorDiv(at, int64(time.Second))
	nowNs, atNs := now-nowSec*int64(time.Second), at-atSec*int64(time.Second)
	secs := float64(nowSec-atSec) + float64(nowNs-atNs)/1e9
	return v * math.Exp2(-secs/h.halfLifeSecs)
}

// merge mirrors qun.Decay.Merge.
func (h hotDecay) merge(av float64, aat int64, bv float64, bat int64) (float64, int64) {
	at := aat
	if bat > at {
		at = bat
	}
	return h.valueAt(av, aat, at) + h.valueAt(bv, bat, at), at
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

// dayClock tells the local day of an instant given in Unix nanoseconds, as
// qun.Calendar.Index(qun.Day, ...) does, at the cost of a qun.Indexer: a
// few nanoseconds per instant when events come mostly in time order.
type dayClock struct{ ix qun.Indexer }

func newDayClock(loc *time.Location) dayClock {
	return dayClock{qun.Calendar{Zone: qun.ZoneOf(loc)}.Indexer(qun.Day)}
}

// day returns the day number (days since 1970-01-01, as qun.Period.Index
// counts them) of the local date of the instant at Unix nanoseconds n.
func (c *dayClock) day(n int64) int64 { return c.ix.IndexUnix(floorDiv(n, int64(time.Second))) }

// floorDiv divides rounding toward negative infinity.
func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}
