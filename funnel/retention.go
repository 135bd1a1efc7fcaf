package funnel

import (
	"errors"
	"time"

	"github.com/qunkit/qun"
)

// Retention is a retention analysis (留存): members are put in cohorts by the
// period in which they started (did a start event, or joined), and each
// cohort is followed period by period to count who came back. Its
// semantics are PostHog's retention insight
// (posthog/hogql_queries/insights/retention_query_runner.py).
//
// Its JSON form is
//
//	{"start":{"name":"join"},"return":{"name":"check_in"},"grain":"week",
//	 "calendar":{"zone":"Asia/Shanghai","week_start":"monday"},"periods":8}
type Retention struct {
	// Start is the event that puts a member in a cohort. It is ignored when
	// FromJoined is set.
	Start qun.EventFilter `json:"start,omitzero"`
	// FromJoined takes each member's cohort from the time they joined, as
	// the host gave it in a [Profile], instead of from a start event.
	FromJoined bool `json:"from_joined,omitempty"`
	// Return is the event that counts as coming back; a zero filter (no
	// name) counts any event.
	Return qun.EventFilter `json:"return,omitzero"`
	// Grain is the length of a period: day, week or month.
	Grain qun.Grain `json:"grain"`
	// Calendar is the time zone and the first day of the week in which
	// periods are counted.
	Calendar qun.Calendar `json:"calendar,omitzero"`
	// Periods is the number of periods each cohort is followed for,
	// period 0 (the cohort's own) included; 0 means 7, PostHog's default.
	Periods int `json:"periods,omitempty"`
	// Recurring puts a member in the cohort of every period in which they
	// did the start event, not only the first (PostHog's "recurring"
	// retention; the default is "first time").
	Recurring bool `json:"recurring,omitempty"`
	// OnOrAfter counts a member as retained in period N when they came back
	// in period N or any later one followed ("on or after", PostHog's
	// cumulative retention); the default counts period N alone ("on").
	OnOrAfter bool `json:"on_or_after,omitempty"`
}

// DefaultPeriods is the number of periods a retention follows when it says
// none, as in PostHog.
const DefaultPeriods = 7

// MaxPeriods is the most periods a retention may follow.
const MaxPeriods = 1000

// Validate reports every problem with r, joined.
func (r Retention) Validate() error {
	var errs []error
	switch {
	case r.FromJoined && r.Recurring:
		errs = append(errs, qun.Invalid("recurring", "a member joins once: recurring cohorts need a start event"))
	case !r.FromJoined:
		errs = append(errs, qun.Within("start", r.Start.Validate()))
	}
	if r.Return.Name != "" || len(r.Return.Where) > 0 {
		errs = append(errs, qun.Within("return", r.Return.Validate()))
	}
	if r.Grain != qun.Day && r.Grain != qun.Week && r.Grain != qun.Month {
		errs = append(errs, qun.Invalid("grain", "must be day, week or month"))
	}
	errs = append(errs, qun.Within("calendar", r.Calendar.Validate()))
	if r.Periods < 0 || r.Periods > MaxPeriods {
		errs = append(errs, qun.Invalid("periods", "must be 0 (the default, %d) to %d", DefaultPeriods, MaxPeriods))
	}
	return errors.Join(errs...)
}

// UnmarshalJSON reads a retention strictly: unknown fields are refused, and
// so is one that does not validate.
func (r *Retention) UnmarshalJSON(data []byte) error {
	type plain Retention
	var v plain
	if err := qun.UnmarshalStrict(data, &v); err != nil {
		return err
	}
	if err := Retention(v).Validate(); err != nil {
		return err
	}
	*r = Retention(v)
	return nil
}

// RetentionResult is a cohort matrix and its averaged curve.
type RetentionResult struct {
	// Cohorts has one row per period in the range, earliest first.
	Cohorts []Cohort
	// Curve averages the cohorts' rates per period offset, over the
	// cohorts that have members and whose period at that offset has begun
	// (before the range ends).
	Curve []CurvePoint
}

// Cohort is one row of a retention matrix.
type Cohort struct {
	// Period is the cohort's period.
	Period qun.Period
	// Size is the number of members in the cohort.
	Size int64
	// Retained[N] is the number of members retained in period N after the
	// cohort's (Retained[0] is Size).
	Retained []int64
	// Rates[N] is Retained[N] divided by Size (0 for an empty cohort).
	Rates []float64
	// Observed is the number of periods, from 0, that had begun before the
	// range ended; later cells are not yet known and are 0.
	Observed int
}

// CurvePoint is the averaged retention at one period offset.
type CurvePoint struct {
	// Cohorts is the number of cohorts averaged.
	Cohorts int
	// Weighted is the sum of the members retained divided by the sum of
	// the cohorts' sizes; Simple is the plain mean of the cohorts' rates
	// (PostHog's "weighted" and "simple" means).
	Weighted float64
	Simple   float64
}

// Run computes the retention of the members of t, with cohorts in the
// periods that hold the days from and to (inclusive), and return events
// observed until the end of the period holding to or now, whichever comes
// first. A zero now observes everything in the table.
//
// A nil t reads as an empty table: every cohort is empty. A retention that
// does not validate, and days that are not valid (years 0001 to 9999) with
// from <= to, are refused with an error matching [qun.ErrInvalid].
func (r Retention) Run(t *Table, from, to qun.Date, now time.Time) (RetentionResult, error) {
	if err := r.Validate(); err != nil {
		return RetentionResult{}, err
	}
	if !from.IsValid() || !to.IsValid() || to.Before(from) {
		return RetentionResult{}, qun.Invalid("", "want valid days from <= to")
	}
	if t == nil {
		t = new(Table)
	}
	nPeriods := r.Periods
	if nPeriods == 0 {
		nPeriods = DefaultPeriods
	}
	// Cover the cohorts and the periods after them that can be followed.
	last := r.Calendar.PeriodOn(r.Grain, to).Add(nPeriods - 1).Last()
	ps := newPeriods(r.Calendar, r.Grain, from, last)
	nCohorts := ps.len() - (nPeriods - 1)
	end := ps.starts[nCohorts] // the end of the last cohort's period
	if !now.IsZero() {
		end = min(end, ceilMicro(now))
	}
	res := RetentionResult{Cohorts: make([]Cohort, nCohorts)}
	for c := range res.Cohorts {
		co := &res.Cohorts[c]
		co.Period = ps.period(c)
		co.Retained = make([]int64, nPeriods)
		co.Rates = make([]float64, nPeriods)
		for co.Observed < nPeriods && c+co.Observed < ps.len() && ps.starts[c+co.Observed] < end {
			co.Observed++
		}
	}

	start := newFilterSet(t, []qun.EventFilter{r.Start})
	ret := newFilterSet(t, nil)
	if r.Return.Name != "" {
		ret = newFilterSet(t, []qun.EventFilter{r.Return})
	}
	var keep []bool
	if !ret.any && !r.FromJoined {
		keep = make([]bool, len(t.names.strs))
		for i := range keep {
			keep[i] = start.keep[i] || ret.keep[i]
		}
	} else if !ret.any {
		keep = ret.keep
	}
	returned := make([]bool, ps.len())
	var seen []bool // FromJoined: members with events
	if r.FromJoined {
		seen = make([]bool, len(t.members))
	}
	var cohorts []int
	var g grouper
	visit := func(run *memberRun) {
		cohorts = cohorts[:0]
		clear(returned)
		firstSeen := false
		p := -2
		for i, at := range run.times {
			p = ps.after(p, at)
			if !r.FromJoined && start.match(t, run, i) {
				if !firstSeen || r.Recurring {
					if p >= 0 && p < nCohorts && (len(cohorts) == 0 || cohorts[len(cohorts)-1] != p) {
						cohorts = append(cohorts, p)
					}
				}
				firstSeen = true
			}
			if p >= 0 && p < ps.len() && at < end && ret.match(t, run, i) {
				returned[p] = true
			}
		}
		if r.FromJoined {
			seen[run.member] = true
			if j := t.joined[run.member]; j != noJoined {
				if p := ps.of(j); p >= 0 && p < nCohorts {
					cohorts = append(cohorts, p)
				}
			}
		}
		for _, c := range cohorts {
			co := &res.Cohorts[c]
			co.Size++
			co.Retained[0]++
			latest := 0
			for n := 1; n < nPeriods && c+n < ps.len(); n++ {
				if returned[c+n] {
					latest = n
					if !r.OnOrAfter {
						co.Retained[n]++
					}
				}
			}
			if r.OnOrAfter {
				for n := 1; n <= latest; n++ {
					co.Retained[n]++
				}
			}
		}
	}
	g.each(t, keep, visit)
	if r.FromJoined {
		// Members who joined but did nothing are in their cohorts too.
		for m, j := range t.joined {
			if j == noJoined || seen[m] {
				continue
			}
			if p := ps.of(j); p >= 0 && p < nCohorts {
				res.Cohorts[p].Size++
				res.Cohorts[p].Retained[0]++
			}
		}
	}
	res.Curve = make([]CurvePoint, nPeriods)
	sizes := make([]int64, nPeriods)
	retained := make([]int64, nPeriods)
	for c := range res.Cohorts {
		co := &res.Cohorts[c]
		for n := range nPeriods {
			co.Rates[n] = ratio(co.Retained[n], co.Size)
			if co.Size > 0 && n < co.Observed {
				cp := &res.Curve[n]
				cp.Cohorts++
				cp.Simple += co.Rates[n]
				sizes[n] += co.Size
				retained[n] += co.Retained[n]
			}
		}
	}
	for n := range res.Curve {
		cp := &res.Curve[n]
		if cp.Cohorts > 0 {
			cp.Simple /= float64(cp.Cohorts)
		}
		cp.Weighted = ratio(retained[n], sizes[n])
	}
	return res, nil
}
