package calendar

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/calendar/rrule"
)

// Phase is one step of an event's timeline (活动): a name, a day offset
// from the event day (−7 is a week before, +1 the day after) and a time of
// day. Offsets are calendar days in the timeline's zone, so a phase stays
// at its time of day across a DST change.
type Phase struct {
	// Name names the phase in its [Task]: "announce", "live". It must
	// not be empty; names need not be distinct.
	Name string `json:"name"`
	// Days is the phase's offset from the event day in calendar days:
	// negative before, 0 on the day, positive after. It must be within
	// 366 days either way.
	Days int `json:"days"`
	// At is the phase's time of day in the zone passed to
	// [Timeline.Tasks], "20:00" in JSON. A time a DST change skips is read as
	// [qun.Date.At] reads it (02:30 on a spring-forward night is 03:30).
	At Clock `json:"at"`
}

// Timeline is a template of phases that turns an event day into dated
// tasks. Operators plan an event as goal, plan, budget, promotion,
// execution, review and follow-up, each with its lead time;
// [LaunchTimeline] is the usual one.
type Timeline struct {
	// Name names the timeline in errors: "launch". It may be empty.
	Name string `json:"name"`
	// Phases are the steps, at least one, in any order: tasks come out
	// in time order.
	Phases []Phase `json:"phases"`
}

// LaunchTimeline is the usual timeline of an event or product launch:
// announce a week before, warm up three days before, remind the day
// before, go live on the day, review the day after and follow up three
// days after.
func LaunchTimeline() Timeline {
	return Timeline{Name: "launch", Phases: []Phase{
		{Name: "announce", Days: -7, At: Clock{10, 0}},
		{Name: "warm-up", Days: -3, At: Clock{20, 0}},
		{Name: "reminder", Days: -1, At: Clock{20, 0}},
		{Name: "live", Days: 0, At: Clock{20, 0}},
		{Name: "review", Days: 1, At: Clock{10, 0}},
		{Name: "follow-up", Days: 3, At: Clock{10, 0}},
	}}
}

// Validate reports whether every phase has a name and a time of day, with
// offsets within a year of the event.
func (tl Timeline) Validate() error {
	var errs []error
	if len(tl.Phases) == 0 {
		errs = append(errs, qun.Invalid("phases", "must not be empty"))
	}
	for i, p := range tl.Phases {
		f := "phases[" + strconv.Itoa(i) + "]"
		if p.Name == "" {
			errs = append(errs, qun.Invalid(f+".name", "must not be empty"))
		}
		if p.Days < -366 || p.Days > 366 {
			errs = append(errs, qun.Invalid(f+".days", "must be within 366 days of the event"))
		}
		if !p.At.IsValid() {
			errs = append(errs, qun.Invalid(f+".at", "must be a time of day"))
		}
	}
	return errors.Join(errs...)
}

// Task is a phase of a timeline, dated.
type Task struct {
	// Phase is the [Phase.Name] of the phase.
	Phase string `json:"phase"`
	// Date is the task's day: the event day plus the phase's Days.
	Date qun.Date `json:"date"`
	// At is the instant the task is due: the phase's time of day on Date
	// in the zone passed to [Timeline.Tasks], and given in that zone.
	At time.Time `json:"at"`
}

// Tasks dates the timeline's phases for an event on day, in zone, in time
// order (phases on the same instant keep their order).
func (tl Timeline) Tasks(day qun.Date, zone qun.Zone) ([]Task, error) {
	if err := tl.Validate(); err != nil {
		return nil, fmt.Errorf("calendar: timeline %s: %w", tl.Name, err)
	}
	if !day.IsValid() {
		return nil, fmt.Errorf("calendar: timeline %s: %w", tl.Name, qun.Invalid("day", "must be a date"))
	}
	loc := zone.Location()
	tasks := make([]Task, len(tl.Phases))
	for i, p := range tl.Phases {
		d := day.AddDays(p.Days)
		tasks[i] = Task{Phase: p.Name, Date: d, At: p.At.On(d, loc)}
	}
	// A stable insertion sort: timelines are short.
	for i := 1; i < len(tasks); i++ {
		for j := i; j > 0 && tasks[j].At.Before(tasks[j-1].At); j-- {
			tasks[j], tasks[j-1] = tasks[j-1], tasks[j]
		}
	}
	return tasks, nil
}

// ReviewCadence returns the recurrence of a community's reviews at its
// stage (DOMAIN §1): weekly while Building, monthly in Growth, quarterly
// when Mature, starting at start in zone. A Declining community is
// reviewed weekly, as a new one is: decline shows first in metrics that
// move week to week (activity, silent members), a declining community can
// still return to Growth, and a quarterly review would see the loss only
// after it happened. An unknown stage is an error.
func ReviewCadence(stage qun.Stage, start rrule.DateTime, zone qun.Zone) (rrule.Recurrence, error) {
	rule := rrule.Rule{}
	switch stage {
	case qun.Building, qun.Declining:
		rule.Freq = rrule.Weekly
	case qun.Growth:
		rule.Freq = rrule.Monthly
	case qun.Mature:
		rule.Freq, rule.Interval = rrule.Monthly, 3
	default:
		return rrule.Recurrence{}, fmt.Errorf("calendar: review cadence: %w", qun.Invalid("stage", "must be building, growth, mature or declining"))
	}
	rec := rrule.Recurrence{Start: start, Zone: zone, Rule: rule}
	if err := rec.Validate(); err != nil {
		return rrule.Recurrence{}, fmt.Errorf("calendar: review cadence: %w", err)
	}
	return rec, nil
}
