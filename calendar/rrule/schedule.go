package rrule

import (
	"fmt"
	"iter"
	"math"
	"slices"
	"time"
)

// Schedule is a compiled [Recurrence]: it expands the set lazily, in time
// order, with no allocation per occurrence. A Schedule is immutable and
// safe for concurrent use; each iteration keeps its own state.
type Schedule struct {
	rec  Recurrence
	loc  *time.Location
	rule compiledRule
	// rdates and exdates are sorted instants in Unix seconds.
	rdates, exdates []int64
	hasRule         bool
}

// Compile validates r and compiles it for expansion.
func (r Recurrence) Compile() (*Schedule, error) {
	if err := r.Validate(); err != nil {
		return nil, fmt.Errorf("rrule: compile: %w", err)
	}
	s := &Schedule{rec: r, loc: r.Zone.Location(), hasRule: !r.Rule.IsZero()}
	if s.hasRule {
		s.rule = compileRule(r.Rule, r.Start)
	}
	s.rdates = unixSorted(r.RDates)
	s.exdates = unixSorted(r.ExDates)
	return s, nil
}

// MustCompile is like [Recurrence.Compile] but panics on an invalid
// recurrence. It is meant for constant recurrences in programs and tests.
func MustCompile(text string) *Schedule {
	r, err := Parse(text)
	if err != nil {
		panic(err)
	}
	s, err := r.Compile()
	if err != nil {
		panic(err)
	}
	return s
}

func unixSorted(ts []time.Time) []int64 {
	out := make([]int64, len(ts))
	for i, t := range ts {
		out[i] = t.Unix()
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Recurrence returns the recurrence s was compiled from.
func (s *Schedule) Recurrence() Recurrence { return s.rec }

// Location returns the time zone s expands in.
func (s *Schedule) Location() *time.Location { return s.loc }

// Between returns the occurrences in [from, to), in increasing order, in
// the schedule's time zone. It is lazy: a rule without COUNT starts near
// from rather than at the start, and stops at to.
func (s *Schedule) Between(from, to time.Time) iter.Seq[time.Time] {
	lo, hi := ceilUnix(from), ceilUnix(to)
	return func(yield func(time.Time) bool) {
		var c cursor
		c.init(s, lo, hi)
		for {
			t, ok := c.next()
			if !ok || t >= hi {
				return
			}
			if t >= lo && !yield(time.Unix(t, 0).In(s.loc)) {
				return
			}
		}
	}
}

// After returns the occurrences strictly after t, in increasing order, in
// the schedule's time zone; unbounded when the recurrence is. It is lazy:
// an unbounded rule costs only what is read.
func (s *Schedule) After(t time.Time) iter.Seq[time.Time] {
	lo := t.Unix() + 1 // Unix floors, so this is the first whole second after t
	return func(yield func(time.Time) bool) {
		var c cursor
		c.init(s, lo, maxInt64)
		for {
			u, ok := c.next()
			if !ok {
				return
			}
			if u >= lo && !yield(time.Unix(u, 0).In(s.loc)) {
				return
			}
		}
	}
}

// Next returns the first occurrence strictly after t, and false when there
// is none.
func (s *Schedule) Next(t time.Time) (time.Time, bool) {
	for u := range s.After(t) {
		return u, true
	}
	return time.Time{}, false
}

// ceilUnix returns the first whole second at or after t.
func ceilUnix(t time.Time) int64 {
	u := t.Unix()
	if t.Nanosecond() > 0 {
		u++
	}
	return u
}

// cursor walks a schedule's set in time order: the rule's occurrences
// merged with the added dates, less the excluded ones.
type cursor struct {
	s        *Schedule
	rule     ruleCursor
	ruleNext int64
	ruleOK   bool
	ri, xi   int
	last     int64
	started  bool
}

// init starts c at from; instants at or after limit are not needed.
func (c *cursor) init(s *Schedule, from, limit int64) {
	c.s = s
	if s.hasRule {
		c.rule.init(&s.rule, s.loc, from, limit)
	} else {
		// Without a rule the start is in the set on its own.
		c.rule.single(s.rec.Start, s.loc)
	}
	c.ruleNext, c.ruleOK = c.rule.next()
	c.ri = searchInt64(s.rdates, from)
	c.xi = 0
}

func (c *cursor) next() (int64, bool) {
	for {
		var t int64
		switch {
		case c.ruleOK && (c.ri >= len(c.s.rdates) || c.ruleNext <= c.s.rdates[c.ri]):
			t = c.ruleNext
			c.ruleNext, c.ruleOK = c.rule.next()
		case c.ri < len(c.s.rdates):
			t = c.s.rdates[c.ri]
			c.ri++
		default:
			return 0, false
		}
		if c.started && t <= c.last {
			continue // a duplicate counts once
		}
		c.started, c.last = true, t
		x := c.s.exdates
		for c.xi < len(x) && x[c.xi] < t {
			c.xi++
		}
		if c.xi < len(x) && x[c.xi] == t {
			continue
		}
		return t, true
	}
}

func searchInt64(list []int64, v int64) int {
	i, _ := slices.BinarySearch(list, v)
	return i
}

const (
	minInt64 = math.MinInt64
	maxInt64 = math.MaxInt64
)
