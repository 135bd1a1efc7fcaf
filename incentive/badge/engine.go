package badge

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/qunkit/qun"
)

// ErrUnknownBadge refuses a request for a badge the set does not have. It
// matches [qun.ErrInvalid].
var ErrUnknownBadge = fmt.Errorf("badge: unknown badge: %w", qun.ErrInvalid)

// Engine is a compiled [Set]. It is immutable, so one Engine serves any
// number of goroutines. The zero Engine is that of an empty set: it grants
// nothing, and refuses every badge by name with [ErrUnknownBadge].
type Engine struct {
	set  Set
	byID map[string]int
}

// Compile validates s and compiles it into an Engine.
func Compile(s Set) (*Engine, error) {
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("badge: compile: %w", err)
	}
	e := &Engine{set: Set{Calendar: s.Calendar, Badges: slices.Clone(s.Badges)}, byID: map[string]int{}}
	for i, b := range e.set.Badges {
		e.byID[b.ID] = i
	}
	return e, nil
}

// Set returns a copy of the set e was compiled from.
func (e *Engine) Set() Set { return Set{Calendar: e.set.Calendar, Badges: slices.Clone(e.set.Badges)} }

// Facts are what a member's badge criteria read, as the host supplies
// them: counters (posts, books read, purchases), streaks (from package
// streak), tags (from package segment), ranks on boards (from package
// board), and firsts (the member's place among the first to do something,
// for pioneer badges).
type Facts struct {
	// Counters holds counts by name: posts, books read, followers.
	Counters map[string]int64 `json:"counters,omitempty"`
	// Streaks holds streaks by name: "check-in".
	Streaks map[string]StreakFact `json:"streaks,omitempty"`
	// Tags lists the tags the member holds.
	Tags []string `json:"tags,omitempty"`
	// Ranks holds the member's rank on each board, 1 for the top; a board
	// the member is not on is left out.
	Ranks map[string]int64 `json:"ranks,omitempty"`
	// Firsts holds the member's place among those who did something: 1
	// for the first to join.
	Firsts map[string]int64 `json:"firsts,omitempty"`
}

// StreakFact is a streak's current and longest lengths.
type StreakFact struct {
	// Current is the length of the streak now, 0 if it is broken.
	Current int64 `json:"current"`
	// Longest is the longest the streak ever was.
	Longest int64 `json:"longest"`
}

// Holds reports whether the facts meet the criterion.
func (c Criterion) Holds(f Facts) bool {
	switch {
	case c.Counter != "":
		return f.Counters[c.Counter] >= c.Min
	case c.Streak != "":
		s := f.Streaks[c.Streak]
		if c.Longest {
			return s.Longest >= c.Min
		}
		return s.Current >= c.Min
	case c.Tag != "":
		return slices.Contains(f.Tags, c.Tag)
	case c.Rank != "":
		r, ok := f.Ranks[c.Rank]
		return ok && r >= 1 && r <= c.Top
	case c.First != "":
		r, ok := f.Firsts[c.First]
		return ok && r >= 1 && r <= c.Top
	}
	return false
}

// Holding is a member's holding of one badge, as the host stores it.
type Holding struct {
	// Badge is the badge's ID.
	Badge string `json:"badge"`
	// Grade is the number of grades held: 0 for none, 1 for the first
	// (or only) grade, 3 for gold of bronze, silver and gold.
	Grade int `json:"grade,omitzero"`
	// Grants is the number of grants held, for a badge granted multiple
	// times (1 when a badge granted once is held).
	Grants int `json:"grants,omitzero"`
	// Granted counts every grant ever made, revoked ones included: it
	// numbers the grants' keys.
	Granted int `json:"granted,omitzero"`
	// Held reports whether the criteria held at the last evaluation, so
	// that a badge granted multiple times is granted again only when they
	// newly hold.
	Held bool `json:"held,omitempty"`
	// Period is the period of the last grant, for a badge granted once
	// per period.
	Period qun.Period `json:"period,omitzero"`
	// Since is when the badge (its current grade) was last granted.
	Since time.Time `json:"since,omitzero"`
}

// UnmarshalJSON reads a holding strictly, as [qun.UnmarshalStrict] reads.
func (h *Holding) UnmarshalJSON(data []byte) error {
	type plain Holding
	return qun.UnmarshalStrict(data, (*plain)(h))
}

// Decision is what an evaluation or a grant decided, as a value: the
// badges to grant and to revoke.
type Decision struct {
	// Grants are the badges and grades to grant, in order.
	Grants []Grant `json:"grants,omitempty"`
	// Revokes are the grades to take back, highest first.
	Revokes []Revocation `json:"revokes,omitempty"`
	// Held lists badges a grant found already held (a badge granted once,
	// at its top grade): a duplicate, not an error.
	Held []string `json:"held,omitempty"`
	// Limited lists badges a grant found at their limit.
	Limited []string `json:"limited,omitempty"`
}

// Grant is one badge granted.
type Grant struct {
	// Badge is the badge's ID.
	Badge string `json:"badge"`
	// Grade is the grade's name, and Level its place from 1.
	Grade string `json:"grade,omitempty"`
	Level int    `json:"level"`
	// Number is which grant of the badge this is for the member, from 1,
	// revoked grants included.
	Number int `json:"number"`
	// Key is the grant's idempotency key, "badge/reader/2": the host
	// records a grant under it once.
	Key string `json:"key"`
	// At is when it was granted: the now of the evaluation or grant.
	At time.Time `json:"at"`
}

// Revocation is one grade of a badge taken back.
type Revocation struct {
	// Badge is the badge's ID.
	Badge string `json:"badge"`
	// Grade is the grade's name, and Level its place from 1.
	Grade string `json:"grade,omitempty"`
	Level int    `json:"level"`
	// At is when it was taken back.
	At time.Time `json:"at"`
}

// Evaluate measures the member's facts against every badge with criteria
// and returns their new holdings and the grants and revocations: a badge
// granted once is granted, grade by grade, when its criteria hold, and,
// with Revoke, taken back grade by grade when they stop; a badge granted
// multiple times is granted again each time its criteria newly hold, or
// once each period they hold, up to its limit. hs holds the member's
// holdings; badges not listed are not held. Holdings of badges the set
// no longer has are kept as they are.
func (e *Engine) Evaluate(hs []Holding, f Facts, now time.Time) ([]Holding, Decision) {
	out := slices.Clone(hs)
	var d Decision
	for bi := range e.set.Badges {
		b := &e.set.Badges[bi]
		j := slices.IndexFunc(out, func(h Holding) bool { return h.Badge == b.ID })
		h := Holding{Badge: b.ID}
		if j >= 0 {
			h = out[j]
		}
		nh := e.evaluate(b, h, f, now, &d)
		switch {
		case nh == h:
		case j >= 0:
			out[j] = nh
		default:
			out = append(out, nh)
		}
	}
	return out, d
}

// earned returns the number of grades of b whose criteria hold, rung by
// rung; a grade without criteria stops the climb.
func earned(b *Badge, f Facts) int {
	g := 0
	for _, gr := range b.Grades {
		if len(gr.Criteria) == 0 {
			break
		}
		for _, c := range gr.Criteria {
			if !c.Holds(f) {
				return g
			}
		}
		g++
	}
	return g
}

func (e *Engine) evaluate(b *Badge, h Holding, f Facts, now time.Time, d *Decision) Holding {
	h = h.clamp(b)
	g := earned(b, f)
	if b.Multiple {
		holds := g >= 1
		again := holds && !h.Held
		if b.Per != 0 {
			p := e.set.Calendar.Period(b.Per, now)
			again = holds && h.Period != p
			if again {
				h.Period = p
			}
		}
		h.Held = holds
		if again {
			if b.Limit > 0 && h.Grants >= b.Limit {
				return h
			}
			e.grant(b, &h, 1, now, d)
		}
		return h
	}
	for h.Grade < g {
		e.grant(b, &h, h.Grade+1, now, d)
	}
	for b.Revoke && h.Grade > g {
		d.Revokes = append(d.Revokes, Revocation{Badge: b.ID, Grade: b.Grades[h.Grade-1].Name, Level: h.Grade, At: now})
		h.Grade--
		if h.Grade == 0 {
			h.Grants = 0
		}
	}
	return h
}

// maxRevocations bounds the grants of one holding that Revoke lists.
const maxRevocations = 1 << 20

// inc adds one to a count, stopping short of overflow on a damaged one.
func inc(n int) int { return min(n, math.MaxInt-1) + 1 }

// grant grants the grade level of b, recording it in h and d.
func (e *Engine) grant(b *Badge, h *Holding, level int, now time.Time, d *Decision) {
	h.Granted = inc(h.Granted)
	if b.Multiple {
		h.Grants = inc(h.Grants)
	} else {
		h.Grade, h.Grants = level, 1
	}
	h.Since = now
	d.Grants = append(d.Grants, Grant{
		Badge: b.ID, Grade: b.Grades[level-1].Name, Level: level, Number: h.Granted,
		Key: "badge/" + b.ID + "/" + strconv.Itoa(h.Granted), At: now,
	})
}

// Grant grants the badge by hand, or as a quest's or a plan's reward: the
// next grade of a badge granted once (its only grade, for a plain badge),
// or one more grant of a badge granted multiple times. A badge already
// held at its top grade is reported Held, and one at its limit Limited;
// neither is an error.
func (e *Engine) Grant(hs []Holding, badge string, now time.Time) ([]Holding, Decision, error) {
	bi, ok := e.byID[badge]
	if !ok {
		return hs, Decision{}, fmt.Errorf("badge: grant %q: %w", badge, ErrUnknownBadge)
	}
	b := &e.set.Badges[bi]
	out := slices.Clone(hs)
	j := slices.IndexFunc(out, func(h Holding) bool { return h.Badge == badge })
	h := Holding{Badge: badge}
	if j >= 0 {
		h = out[j]
	}
	h = h.clamp(b)
	var d Decision
	switch {
	case b.Multiple && b.Limit > 0 && h.Grants >= b.Limit:
		d.Limited = append(d.Limited, badge)
		return out, d, nil
	case !b.Multiple && h.Grade >= len(b.Grades):
		d.Held = append(d.Held, badge)
		return out, d, nil
	case b.Multiple:
		e.grant(b, &h, 1, now, &d)
	default:
		e.grant(b, &h, h.Grade+1, now, &d)
	}
	if j >= 0 {
		out[j] = h
	} else {
		out = append(out, h)
	}
	return out, d, nil
}

// clamp brings a holding read from storage within the badge's bounds, so
// that a holding the set's grades no longer fit (a grade removed) cannot
// index past them.
func (h Holding) clamp(b *Badge) Holding {
	h.Grade = max(0, min(h.Grade, len(b.Grades)))
	h.Grants = max(0, h.Grants)
	h.Granted = max(h.Granted, h.Grants, h.Grade)
	return h
}

// Revoke takes a badge back by hand: every grade of it, and every grant.
// A holding of more than maxRevocations (2^20) grants of a badge granted
// multiple times, which no community reaches and only a damaged store
// holds, is refused with an error matching [qun.ErrInvalid], rather than
// listed grant by grant.
func (e *Engine) Revoke(hs []Holding, badge string, now time.Time) ([]Holding, Decision, error) {
	bi, ok := e.byID[badge]
	if !ok {
		return hs, Decision{}, fmt.Errorf("badge: revoke %q: %w", badge, ErrUnknownBadge)
	}
	b := &e.set.Badges[bi]
	for i, h := range hs {
		if h.Badge == badge && b.Multiple && h.Grants > maxRevocations {
			return hs, Decision{}, fmt.Errorf("badge: revoke %q: %w", badge,
				qun.Invalid("["+strconv.Itoa(i)+"].grants", "%d grants are more than %d: the holding is damaged", h.Grants, maxRevocations))
		}
	}
	out := slices.Clone(hs)
	var d Decision
	for j := range out {
		h := &out[j]
		if h.Badge != badge {
			continue
		}
		switch {
		case b.Multiple:
			for n := h.Grants; n > 0; n-- {
				d.Revokes = append(d.Revokes, Revocation{Badge: badge, Grade: b.Grades[0].Name, Level: 1, At: now})
			}
		default:
			for l := min(h.Grade, len(b.Grades)); l > 0; l-- {
				d.Revokes = append(d.Revokes, Revocation{Badge: badge, Grade: b.Grades[l-1].Name, Level: l, At: now})
			}
		}
		h.Grade, h.Grants = 0, 0
	}
	return out, d, nil
}
