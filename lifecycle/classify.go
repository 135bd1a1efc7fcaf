package lifecycle

import (
	"fmt"
	"math"
	"time"

	"github.com/qunkit/qun"
)

// Classifier classifies members by compiled [MemberRules]: one at a time
// from [Facts], or a whole population at once from compact columns. It is
// immutable and safe for concurrent use.
//
// Both paths turn the rules into cut-off instants once per call (per time
// zone, when counting local days), so that classifying a member is a few
// integer comparisons: a member is within a window exactly when the
// relevant instant is at or after the window's cut-off.
// The zero Classifier, not made with [NewClassifier], classifies no one:
// Classify returns 0, and ClassifyAll refuses with an error matching
// [qun.ErrInvalid].
type Classifier struct {
	rules MemberRules
	zone  *time.Location
}

// NewClassifier validates rules and compiles them.
func NewClassifier(rules MemberRules) (*Classifier, error) {
	if err := rules.Validate(); err != nil {
		return nil, fmt.Errorf("lifecycle: member rules: %w", err)
	}
	return &Classifier{rules: rules, zone: rules.Zone.Location()}, nil
}

// Rules returns the rules the classifier was compiled from.
func (c *Classifier) Rules() MemberRules { return c.rules }

// made reports whether c was made by NewClassifier, whose rules have a
// positive silence window; the zero Classifier's is zero.
func (c *Classifier) made() bool { return c.rules.SilentAfter > 0 }

// none stands for a missing instant: before every cut-off.
const none = math.MinInt64

// cuts holds, for one now and one time zone, the first instant within each
// window, in some unit of time (nanoseconds for one member, seconds for a
// population).
type cuts struct {
	new      int64 // joined at or after: New
	active   int64 // last active at or after: active (not silent)
	churn    int64 // last sign of life at or after: silent, not churned
	recalled int64 // resurrected at or after: still Resurrected
}

// classify is the member lifecycle, on instants in the unit of c, with
// none for a missing one:
//
//  1. joined within NewFor: New;
//  2. active within SilentAfter: Resurrected if previously Silent or
//     Churned, or Resurrected within RecalledFor; Active otherwise;
//  3. otherwise, by the later of last activity and joining (the last sign
//     of life): Silent within ChurnedAfter, Churned beyond.
func (c *cuts) classify(joined, last, since int64, prev MemberState) MemberState {
	if joined >= c.new {
		return New
	}
	if last >= c.active {
		switch {
		case prev == Silent || prev == Churned:
			return Resurrected
		case prev == Resurrected && since >= c.recalled:
			return Resurrected
		}
		return Active
	}
	if max(last, joined) >= c.churn {
		return Silent
	}
	return Churned
}

// cutTimes returns the cut-offs for now in loc as instants.
func (c *Classifier) cutTimes(now time.Time, loc *time.Location) [4]time.Time {
	windows := [4]qun.Duration{c.rules.NewFor, c.rules.SilentAfter, c.rules.ChurnedAfter, c.rules.RecalledFor}
	var out [4]time.Time
	if !c.rules.LocalDays {
		// Within a window W: now − t < W, so t > now − W, so t ≥ now − W + 1ns.
		for i, w := range windows {
			out[i] = now.Add(-time.Duration(w) + 1)
		}
		return out
	}
	// Within n local days: date(now) − date(t) < n, so date(t) ≥ date(now) −
	// n + 1, so t is at or after the start of that day.
	today := qun.DateOf(now.In(loc))
	for i, w := range windows {
		n := int(time.Duration(w) / (24 * time.Hour))
		out[i] = today.AddDays(1 - n).Start(loc)
	}
	return out
}

// Classify returns the state of the member with facts f at now. Times are
// compared to the nanosecond; see the package overview for the rules and
// their boundaries. A zero Classifier, not made with [NewClassifier], has
// no windows to classify by: it returns 0, not yet classified.
func (c *Classifier) Classify(f Facts, now time.Time) MemberState {
	if !c.made() {
		return 0
	}
	loc := f.Location
	if loc == nil {
		loc = c.zone
	}
	t := c.cutTimes(now, loc)
	k := cuts{unixNano(t[0]), unixNano(t[1]), unixNano(t[2]), unixNano(t[3])}
	return k.classify(instant(f.Joined), instant(f.LastActive), instant(f.Since), f.State)
}

// instant returns t in Unix nanoseconds, none for the zero time, clamped
// to the range int64 can hold.
func instant(t time.Time) int64 {
	if t.IsZero() {
		return none
	}
	return unixNano(t)
}

var (
	minNano = time.Unix(0, math.MinInt64+1)
	maxNano = time.Unix(0, math.MaxInt64)
)

func unixNano(t time.Time) int64 {
	switch {
	case t.Before(minNano):
		return math.MinInt64 + 1
	case t.After(maxNano):
		return math.MaxInt64
	}
	return t.UnixNano()
}

// Population is a community's members as compact columns, one element per
// member, for classifying all at once. Instants are Unix seconds, after
// 1970; 0 means none (never active, state entered at an unknown time).
// Joined, LastActive and State must be the same length; Since and Zone may
// be nil (all unknown; all in the rules' zone) or that length too.
type Population struct {
	// Joined holds when each member joined.
	Joined []int64
	// LastActive holds each member's latest activity; 0 if never.
	LastActive []int64
	// State holds each member's state as last classified; 0 if never.
	State []MemberState
	// Since holds when each member entered State; 0 if unknown.
	Since []int64
	// Zone holds each member's time zone as an index into Zones, for
	// rules that count local days; a nil entry of Zones is the rules'
	// zone. Both are ignored for rules in elapsed time.
	Zone []uint16
	// Zones is the table of time zones that Zone indexes.
	Zones []*time.Location
}

// Len returns the number of members.
func (p Population) Len() int { return len(p.Joined) }

// ClassifyAll classifies every member of pop at now and appends to dst the
// members whose state changed, in order, each with its old and new state;
// a member not yet classified (state 0) always changes. It returns the
// extended dst: pass a reused slice to classify without allocating.
//
// For every member whose instants are whole seconds, it decides exactly as
// [Classifier.Classify] does. It refuses columns of unequal lengths and
// zone indexes beyond Zones with an error matching [qun.ErrInvalid],
// before classifying anyone; so does a zero Classifier, not made with
// [NewClassifier].
func (c *Classifier) ClassifyAll(dst []MemberChange, pop Population, now time.Time) ([]MemberChange, error) {
	n := len(pop.Joined)
	switch {
	case !c.made():
		return dst, fmt.Errorf("lifecycle: classify: %w", qun.Invalid("", "the Classifier was not made with NewClassifier"))
	case len(pop.LastActive) != n:
		return dst, c.columnError("last_active", len(pop.LastActive), n)
	case len(pop.State) != n:
		return dst, c.columnError("state", len(pop.State), n)
	case pop.Since != nil && len(pop.Since) != n:
		return dst, c.columnError("since", len(pop.Since), n)
	}
	zoned := c.rules.LocalDays && pop.Zone != nil
	if zoned {
		if len(pop.Zone) != n {
			return dst, c.columnError("zone", len(pop.Zone), n)
		}
		for i, z := range pop.Zone {
			if int(z) >= len(pop.Zones) {
				return dst, fmt.Errorf("lifecycle: classify: %w", qun.Invalid(fmt.Sprintf("zone[%d]", i), "%d is beyond the %d zones", z, len(pop.Zones)))
			}
		}
	}

	base := c.secondCuts(now, c.zone)
	var byZone []cuts
	if zoned {
		byZone = make([]cuts, len(pop.Zones))
		for i, loc := range pop.Zones {
			if loc == nil {
				loc = c.zone
			}
			byZone[i] = c.secondCuts(now, loc)
		}
	}
	joined, last, state := pop.Joined[:n], pop.LastActive[:n], pop.State[:n]
	since, zone := pop.Since, pop.Zone
	for i := range joined {
		k := &base
		if zoned {
			k = &byZone[zone[i]]
		}
		var s int64
		if since != nil {
			s = since[i]
		}
		prev := state[i]
		if next := k.classify(joined[i], last[i], s, prev); next != prev {
			dst = append(dst, MemberChange{Member: i, From: prev, To: next})
		}
	}
	return dst, nil
}

// secondCuts returns the cut-offs in whole Unix seconds: the first second
// at or after each cut-off instant, and never below 1, so that 0 (none)
// is before all of them.
func (c *Classifier) secondCuts(now time.Time, loc *time.Location) cuts {
	t := c.cutTimes(now, loc)
	sec := func(t time.Time) int64 {
		s := t.Unix()
		if t.Nanosecond() > 0 {
			s++
		}
		return max(s, 1)
	}
	return cuts{sec(t[0]), sec(t[1]), sec(t[2]), sec(t[3])}
}

func (c *Classifier) columnError(field string, got, want int) error {
	return fmt.Errorf("lifecycle: classify: %w", qun.Invalid(field, "has %d members, but joined has %d", got, want))
}
