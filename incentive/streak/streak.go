package streak

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive"
)

// The errors a make-up request is refused with. They are the member's to
// hear ("no make-up cards left"), not bad data: none matches
// [qun.ErrInvalid].
var (
	// ErrNoMakeUps refuses a make-up when the member holds no card, or
	// the rules give none.
	ErrNoMakeUps = errors.New("streak: no make-up card")
	// ErrMakeUpLimit refuses a make-up beyond the rules' limit for the
	// period.
	ErrMakeUpLimit = errors.New("streak: make-up limit reached for the period")
	// ErrTooFarBack refuses a make-up for a day further back than the
	// rules allow.
	ErrTooFarBack = errors.New("streak: day too far back to make up")
	// ErrNotMissed refuses a make-up for a day that is not a missed day:
	// today or later, or a day already kept (checked in, frozen, or
	// skipped by a time-zone move).
	ErrNotMissed = errors.New("streak: day not missed")
)

// State is a member's streak, as the host stores it: the zone of their
// last check-in, their recent runs of kept days, their records, and the
// tokens they hold. The zero State is a member who never checked in.
//
// Its JSON form is
//
//	{"zone":"Asia/Shanghai","runs":[{"from":"2026-11-16","to":"2026-11-22","days":7}],
//	 "longest":7,"total":9,"freezes":1,"make_ups":2,
//	 "reached":[{"day":7,"on":"2026-11-22"}]}
type State struct {
	// Zone is the time zone of the member's last check-in: their days
	// are counted in it.
	Zone qun.Zone `json:"zone"`
	// Runs are the member's recent runs of kept days, oldest first; the
	// last is the current streak, or the last one. Runs that a make-up
	// can no longer reach are dropped.
	Runs []Run `json:"runs,omitempty"`
	// Longest is the longest streak the member ever had, in days.
	Longest int `json:"longest,omitzero"`
	// Total is the number of days the member checked in, made-up days
	// included.
	Total int `json:"total,omitzero"`
	// Freezes and MakeUps are the tokens the member holds.
	Freezes int `json:"freezes,omitzero"`
	MakeUps int `json:"make_ups,omitzero"`
	// Used counts the make-ups used in the current limit period.
	Used Used `json:"used,omitzero"`
	// Reached records, for each milestone day reached, the day it was
	// last reached on.
	Reached []Reached `json:"reached,omitempty"`
}

// Run is a run of kept days, From to To, both included: every day in it
// was checked in (or made up), bridged by a freeze, or skipped by a
// time-zone move. Days counts those checked in or made up: the run's
// length as a streak.
type Run struct {
	// From and To are the run's first and last days, in the member's
	// calendar.
	From qun.Date `json:"from"`
	To   qun.Date `json:"to"`
	// Days is the number of days in the run checked in or made up: from
	// 1 to the days from From to To. The engine reads a stored value
	// below 0 as 0 and one above 2^31−1 as 2^31−1, so that no count it
	// adds to overflows: values only a damaged store can hold.
	Days int `json:"days"`
}

// Used counts the make-ups a member used in one period.
type Used struct {
	// Period is the limit's period, in the member's calendar.
	Period qun.Period `json:"period"`
	// Count is the number of make-ups used in it.
	Count int `json:"count"`
}

// Reached records when a member last reached a milestone.
type Reached struct {
	// Day is the milestone's day: 7 for the day-7 milestone.
	Day int `json:"day"`
	// On is the member's day it was last reached on.
	On qun.Date `json:"on"`
}

// UnmarshalJSON reads a state strictly, as [qun.UnmarshalStrict] reads.
func (s *State) UnmarshalJSON(data []byte) error {
	type plain State
	return qun.UnmarshalStrict(data, (*plain)(s))
}

// Current returns the length of the member's last streak, alive or not:
// see [Engine.Status] for the streak as of now. A run damaged in storage
// counts as described at [Run.Days].
func (s State) Current() int {
	if len(s.Runs) == 0 {
		return 0
	}
	return s.Runs[len(s.Runs)-1].counted()
}

// counted returns r.Days as far as a stored run can be trusted: from 0 to
// 2^31−1, a bound that costs no date arithmetic on the check-in path.
func (r Run) counted() int { return min(max(r.Days, 0), math.MaxInt32) }

// Result is what a check-in or a make-up did.
type Result struct {
	// Day is the member's local day of the check-in, or the day made up.
	Day qun.Date `json:"day"`
	// Counted reports whether a new day counted. A check-in on a day
	// already counted (a second check-in, a replay, or a day a westward
	// time-zone move repeats) is Duplicate instead.
	Counted   bool `json:"counted"`
	Duplicate bool `json:"duplicate,omitempty"`
	// Current and Longest are the member's streak and record after.
	Current int `json:"current"`
	Longest int `json:"longest"`
	// Froze is the number of freezes spent on missed days.
	Froze int `json:"froze,omitzero"`
	// Broke reports that the streak before ended, after Previous days:
	// the member missed more days than they held freezes.
	Broke    bool `json:"broke,omitempty"`
	Previous int  `json:"previous,omitzero"`
	// Payouts are the milestones reached.
	Payouts []incentive.Payout `json:"payouts,omitempty"`
}

// CheckIn records that the member checked in (打卡) at the instant at,
// in the time zone they are in, and returns their new state and what
// happened. A member's day is their local calendar day in that zone, so
// streaks are right across DST changes: a 23-hour day is a day.
//
// A time-zone move neither breaks nor double counts a streak. The day is
// counted in the zone of the check-in, and counts only if it is after the
// last counted day; so a westward move that repeats a date counts it once
// (no double count). The gap since the last counted day is measured in
// the old zone or the new one, whichever is smaller; so an eastward move
// that skips a date (flying from Los Angeles to Sydney skips a day)
// continues the streak, and the skipped date is kept without counting.
// Check-ins must come in time order: one for a day before the last
// counted day is a Duplicate, and a missed day is filled with
// [Engine.MakeUp].
//
// A zero Engine, not made with [Compile], refuses every check-in with an
// error matching [qun.ErrInvalid].
func (e *Engine) CheckIn(s State, m qun.MemberID, at time.Time, zone qun.Zone) (State, Result, error) {
	if err := e.made(); err != nil {
		return s, Result{}, fmt.Errorf("streak: check in: %w", err)
	}
	if err := m.Validate(); err != nil {
		return s, Result{}, fmt.Errorf("streak: check in: %w", qun.Within("member", err))
	}
	if at.IsZero() {
		return s, Result{}, fmt.Errorf("streak: check in: %w", qun.Invalid("at", "must not be zero"))
	}
	s = s.clone()
	d := qun.Calendar{Zone: zone}.Date(at)
	res := Result{Day: d}
	if len(s.Runs) == 0 {
		s.Runs = []Run{{From: d, To: d}}
	} else {
		last := s.Runs[len(s.Runs)-1]
		if !d.After(last.To) {
			res.Duplicate = true
			res.Current, res.Longest = s.Current(), s.Longest
			return s, res, nil
		}
		gap := d.DaysSince(last.To)
		if !zone.Equal(s.Zone) {
			old := qun.Calendar{Zone: s.Zone}.Date(at).DaysSince(last.To)
			gap = max(1, min(gap, old))
		}
		e.advance(&s, d, gap-1, &res)
	}
	s.Zone = zone
	s.Runs[len(s.Runs)-1].Days++
	e.counted(&s, m, d, &res)
	return s, res, nil
}

// advance moves the last run on to the day d, after missed days without a
// check-in: freezes bridge them, one each, and if they run out the streak
// breaks, with all of them spent, and d starts a new run.
func (e *Engine) advance(s *State, d qun.Date, missed int, res *Result) {
	last := &s.Runs[len(s.Runs)-1]
	switch {
	case missed <= 0:
		last.To = d
	case missed <= s.Freezes:
		s.Freezes -= missed
		res.Froze = missed
		last.To = d
	default:
		res.Froze = s.Freezes
		last.To = last.To.AddDays(s.Freezes)
		s.Freezes = 0
		res.Broke, res.Previous = true, last.Days
		s.Runs = append(s.Runs, Run{From: d, To: d})
	}
}

// counted finishes an operation that counted a day, with today the
// member's day: it updates the totals, drops runs out of reach, and pays
// the milestones the current streak reached.
func (e *Engine) counted(s *State, m qun.MemberID, today qun.Date, res *Result) {
	res.Counted = true
	if s.Total < math.MaxInt {
		s.Total++
	}
	for _, r := range s.Runs {
		s.Longest = max(s.Longest, r.Days)
	}
	// A make-up can join a missed day to the run that ends the day before
	// it, at most DaysBack+1 days before today: older runs are out of
	// reach.
	horizon := today.AddDays(-e.rules.MakeUps.DaysBack - 1)
	keep := s.Runs[:0]
	for i, r := range s.Runs {
		if i == len(s.Runs)-1 || !r.To.Before(horizon) {
			keep = append(keep, r)
		}
	}
	s.Runs = keep
	cur := s.Runs[len(s.Runs)-1]
	for _, ms := range e.milestones {
		if cur.Days < ms.Day {
			break
		}
		i := slices.IndexFunc(s.Reached, func(r Reached) bool { return r.Day == ms.Day })
		if i >= 0 && (!ms.Repeat || !s.Reached[i].On.Before(cur.From) && !s.Reached[i].On.After(cur.To)) {
			continue
		}
		if i < 0 {
			s.Reached = append(s.Reached, Reached{Day: ms.Day})
			i = len(s.Reached) - 1
		}
		s.Reached[i].On = cur.To
		parts := []string{"streak", e.rules.ID, "day-" + strconv.Itoa(ms.Day)}
		if ms.Repeat {
			parts = append(parts, cur.To.String())
		}
		res.Payouts = append(res.Payouts, incentive.Payout{
			Member: m, Key: incentive.PayoutKey(parts...),
			Reason: "streak " + e.rules.ID + " day " + strconv.Itoa(ms.Day), Reward: ms.Reward,
		})
	}
	res.Current, res.Longest = cur.Days, s.Longest
}

// MakeUp spends a make-up card (补签卡) to check the member in on day, a
// day they missed, as of now in their zone. The day counts as checked in:
// it extends or joins the runs beside it, and, when it joins the current
// streak, can reach its milestones. It is refused with [ErrNoMakeUps],
// [ErrMakeUpLimit], [ErrTooFarBack] or [ErrNotMissed]; by a zero Engine,
// not made with [Compile], with an error matching [qun.ErrInvalid].
func (e *Engine) MakeUp(s State, m qun.MemberID, day qun.Date, now time.Time, zone qun.Zone) (State, Result, error) {
	if err := e.made(); err != nil {
		return s, Result{}, fmt.Errorf("streak: make up: %w", err)
	}
	if err := m.Validate(); err != nil {
		return s, Result{}, fmt.Errorf("streak: make up: %w", qun.Within("member", err))
	}
	if now.IsZero() || !day.IsValid() {
		return s, Result{}, fmt.Errorf("streak: make up: %w", qun.Invalid("day", "must be a date, with a time now"))
	}
	rule := e.rules.MakeUps
	if rule.MaxHeld == 0 || s.MakeUps <= 0 {
		return s, Result{}, ErrNoMakeUps
	}
	cal := qun.Calendar{Zone: zone}
	today := cal.Date(now)
	switch {
	case !day.Before(today):
		return s, Result{}, fmt.Errorf("streak: make up %s on %s: %w", day, today, ErrNotMissed)
	case today.DaysSince(day) > rule.DaysBack:
		return s, Result{}, fmt.Errorf("streak: make up %s on %s: %w", day, today, ErrTooFarBack)
	}
	var period qun.Period
	if rule.Limit > 0 {
		period = cal.PeriodOn(rule.Per, today)
		if s.Used.Period == period && s.Used.Count >= rule.Limit {
			return s, Result{}, fmt.Errorf("streak: make up in %s: %w", period, ErrMakeUpLimit)
		}
	}
	for _, r := range s.Runs {
		if !day.Before(r.From) && !day.After(r.To) {
			return s, Result{}, fmt.Errorf("streak: make up %s: %w", day, ErrNotMissed)
		}
	}
	s = s.clone()
	res := Result{Day: day}
	switch n := len(s.Runs); {
	case n == 0:
		s.Runs = []Run{{From: day, To: day, Days: 1}}
		s.Zone = zone
	case day.After(s.Runs[n-1].To):
		e.advance(&s, day, day.DaysSince(s.Runs[n-1].To)-1, &res)
		s.Runs[len(s.Runs)-1].Days++
	default:
		s.Runs = fill(s.Runs, day)
	}
	s.MakeUps--
	if rule.Limit > 0 {
		if s.Used.Period != period {
			s.Used = Used{Period: period}
		}
		s.Used.Count++
	}
	e.counted(&s, m, today, &res)
	return s, res, nil
}

// fill counts the missed day, which lies before the last run, into the
// runs: it joins the runs that end the day before and begin the day after
// it, extends one of them, or starts a run of its own.
func fill(runs []Run, day qun.Date) []Run {
	i := slices.IndexFunc(runs, func(r Run) bool { return r.From.After(day) }) // the first run after day
	if i < 0 {
		i = len(runs)
	}
	before := i > 0 && runs[i-1].To.AddDays(1) == day
	after := i < len(runs) && runs[i].From.AddDays(-1) == day
	switch {
	case before && after:
		runs[i-1].To = runs[i].To
		runs[i-1].Days += 1 + runs[i].Days
		return slices.Delete(runs, i, i+1)
	case before:
		runs[i-1].To = day
		runs[i-1].Days++
	case after:
		runs[i].From = day
		runs[i].Days++
	default:
		return slices.Insert(runs, i, Run{From: day, To: day, Days: 1})
	}
	return runs
}

// Status is a member's streak as of an instant, without a check-in.
type Status struct {
	// Current is the streak's length, or 0 if it is broken: the member
	// missed more days than they hold freezes.
	Current int `json:"current"`
	// Today reports whether the member checked in today.
	Today bool `json:"today"`
	// AtRisk reports a streak that is alive but not yet kept today: a
	// reminder is due.
	AtRisk bool `json:"at_risk"`
	// FreezesDue is the number of freezes the missed days so far will
	// spend at the next check-in.
	FreezesDue int `json:"freezes_due,omitzero"`
	// Longest is the member's record.
	Longest int `json:"longest"`
}

// Status returns the member's streak as of now, in the zone they are in,
// measuring missed days as CheckIn does.
func (e *Engine) Status(s State, now time.Time, zone qun.Zone) Status {
	st := Status{Longest: max(s.Longest, 0)}
	if len(s.Runs) == 0 {
		return st
	}
	last := s.Runs[len(s.Runs)-1]
	gap := qun.Calendar{Zone: zone}.Date(now).DaysSince(last.To)
	if !zone.Equal(s.Zone) && gap > 0 {
		old := qun.Calendar{Zone: s.Zone}.Date(now).DaysSince(last.To)
		gap = max(1, min(gap, old))
	}
	switch missed := gap - 1; {
	case gap <= 0:
		st.Current, st.Today = last.counted(), true
	case missed <= max(s.Freezes, 0):
		st.Current, st.AtRisk, st.FreezesDue = last.counted(), true, missed
	}
	return st
}

// GrantFreezes gives the member n freezes (bought with points, or earned),
// up to the rules' MaxHeld, and returns the new state and how many were
// given.
func (e *Engine) GrantFreezes(s State, n int) (State, int) {
	g := max(0, min(n, e.rules.Freezes.MaxHeld-s.Freezes))
	s.Freezes += g
	return s, g
}

// GrantMakeUps gives the member n make-up cards, up to the rules'
// MaxHeld, and returns the new state and how many were given.
func (e *Engine) GrantMakeUps(s State, n int) (State, int) {
	g := max(0, min(n, e.rules.MakeUps.MaxHeld-s.MakeUps))
	s.MakeUps += g
	return s, g
}

// clone copies s for an operation to change, with its counts brought to
// zero if a state read from storage says less, and each run's days within
// the bounds [Run.Days] gives.
func (s State) clone() State {
	s.Freezes, s.MakeUps = max(s.Freezes, 0), max(s.MakeUps, 0)
	s.Longest, s.Total = max(s.Longest, 0), max(s.Total, 0)
	s.Runs = slices.Clone(s.Runs)
	for i := range s.Runs {
		s.Runs[i].Days = s.Runs[i].counted()
	}
	s.Reached = slices.Clone(s.Reached)
	return s
}

// made refuses a zero Engine, whose rules have no ID.
func (e *Engine) made() error {
	if e.rules.ID == "" {
		return qun.Invalid("", "the Engine was not made with Compile")
	}
	return nil
}
