package qun

import (
	"math"
	"time"
)

// Indexer gives the [Period.Index] of the period of one grain that holds an
// instant, as [Calendar.Index] does, at the cost bulk paths can afford:
// bucketing ten million events by local day for DAU, by member-local day for
// caps and streaks, by week for retention. It remembers the span of time in
// which its zone keeps one UTC offset (months, usually) and the period it
// last returned, so instants in time order, or clustered in time, cost a
// few nanoseconds each; an instant outside the span costs one zone lookup.
//
// An Indexer holds that cache, so it is not safe for concurrent use: give
// each goroutine its own (they are cheap). Its results equal
// Calendar.Index's for every instant.
type Indexer struct {
	grain   Grain
	loc     *time.Location
	anchor  int64 // day number of week 0's first day, for weeks
	lo, hi  int64 // unix seconds [lo, hi) during which offset holds
	offset  int64 // seconds east of UTC
	dayLo   int64 // days [dayLo, dayHi) make up the period index
	dayHi   int64
	index   int64
	started bool
}

// Indexer returns an Indexer for periods of grain g in c, as a value so
// that a bulk path can keep it on its stack; call its methods on a
// variable. An invalid grain gives an Indexer whose indexes are all 0.
func (c Calendar) Indexer(g Grain) Indexer {
	return Indexer{grain: g, loc: c.Location(), anchor: weekAnchor(c.WeekStart)}
}

// Index returns the index of the period that holds t.
func (x *Indexer) Index(t time.Time) int64 { return x.IndexUnix(t.Unix()) }

// IndexUnix returns the index of the period that holds the instant sec
// seconds after 1970-01-01 UTC, for tables that keep times as Unix seconds.
func (x *Indexer) IndexUnix(sec int64) int64 {
	if !x.started || sec < x.lo || sec >= x.hi {
		x.learnZone(sec)
	}
	day := floorDiv(sec+x.offset, 86400)
	switch x.grain {
	case Day:
		return day
	case Week:
		return floorDiv(day-x.anchor, 7)
	case Month, Quarter, Year:
		if day < x.dayLo || day >= x.dayHi {
			p := Calendar{}.PeriodOn(x.grain, dateFromDays(day))
			x.dayLo, x.dayHi, x.index = p.First.days(), p.Next().First.days(), p.Index()
		}
		return x.index
	}
	return 0
}

// learnZone caches the offset in force at sec and the span it holds for.
func (x *Indexer) learnZone(sec int64) {
	t := time.Unix(sec, 0).In(x.loc)
	_, off := t.Zone()
	start, end := t.ZoneBounds()
	x.offset, x.lo, x.hi = int64(off), math.MinInt64, math.MaxInt64
	if !start.IsZero() {
		x.lo = start.Unix()
	}
	if !end.IsZero() {
		x.hi = end.Unix()
	}
	if sec < x.lo || sec >= x.hi {
		// Go reports bounds that miss the instant for some instants in
		// years served by a zone's POSIX TZ rule (golang/go#81583): trust
		// the offset, not the span.
		x.lo, x.hi = sec, sec+1
	}
	x.started = true
}
