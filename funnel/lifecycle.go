package funnel

import (
	"errors"

	"github.com/qunkit/qun"
)

// Lifecycle splits the members active in each period into new, returning
// and resurrecting, and counts those who went dormant, with the semantics
// of PostHog's lifecycle insight (posthog.com/docs/product-analytics/lifecycle;
// the query in posthog/hogql_queries/insights/lifecycle_query_runner.py):
//
//   - new (新用户): active in the period, which is both their first active
//     period and the period they were created in;
//   - returning: active in the period and in the one before;
//   - resurrecting (召回): active in the period, not in the one before, and
//     not new;
//   - dormant (沉默): active in the period before, not in this one. Dormant
//     is counted once, in the first inactive period after an active run,
//     and reported as a negative number, as PostHog plots it.
//
// A member's creation is their [Profile] Joined time, or else their first
// event in the table (PostHog's person created_at is when the person was
// first seen). PostHog's definition makes a member created before their
// first activity "resurrecting" in that first period, a known pain point
// (github.com/PostHog/posthog issues on lifecycle "new" users);
// NewFromFirstActivity takes "new" from the first active period alone.
type Lifecycle struct {
	// Events are the events that count as activity; none means any event.
	Events []qun.EventFilter `json:"events,omitempty"`
	// Calendar is the time zone (and week start) of the periods.
	Calendar qun.Calendar `json:"calendar,omitzero"`
	// Grain is the length of a period: day, week or month.
	Grain qun.Grain `json:"grain"`
	// NewFromFirstActivity counts a member as new in their first active
	// period, whenever they were created.
	NewFromFirstActivity bool `json:"new_from_first_activity,omitempty"`
}

// Validate reports every problem with l, joined.
func (l Lifecycle) Validate() error {
	errs := []error{Activity{Events: l.Events, Calendar: l.Calendar}.Validate()}
	if l.Grain != qun.Day && l.Grain != qun.Week && l.Grain != qun.Month {
		errs = append(errs, qun.Invalid("grain", "must be day, week or month"))
	}
	return errors.Join(errs...)
}

// LifecyclePeriod counts one period's members by lifecycle status, as
// defined on [Lifecycle]. New, Returning and Resurrecting are the members
// active in the period, each in exactly one of them; Dormant is zero or
// negative.
type LifecyclePeriod struct {
	// Period is the period counted, of the Lifecycle's grain in its
	// Calendar: one per period holding a day from from to to, earliest
	// first.
	Period qun.Period
	// New counts the members active in the period for the first time, who
	// were also created in it (or, with NewFromFirstActivity, whenever they
	// were created).
	New int64
	// Returning counts the members active in the period and in the one
	// before it.
	Returning int64
	// Resurrecting counts the members active in the period, not in the
	// one before it, and not new: back after a gap, or active for the first
	// time in a period after the one they were created in.
	Resurrecting int64
	// Dormant is minus the number of members who were active in the period
	// before and are not in this one: 0 or negative, as PostHog plots it. A
	// member is counted dormant once per active run, in the period right
	// after it, not again in the quiet periods that follow.
	Dormant int64
}

// Run counts the lifecycle of the members of t in each period holding a day
// from from to to. A nil t reads as an empty table: every count is 0. A
// lifecycle that does not validate, and days that are not valid (years
// 0001 to 9999) with from <= to, are refused with an error matching
// [qun.ErrInvalid].
func (l Lifecycle) Run(t *Table, from, to qun.Date) ([]LifecyclePeriod, error) {
	if err := l.Validate(); err != nil {
		return nil, err
	}
	if !from.IsValid() || !to.IsValid() || to.Before(from) {
		return nil, qun.Invalid("", "want valid days from <= to")
	}
	if t == nil {
		t = new(Table)
	}
	// Period 0 is the one before the first reported: its activity decides
	// returning and dormant in the first.
	before := l.Calendar.PeriodOn(l.Grain, from).Add(-1)
	ps := newPeriods(l.Calendar, l.Grain, before.First, to)
	n := ps.len()
	out := make([]LifecyclePeriod, n-1)
	for i := range out {
		out[i].Period = ps.period(i + 1)
	}
	active := make([]bool, n)
	fs := newFilterSet(t, l.Events)
	var g grouper
	// All events: the first of any kind tells when a member was created.
	g.each(t, nil, func(r *memberRun) {
		clear(active)
		created := t.joined[r.member]
		if created == noJoined {
			created = r.times[0]
		}
		firstActive, seen := n, false
		p := -2
		for i, at := range r.times {
			if !fs.match(t, r, i) {
				continue
			}
			p = ps.after(p, at)
			if !seen {
				seen, firstActive = true, p
			}
			if p >= 0 && p < n {
				active[p] = true
			}
		}
		if !seen {
			return
		}
		createdP := ps.of(created)
		for p := 1; p < n; p++ {
			o := &out[p-1]
			switch {
			case active[p] && p == firstActive && (l.NewFromFirstActivity || p == createdP):
				o.New++
			case active[p] && active[p-1]:
				o.Returning++
			case active[p]:
				o.Resurrecting++
			case active[p-1]:
				o.Dormant--
			}
		}
	})
	return out, nil
}

// UnmarshalJSON reads a lifecycle strictly: unknown fields are refused, and
// so is one that does not validate.
func (l *Lifecycle) UnmarshalJSON(data []byte) error {
	type plain Lifecycle
	var v plain
	if err := qun.UnmarshalStrict(data, &v); err != nil {
		return err
	}
	if err := Lifecycle(v).Validate(); err != nil {
		return err
	}
	*l = Lifecycle(v)
	return nil
}
