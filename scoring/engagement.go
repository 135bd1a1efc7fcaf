package scoring

import (
	"errors"
	"strconv"
	"time"

	"github.com/qunkit/qun"
)

// EngagementRules say how a member's activity becomes an engagement score
// (活跃度打分): what each kind of event is worth, how fast credit fades, and
// how much of one kind counts on one day. The score is the decayed sum of
// the weights of a member's events: an event of weight w that happened Δ ago
// counts w·2^(−Δ/half-life), so recent activity outweighs old activity and
// a member who stops showing up sees their score halve every half-life.
//
// A daily cap stops a member from farming score by repeating one cheap
// action: on each of the member's local days (in Calendar), at most
// DailyCap events of a capped kind count. When more happen, the day's
// credit (Weight × DailyCap) is shared among all of that day's events in
// proportion to their weights, so the score does not depend on the order
// in which events arrive within the day.
//
// The JSON form is
//
//	{"decay":{"half_life":"14d"},"calendar":{"zone":"Asia/Shanghai","week_start":"monday"},
//	 "kinds":[{"event":{"name":"post"},"weight":3},
//	          {"event":{"name":"check_in"},"weight":1,"daily_cap":1}]}
type EngagementRules struct {
	// Decay is the half-life over which credit halves; a zero half-life
	// keeps credit forever.
	Decay qun.Decay `json:"decay"`
	// Calendar is the community's calendar, in which daily caps count
	// local days.
	Calendar qun.Calendar `json:"calendar"`
	// Kinds are the kinds of event that earn credit. An event is of the
	// first kind whose filter it matches; events of no kind earn nothing.
	Kinds []Kind `json:"kinds"`
}

// Kind is one kind of event that earns engagement credit.
type Kind struct {
	// Name names the kind in explanations and in stored scores; it
	// defaults to the event filter's name, and must be set when two kinds
	// select events of the same name.
	Name string `json:"name,omitempty"`
	// Event selects the events of this kind.
	Event qun.EventFilter `json:"event"`
	// Weight is the credit one event earns before it decays. It may be
	// negative (a rule violation that costs score), but a capped kind's
	// weight must be positive.
	Weight float64 `json:"weight"`
	// DailyCap is the most events of this kind that count on one local
	// day; zero means no cap.
	DailyCap int64 `json:"daily_cap,omitempty"`
}

// key returns the kind's name: Name, or the event filter's name.
func (k Kind) key() string {
	if k.Name != "" {
		return k.Name
	}
	return k.Event.Name
}

// Validate reports every problem with r, joined: the decay and calendar
// must be valid, there must be at least one kind, and each kind needs a
// valid filter, a unique name, a finite weight and a cap that is zero or
// positive (and positive weight when capped).
func (r EngagementRules) Validate() error {
	var errs []error
	errs = append(errs, qun.Within("decay", r.Decay.Validate()), qun.Within("calendar", r.Calendar.Validate()))
	if len(r.Kinds) == 0 {
		errs = append(errs, qun.Invalid("kinds", "must name at least one kind of event"))
	}
	seen := make(map[string]bool, len(r.Kinds))
	for i, k := range r.Kinds {
		field := "kinds[" + strconv.Itoa(i) + "]"
		errs = append(errs, qun.Within(field+".event", k.Event.Validate()))
		if k.Name != "" {
			if reason := nameProblem(k.Name); reason != "" {
				errs = append(errs, qun.Invalid(field+".name", reason))
			}
		}
		if name := k.key(); name != "" && seen[name] {
			errs = append(errs, qun.Invalid(field+".name", "%q names two kinds; give each a name of its own", name))
		} else {
			seen[name] = true
		}
		switch {
		case !finite(k.Weight):
			errs = append(errs, qun.Invalid(field+".weight", "must be a finite number"))
		case k.DailyCap < 0:
			errs = append(errs, qun.Invalid(field+".daily_cap", "must not be negative"))
		case k.DailyCap > 0 && k.Weight <= 0:
			errs = append(errs, qun.Invalid(field+".daily_cap", "caps only a positive weight"))
		}
	}
	return errors.Join(errs...)
}

// UnmarshalJSON reads rules from JSON strictly: unknown fields and invalid
// rules are refused with errors that match [qun.ErrInvalid].
func (r *EngagementRules) UnmarshalJSON(data []byte) error {
	type plain EngagementRules
	var v plain
	if isNull(data) {
		return nil
	}
	if err := qun.UnmarshalStrict(data, &v); err != nil {
		return err
	}
	if err := EngagementRules(v).Validate(); err != nil {
		return err
	}
	*r = EngagementRules(v)
	return nil
}

// Engagement is compiled [EngagementRules]: it scores events one at a
// time into a member's [Score], merges scores, reads them at any instant,
// and scores tables of events in bulk ([Engagement.ScoreTable]). It is
// safe for concurrent use.
// The zero Engagement, not made with [EngagementRules.Compile], has no
// kinds: it credits nothing, and refuses to score in bulk.
type Engagement struct {
	rules       EngagementRules
	decay       qun.Decay
	hot         hotDecay
	loc         *time.Location
	kinds       []compiledKind
	byName      map[string][]int32 // event name → kinds, in order
	conditional bool               // some kind tests event properties
}

type compiledKind struct {
	name   string
	filter qun.EventFilter
	weight float64
	cap    int64
}

// Compile validates r and compiles it.
func (r EngagementRules) Compile() (*Engagement, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	m := &Engagement{
		rules:  r.clone(),
		decay:  r.Decay,
		hot:    newHotDecay(r.Decay),
		loc:    r.Calendar.Location(),
		byName: make(map[string][]int32),
	}
	for i, k := range r.Kinds {
		m.kinds = append(m.kinds, compiledKind{name: k.key(), filter: k.Event, weight: k.Weight, cap: k.DailyCap})
		m.byName[k.Event.Name] = append(m.byName[k.Event.Name], int32(i))
		if len(k.Event.Where) > 0 {
			m.conditional = true
		}
	}
	return m, nil
}

func (r EngagementRules) clone() EngagementRules {
	c := r
	c.Kinds = append([]Kind(nil), r.Kinds...)
	return c
}

// Rules returns the rules m was compiled from.
func (m *Engagement) Rules() EngagementRules { return m.rules.clone() }

// Kinds returns the names of m's kinds, in order.
func (m *Engagement) Kinds() []string {
	names := make([]string, len(m.kinds))
	for i, k := range m.kinds {
		names[i] = k.name
	}
	return names
}

// kindOf returns the index of e's kind, or −1.
func (m *Engagement) kindOf(e qun.Event) int {
	for _, k := range m.byName[e.Name] {
		if m.kinds[k].filter.Match(e) {
			return int(k)
		}
	}
	return -1
}

// Score is the engagement state of one member: for each kind, the decayed
// credit earned so far, as of the instant of the kind's latest event. It
// takes O(1) space however many events it has seen, updates in O(1) per
// event ([Engagement.Add]), and decays lazily: [Engagement.Value] reads it
// at any instant. Two partial scores of the same member merge
// ([Engagement.Merge]), so a host can score shards of a member's events
// apart and combine them. A host stores one Score per member; its JSON form
// names each kind, so a stored score survives edits to the rules
// ([Engagement.Align]).
//
// A Score holds a slice, so a copy of it shares its kinds: [Score.Clone]
// one that must stay as it is while another changes. The zero Score is a
// member with no events.
type Score struct {
	// Kinds holds the credit of each kind, in the order of the rules'
	// kinds once the score has been used with an [Engagement].
	Kinds []KindScore `json:"kinds,omitempty"`
	// Late counts the days on which credit was added without knowing what
	// the day had already earned, so that a daily cap may have been
	// exceeded: an event that came after a later day of its kind, or two
	// merged scores that both saw events of the same earlier day. While
	// Late is zero, the score is exactly the score of its events.
	Late int64 `json:"late,omitempty"`
}

// KindScore is the part of a [Score] one kind earned.
type KindScore struct {
	// Kind is the kind's name.
	Kind string `json:"kind"`
	// Count is the number of events of this kind seen, counted or capped.
	Count int64 `json:"count"`
	// Credit is the decayed credit of the days that are closed: for an
	// uncapped kind, all of its credit.
	Credit qun.Decayed `json:"credit"`
	// Open is the latest day of a capped kind, whose events may still be
	// joined by others of the same day before the cap is applied.
	Open OpenDay `json:"open,omitzero"`
}

// OpenDay is the latest local day of a capped kind in a [Score].
type OpenDay struct {
	// First is the earliest day of this kind the score has seen; together
	// with Day it bounds the days the score knows about.
	First qun.Date `json:"first"`
	// Day is the open day.
	Day qun.Date `json:"day"`
	// Count is the number of events on Day; zero when the kind has none.
	Count int64 `json:"count"`
	// Credit is the decayed sum of their weights before the cap.
	Credit qun.Decayed `json:"credit"`
}

// Clone returns a copy of s that shares nothing with it.
func (s Score) Clone() Score {
	s.Kinds = append([]KindScore(nil), s.Kinds...)
	return s
}

// At returns the instant s is as of: that of its latest event.
func (s Score) At() time.Time {
	var at time.Time
	for _, k := range s.Kinds {
		for _, t := range [2]time.Time{k.Credit.At, k.Open.Credit.At} {
			if t.After(at) {
				at = t
			}
		}
	}
	return at
}

// Credit reports what [Engagement.Add] did with an event.
type Credit struct {
	// Kind is the name of the event's kind, or empty if it has none (and
	// earned nothing).
	Kind string
	// Gain is the credit the event added to its day before decay: the
	// kind's weight, or zero once the day's cap was reached.
	Gain float64
	// Capped reports that the day's cap was already reached.
	Capped bool
	// Late reports that the event's day was one the score had closed (see
	// [Score.Late]); it is credited in full.
	Late bool
}

// Add adds the event e to the score s and reports what it earned. Events
// may come in any order; the score is the same as if they had come in time
// order (up to float64 rounding, and exactly when events with equal times
// are swapped), except that an event of a capped kind whose local day is
// earlier than the latest day of that kind already seen is late (see
// [Score.Late]). A nil s has nowhere to add to: Add returns the zero
// Credit, as it does for an event of no kind; so does a zero Engagement,
// which has no kinds.
func (m *Engagement) Add(s *Score, e qun.Event) Credit {
	k := m.kindOf(e)
	if k < 0 || s == nil {
		return Credit{}
	}
	m.align(s)
	kind := m.kinds[k]
	ks := &s.Kinds[k]
	ks.Count++
	c := Credit{Kind: kind.name, Gain: kind.weight}
	if kind.cap == 0 {
		ks.Credit = m.decay.Add(ks.Credit, kind.weight, e.Time)
		return c
	}
	day := m.rules.Calendar.Date(e.Time)
	o := &ks.Open
	switch {
	case o.Count == 0:
		*o = OpenDay{First: day, Day: day, Count: 1, Credit: m.decay.Add(qun.Decayed{}, kind.weight, e.Time)}
	case day == o.Day:
		o.Count++
		o.Credit = m.decay.Add(o.Credit, kind.weight, e.Time)
		if o.Count > kind.cap {
			c.Gain, c.Capped = 0, true
		}
	case day.After(o.Day):
		ks.Credit = m.decay.Merge(ks.Credit, m.closed(*o, kind.cap))
		*o = OpenDay{First: o.First, Day: day, Count: 1, Credit: m.decay.Add(qun.Decayed{}, kind.weight, e.Time)}
	default:
		// A day before the open one: credited alone, as a closed day of
		// one event. It is late unless the score has seen no day as early.
		single := OpenDay{First: day, Day: day, Count: 1, Credit: m.decay.Add(qun.Decayed{}, kind.weight, e.Time)}
		ks.Credit = m.decay.Merge(ks.Credit, m.closed(single, kind.cap))
		if day.Before(o.First) {
			o.First = day
		} else {
			c.Late = true
			s.Late++
		}
	}
	return c
}

// closed returns the credit of a day whose events are all known: its
// decayed weights, scaled down to the cap if more events happened than
// count.
func (m *Engagement) closed(o OpenDay, cap int64) qun.Decayed {
	return qun.Decayed{Value: o.Credit.Value * capScale(o.Count, cap), At: o.Credit.At}
}

// capScale is the share of a day's n events that count under cap: 1 when
// n ≤ cap.
func capScale(n, cap int64) float64 {
	if cap == 0 || n <= cap {
		return 1
	}
	return float64(cap) / float64(n)
}

// Merge adds the score src into dst: afterwards dst is the score of the
// events of both. Merge is commutative; it is associative, and equal to
// scoring the union of the events, up to float64 rounding, as long as the
// two scores do not both hold events of a capped kind on a day other than
// their common latest day (as when a member's events are split in time at
// a local midnight, or a score is merged with one of newer events). When
// they do, the day is credited twice, possibly past its cap, and
// dst.Late counts it. A nil dst is left alone.
func (m *Engagement) Merge(dst *Score, src Score) {
	if dst == nil {
		return
	}
	m.align(dst)
	src = m.Align(src)
	dst.Late += src.Late
	for i := range m.kinds {
		a, b := &dst.Kinds[i], src.Kinds[i]
		a.Count += b.Count
		credit := m.decay.Merge(a.Credit, b.Credit)
		cap := m.kinds[i].cap
		ao, bo := a.Open, b.Open
		switch {
		case bo.Count == 0:
		case ao.Count == 0:
			a.Open = bo
		default:
			if conflict(ao, bo) {
				dst.Late++
			}
			first := ao.First
			if bo.First.Before(first) {
				first = bo.First
			}
			switch ao.Day.Compare(bo.Day) {
			case 0:
				a.Open = OpenDay{First: first, Day: ao.Day, Count: ao.Count + bo.Count, Credit: m.decay.Merge(ao.Credit, bo.Credit)}
			case 1:
				credit = m.decay.Merge(credit, m.closed(bo, cap))
				a.Open.First = first
			default:
				credit = m.decay.Merge(credit, m.closed(ao, cap))
				a.Open = bo
				a.Open.First = first
			}
		}
		a.Credit = credit
	}
}

// conflict reports whether two open days' spans of known days overlap on a
// day other than a shared open day: then some closed day may have been
// credited by both.
func conflict(a, b OpenDay) bool {
	lo, hi := a.First, a.Day
	if b.First.After(lo) {
		lo = b.First
	}
	if b.Day.Before(hi) {
		hi = b.Day
	}
	if lo.After(hi) {
		return false
	}
	return !(lo == hi && a.Day == b.Day)
}

// Value returns the score s at the instant now: the sum of each kind's
// credit, decayed to now. A now before the score's latest event reads the
// credit as of that event: the score is never projected backwards.
func (m *Engagement) Value(s Score, now time.Time) float64 {
	s = m.Align(s)
	if at := s.At(); now.Before(at) {
		now = at
	}
	total := 0.0
	for i, k := range s.Kinds {
		total += m.decay.ValueAt(k.Credit, now)
		if k.Open.Count > 0 {
			total += m.decay.ValueAt(m.closed(k.Open, m.kinds[i].cap), now)
		}
	}
	return total
}

// Explain returns the terms of s at now, one per kind that has seen
// events, highest value first: they add up to [Engagement.Value].
func (m *Engagement) Explain(s Score, now time.Time) []Term {
	s = m.Align(s)
	if at := s.At(); now.Before(at) {
		now = at
	}
	var terms []Term
	for i, k := range s.Kinds {
		if k.Count == 0 {
			continue
		}
		v := m.decay.ValueAt(k.Credit, now)
		if k.Open.Count > 0 {
			v += m.decay.ValueAt(m.closed(k.Open, m.kinds[i].cap), now)
		}
		terms = append(terms, Term{Name: k.Kind, Count: k.Count, Weight: m.kinds[i].weight, Value: v})
	}
	sortTerms(terms)
	return terms
}

// Align returns s with one [KindScore] per kind of m, in m's order,
// matched by name: what a stored score needs after the rules changed.
// Kinds the rules no longer have are dropped; new kinds start at zero; a
// kind that lost its cap has its open day closed at full credit, and one
// that gained a cap starts its days afresh. Scores are exact again once
// rescored from events; Align keeps what it can. The methods of
// [Engagement] align the scores they are given themselves.
func (m *Engagement) Align(s Score) Score {
	if m.aligned(s) {
		return s
	}
	out := Score{Kinds: make([]KindScore, len(m.kinds)), Late: s.Late}
	for i, k := range m.kinds {
		out.Kinds[i].Kind = k.name
		for _, old := range s.Kinds {
			if old.Kind != k.name {
				continue
			}
			if old.Open.Count > 0 && k.cap == 0 {
				old.Credit = m.decay.Merge(old.Credit, old.Open.Credit)
				old.Open = OpenDay{}
			}
			out.Kinds[i] = old
			break
		}
	}
	return out
}

// align aligns *s in place.
func (m *Engagement) align(s *Score) {
	if !m.aligned(*s) {
		*s = m.Align(*s)
	}
}

func (m *Engagement) aligned(s Score) bool {
	if len(s.Kinds) != len(m.kinds) {
		return false
	}
	for i, k := range m.kinds {
		if s.Kinds[i].Kind != k.name {
			return false
		}
	}
	return true
}

// isNull reports whether data is the JSON literal null.
func isNull(data []byte) bool {
	for len(data) > 0 && (data[0] == ' ' || data[0] == '\t' || data[0] == '\n' || data[0] == '\r') {
		data = data[1:]
	}
	for len(data) > 0 {
		c := data[len(data)-1]
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			break
		}
		data = data[:len(data)-1]
	}
	return string(data) == "null"
}
