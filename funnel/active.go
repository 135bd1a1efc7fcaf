package funnel

import (
	"errors"

	"github.com/qunkit/qun"
)

// Activity says which events make a member active (活跃), and in which
// calendar days are counted: the input of DAU, WAU and MAU, stickiness and
// lifecycle.
//
// Its JSON form is {"events":[{"name":"post"},{"name":"check_in"}],"calendar":{...}}.
type Activity struct {
	// Events are the events that count as activity; none means any event.
	Events []qun.EventFilter `json:"events,omitempty"`
	// Calendar is the time zone (and week start) of the days counted.
	Calendar qun.Calendar `json:"calendar,omitzero"`
}

// Validate reports every problem with a, joined.
func (a Activity) Validate() error {
	errs := validateFilters("events", a.Events)
	errs = append(errs, qun.Within("calendar", a.Calendar.Validate()))
	return errors.Join(errs...)
}

// ActiveDay is one day of an active-users series.
type ActiveDay struct {
	// Day is the calendar day these counts are for, in the Activity's
	// Calendar: one entry per day from from to to, inclusive, earliest
	// first. Its day runs from local midnight to the next (23 or 25 hours
	// long across a DST change).
	Day qun.Date
	// DAU counts the members active on the day; WAU those active in the 7
	// days ending with it, and MAU in the 30 days ending with it (rolling
	// windows, as PostHog's weekly and monthly active users).
	DAU, WAU, MAU int64
	// Stickiness is DAU divided by MAU (0 when MAU is 0): the share of the
	// month's members who show up on a given day (粘性).
	Stickiness float64
}

// Daily returns the active-users series for each day from from to to,
// inclusive. A nil t reads as an empty table: every count is 0. An
// activity that does not validate, and days that are not valid (years 0001
// to 9999) with from <= to, are refused with an error matching
// [qun.ErrInvalid].
func (a Activity) Daily(t *Table, from, to qun.Date) ([]ActiveDay, error) {
	if err := a.Validate(); err != nil {
		return nil, err
	}
	if !from.IsValid() || !to.IsValid() || to.Before(from) {
		return nil, qun.Invalid("", "want valid days from <= to")
	}
	if t == nil {
		t = new(Table)
	}
	const lookback = 29 // MAU on the first day needs the 29 days before it
	ps := newPeriods(a.Calendar, qun.Day, from.AddDays(-lookback), to)
	n := ps.len()
	dau := make([]int64, n+1)
	wau := make([]int64, n+31)
	mau := make([]int64, n+31)
	fs := newFilterSet(t, a.Events)
	var g grouper
	g.each(t, fs.keepNames(), func(r *memberRun) {
		last, coverW, coverM := -1, -1, -1
		d := -2
		for i, at := range r.times {
			d = ps.after(d, at)
			if d < 0 || d >= n || d == last || !fs.match(t, r, i) {
				continue
			}
			last = d
			dau[d]++
			// Rolling windows as difference arrays: the member counts on
			// days d to d+6 (d+29), once however many days they were active.
			if s := max(d, coverW+1); s <= d+6 {
				wau[s]++
				wau[d+7]--
				coverW = d + 6
			}
			if s := max(d, coverM+1); s <= d+29 {
				mau[s]++
				mau[d+30]--
				coverM = d + 29
			}
		}
	})
	out := make([]ActiveDay, 0, n-lookback)
	var w, m int64
	for d := range n {
		w += wau[d]
		m += mau[d]
		if d < lookback {
			continue
		}
		out = append(out, ActiveDay{Day: ps.period(d).First, DAU: dau[d], WAU: w, MAU: m, Stickiness: ratio(dau[d], m)})
	}
	return out, nil
}

// ActiveDays is how many days the members active in one period were active
// (PostHog's stickiness insight, per period).
type ActiveDays struct {
	// Period is the period these counts are for, of the grain asked for,
	// in the Activity's Calendar. Periods are whole: the first and the last
	// count all of their days even when from and to fall inside them.
	Period qun.Period
	// Members counts the members active on at least one day of the period.
	Members int64
	// Days[k] counts the members active on exactly k+1 days of it.
	Days []int64
	// Mean is the average number of active days of those members.
	Mean float64
}

// ActiveDaysPer returns, for each period of grain g holding a day from from
// to to, the distribution of its members' active days. A nil t reads as an
// empty table: every count is 0. An activity that does not validate, a
// grain that is not one, and days that are not valid (years 0001 to 9999)
// with from <= to, are refused with an error matching [qun.ErrInvalid].
func (a Activity) ActiveDaysPer(t *Table, g qun.Grain, from, to qun.Date) ([]ActiveDays, error) {
	if err := a.Validate(); err != nil {
		return nil, err
	}
	if !g.IsValid() {
		return nil, qun.Invalid("grain", "not a grain")
	}
	if !from.IsValid() || !to.IsValid() || to.Before(from) {
		return nil, qun.Invalid("", "want valid days from <= to")
	}
	if t == nil {
		t = new(Table)
	}
	first, last := a.Calendar.PeriodOn(g, from), a.Calendar.PeriodOn(g, to)
	days := newPeriods(a.Calendar, qun.Day, first.First, last.Last())
	var out []ActiveDays
	periodOf := make([]int, days.len()) // day index -> period index
	for p, i := first, 0; ; p, i = p.Next(), i+1 {
		out = append(out, ActiveDays{Period: p, Days: make([]int64, p.Days())})
		for d := p.First; !d.After(p.Last()); d = d.AddDays(1) {
			periodOf[d.DaysSince(days.first.First)] = i
		}
		if p == last {
			break
		}
	}
	fs := newFilterSet(t, a.Events)
	var grp grouper
	grp.each(t, fs.keepNames(), func(r *memberRun) {
		lastDay, period, count := -1, -1, 0
		d := -2
		flush := func() {
			if count > 0 {
				out[period].Members++
				out[period].Days[count-1]++
			}
		}
		for i, at := range r.times {
			d = days.after(d, at)
			if d < 0 || d >= days.len() || d == lastDay || !fs.match(t, r, i) {
				continue
			}
			lastDay = d
			if p := periodOf[d]; p != period {
				flush()
				period, count = p, 0
			}
			count++
		}
		flush()
	})
	for i := range out {
		var sum int64
		for k, c := range out[i].Days {
			sum += int64(k+1) * c
		}
		out[i].Mean = ratio(sum, out[i].Members)
	}
	return out, nil
}

// UnmarshalJSON reads an activity strictly: unknown fields are refused, and
// so is one that does not validate.
func (a *Activity) UnmarshalJSON(data []byte) error {
	type plain Activity
	var v plain
	if err := qun.UnmarshalStrict(data, &v); err != nil {
		return err
	}
	if err := Activity(v).Validate(); err != nil {
		return err
	}
	*a = Activity(v)
	return nil
}
