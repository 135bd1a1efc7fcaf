package quest

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive"
)

// ErrUnknownQuest refuses a request for a quest the center does not have.
// It matches [qun.ErrInvalid].
var ErrUnknownQuest = fmt.Errorf("quest: unknown quest: %w", qun.ErrInvalid)

// Engine is a compiled [Center]. It is immutable, so one Engine serves any
// number of goroutines.
// The zero Engine, not made with [Compile], knows no quest: Start and
// Status refuse every one with [ErrUnknownQuest], and Apply refuses every
// event with an error matching [qun.ErrInvalid].
type Engine struct {
	center Center
	byID   map[string]int
	byName map[string][]int // event name → quests with a step on it
}

// Compile validates c and compiles it into an Engine.
func Compile(c Center) (*Engine, error) {
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("quest: compile: %w", err)
	}
	e := &Engine{center: Center{Quests: slices.Clone(c.Quests)}, byID: map[string]int{}, byName: map[string][]int{}}
	for i, q := range e.center.Quests {
		e.byID[q.ID] = i
		for _, s := range q.Steps {
			if l := e.byName[s.Event.Name]; len(l) == 0 || l[len(l)-1] != i {
				e.byName[s.Event.Name] = append(l, i)
			}
		}
	}
	return e, nil
}

// Center returns a copy of the center e was compiled from.
func (e *Engine) Center() Center { return Center{Quests: slices.Clone(e.center.Quests)} }

// Progress is a member's progress in one quest, as the host stores it. The
// zero Progress of a quest (with Quest set) is a quest not started.
//
// Its JSON form is {"quest":"newcomer","started":"2026-11-16T09:00:00+08:00",
// "counts":[1,2],"seen":["e-1","e-7","e-9"]}.
type Progress struct {
	// Quest is the quest's ID.
	Quest string `json:"quest"`
	// Started is when the quest started, or zero if it has not.
	Started time.Time `json:"started,omitzero"`
	// Period is, for a repeating quest, the day or week this progress is
	// for, in the member's calendar.
	Period qun.Period `json:"period,omitzero"`
	// Counts holds each step's count, never more than its target.
	Counts []int `json:"counts,omitempty"`
	// Done reports the quest (this period's, for a repeating quest)
	// completed, at DoneAt.
	Done   bool      `json:"done,omitempty"`
	DoneAt time.Time `json:"done_at,omitzero"`
	// Failed reports a deadline passed before the quest was done.
	Failed bool `json:"failed,omitempty"`
	// Completions counts the quest's completions, over all periods.
	Completions int `json:"completions,omitzero"`
	// Seen lists the IDs of the events counted since the start, so that a
	// replayed event counts once.
	Seen []string `json:"seen,omitempty"`
}

// UnmarshalJSON reads progress strictly, as [qun.UnmarshalStrict] reads.
func (p *Progress) UnmarshalJSON(data []byte) error {
	type plain Progress
	return qun.UnmarshalStrict(data, (*plain)(p))
}

// Decision is what one event did to a member's quests.
type Decision struct {
	// Steps are the steps the event counted for.
	Steps []Advance `json:"steps,omitempty"`
	// Completed are the quests it completed.
	Completed []Completion `json:"completed,omitempty"`
	// Failed are the quests whose deadline it found passed.
	Failed []string `json:"failed,omitempty"`
	// Duplicates are the quests that had counted the event already.
	Duplicates []string `json:"duplicates,omitempty"`
	// Payouts are the rewards of the completed quests.
	Payouts []incentive.Payout `json:"payouts,omitempty"`
}

// Advance is one step counted: its count now, of its target.
type Advance struct {
	// Quest and Step name the quest and its step.
	Quest string `json:"quest"`
	Step  string `json:"step"`
	// Count is the step's count now, never more than Target, the
	// count the step takes.
	Count  int `json:"count"`
	Target int `json:"target"`
}

// Completion is one quest completed.
type Completion struct {
	// Quest is the quest's ID.
	Quest string `json:"quest"`
	// Number is which completion it is, from 1.
	Number int `json:"number"`
	// Period is the day or week of a repeating quest.
	Period qun.Period `json:"period,omitzero"`
	// At is the time of the event that completed it.
	At time.Time `json:"at"`
}

// Start starts a quest for a member at now: for quests with Enroll, which
// start only so, and to restart any quest's deadline. cal is the member's
// calendar (their zone, and the community's week start), where repeating
// quests count their days and weeks.
func (e *Engine) Start(quest string, now time.Time, cal qun.Calendar) (Progress, error) {
	i, ok := e.byID[quest]
	if !ok {
		return Progress{}, fmt.Errorf("quest: start %q: %w", quest, ErrUnknownQuest)
	}
	q := &e.center.Quests[i]
	p := Progress{Quest: q.ID, Started: now, Counts: make([]int, len(q.Steps))}
	if g := q.Repeat.grain(); g != 0 {
		p.Period = cal.Period(g, now)
	}
	return p, nil
}

// Apply counts the member's event in their quests: ps holds their
// progress in any quests (those not listed are not started), cal is their
// calendar (their zone, and the community's week start). It returns the
// progress of every quest the event concerned or that ps held, and the
// decision.
//
// Events must come in time order. A repeating quest starts afresh when
// an event falls in a later day or week than its progress; an event from
// an earlier period, or before the quest started, counts for nothing.
//
// An invalid event, and every event for a zero Engine (not made with
// [Compile]), are refused with an error matching [qun.ErrInvalid].
func (e *Engine) Apply(ps []Progress, ev qun.Event, cal qun.Calendar) ([]Progress, Decision, error) {
	var d Decision
	if e.byID == nil {
		return ps, d, fmt.Errorf("quest: apply: %w", qun.Invalid("", "the Engine was not made with Compile"))
	}
	if err := ev.Validate(); err != nil {
		return ps, d, fmt.Errorf("quest: apply: %w", qun.Within("event", err))
	}
	out := slices.Clone(ps)
	for _, qi := range e.byName[ev.Name] {
		q := &e.center.Quests[qi]
		j := slices.IndexFunc(out, func(p Progress) bool { return p.Quest == q.ID })
		var p Progress
		if j >= 0 {
			p = out[j].clone()
		} else {
			p = Progress{Quest: q.ID}
		}
		np, changed := e.advance(q, p, ev, cal, &d)
		if !changed {
			continue
		}
		if j >= 0 {
			out[j] = np
		} else {
			out = append(out, np)
		}
	}
	return out, d, nil
}

// advance applies the event to one quest's progress, and reports whether
// the progress changed.
func (e *Engine) advance(q *Quest, p Progress, ev qun.Event, cal qun.Calendar, d *Decision) (Progress, bool) {
	if len(p.Counts) != len(q.Steps) {
		// New, or of a quest whose steps changed: start the counts afresh.
		p.Counts = make([]int, len(q.Steps))
	}
	// Progress read from storage may say anything: bring it within the
	// quest's bounds, so that no count passes its target.
	for i, s := range q.Steps {
		p.Counts[i] = min(max(p.Counts[i], 0), target(s))
	}
	p.Completions = max(p.Completions, 0)
	changed := false
	if g := q.Repeat.grain(); g != 0 {
		per := cal.Period(g, ev.Time)
		switch {
		case !p.Period.IsValid() || p.Period.First.Before(per.First):
			if q.Enroll && p.Started.IsZero() {
				return p, false
			}
			p = Progress{Quest: q.ID, Period: per, Counts: make([]int, len(q.Steps)), Completions: p.Completions}
			if q.Enroll || !p.Started.IsZero() {
				p.Started = cal.Start(g, ev.Time)
			}
			changed = true
		case per.First.Before(p.Period.First):
			return p, false // a late event for a period gone by
		}
		if q.Limit > 0 && p.Completions >= q.Limit {
			return p, changed
		}
	}
	if p.Done || p.Failed {
		return p, changed
	}
	if p.Started.IsZero() {
		if q.Enroll || e.targets(q, p, ev) == nil {
			return p, changed
		}
		p.Started = ev.Time
		changed = true
	}
	if ev.Time.Before(p.Started) {
		return p, changed
	}
	if q.Within > 0 && ev.Time.After(p.Started.Add(time.Duration(q.Within))) {
		p.Failed = true
		d.Failed = append(d.Failed, q.ID)
		return p, true
	}
	for i, s := range q.Steps {
		if s.Within > 0 && p.Counts[i] < target(s) && ev.Time.After(p.Started.Add(time.Duration(s.Within))) {
			p.Failed = true
			d.Failed = append(d.Failed, q.ID)
			return p, true
		}
	}
	steps := e.targets(q, p, ev)
	if len(steps) == 0 {
		return p, changed
	}
	if ev.ID != "" {
		if slices.Contains(p.Seen, ev.ID) {
			d.Duplicates = append(d.Duplicates, q.ID)
			return p, changed
		}
		p.Seen = append(p.Seen, ev.ID)
	}
	for _, i := range steps {
		p.Counts[i]++
		d.Steps = append(d.Steps, Advance{Quest: q.ID, Step: q.Steps[i].ID, Count: p.Counts[i], Target: target(q.Steps[i])})
	}
	if e.complete(q, p) {
		p.Done, p.DoneAt = true, ev.Time
		p.Completions = min(p.Completions, math.MaxInt-1) + 1 // no overflow from a damaged count
		c := Completion{Quest: q.ID, Number: p.Completions, Period: p.Period, At: ev.Time}
		d.Completed = append(d.Completed, c)
		occasion := strconv.Itoa(c.Number)
		if c.Period.IsValid() {
			occasion = c.Period.String()
		}
		d.Payouts = append(d.Payouts, incentive.Payout{
			Member: ev.Member, Key: incentive.PayoutKey("quest", q.ID, occasion),
			Reason: "quest " + q.ID, Reward: q.Reward,
		})
	}
	return p, true
}

// targets returns the steps the event would count for: the first step not
// done, if it matches, for an ordered quest; every step not done that
// matches, otherwise.
func (e *Engine) targets(q *Quest, p Progress, ev qun.Event) []int {
	var out []int
	for i, s := range q.Steps {
		if p.Counts[i] >= target(s) {
			continue
		}
		if s.Event.Match(ev) && (s.Within == 0 || p.Started.IsZero() || !ev.Time.After(p.Started.Add(time.Duration(s.Within)))) {
			out = append(out, i)
		}
		if q.Ordered {
			break
		}
	}
	return out
}

func (e *Engine) complete(q *Quest, p Progress) bool {
	for i, s := range q.Steps {
		if p.Counts[i] < target(s) {
			return false
		}
	}
	return true
}

func target(s Step) int { return max(s.Count, 1) }

// Status is a member's progress in a quest as of an instant.
type Status struct {
	// Quest is the quest's ID.
	Quest string `json:"quest"`
	// State is "not_started", "active", "done", "failed" or, for a
	// repeating quest whose limit is reached, "exhausted".
	State string `json:"state"`
	// Steps are the steps' counts and targets.
	Steps []Advance `json:"steps"`
	// Deadline is when the quest (or the current period of a repeating
	// one) ends, or zero for none.
	Deadline time.Time `json:"deadline,omitzero"`
}

// Status returns the member's progress in the quest as of now: what a
// task center shows. A repeating quest whose progress is for an earlier
// period shows the new period's, not started.
func (e *Engine) Status(p Progress, now time.Time, cal qun.Calendar) (Status, error) {
	i, ok := e.byID[p.Quest]
	if !ok {
		return Status{}, fmt.Errorf("quest: status of %q: %w", p.Quest, ErrUnknownQuest)
	}
	q := &e.center.Quests[i]
	st := Status{Quest: q.ID, State: "not_started"}
	counts := p.Counts
	started := p.Started
	if g := q.Repeat.grain(); g != 0 {
		per := cal.Period(g, now)
		if p.Period != per {
			counts, started = nil, time.Time{}
			p = Progress{Quest: q.ID, Completions: p.Completions}
		}
		st.Deadline = per.End(cal.Location())
		if q.Limit > 0 && p.Completions >= q.Limit && !p.Done {
			st.State = "exhausted"
		}
	}
	for j, s := range q.Steps {
		n := 0
		if j < len(counts) {
			n = min(max(counts[j], 0), target(s))
		}
		st.Steps = append(st.Steps, Advance{Quest: q.ID, Step: s.ID, Count: n, Target: target(s)})
	}
	if !started.IsZero() && q.Within > 0 {
		if dl := started.Add(time.Duration(q.Within)); st.Deadline.IsZero() || dl.Before(st.Deadline) {
			st.Deadline = dl
		}
	}
	switch {
	case st.State == "exhausted":
	case p.Done:
		st.State = "done"
	case p.Failed || !st.Deadline.IsZero() && !started.IsZero() && now.After(st.Deadline) && q.Repeat == Once:
		st.State = "failed"
	case !started.IsZero():
		st.State = "active"
	}
	return st, nil
}

func (p Progress) clone() Progress {
	p.Counts = slices.Clone(p.Counts)
	p.Seen = slices.Clone(p.Seen)
	return p
}
