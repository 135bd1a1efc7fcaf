package rrule

import (
	"errors"
	"fmt"
	"time"

	"github.com/qunkit/qun"
)

// DateTime is a reading of a wall clock: a date and a time of day to the
// second, with no time zone. A recurrence starts at a DateTime in its zone,
// and expands in DateTimes before each becomes an instant.
type DateTime struct {
	// Date is the calendar date, in the years 0001 to 9999 for a valid
	// DateTime. The zero Date makes the zero DateTime invalid.
	Date qun.Date
	// Hour (0 to 23), Minute (0 to 59) and Second (0 to 59) are the time
	// of day. There is no second 60: Go's time has no leap seconds.
	Hour, Minute, Second int
}

// IsValid reports whether dt is a real date with a time of day from
// 00:00:00 to 23:59:59.
func (dt DateTime) IsValid() bool {
	return dt.Date.IsValid() && dt.Hour >= 0 && dt.Hour < 24 && dt.Minute >= 0 && dt.Minute < 60 &&
		dt.Second >= 0 && dt.Second < 60
}

// In returns the instant at which a clock in loc reads dt, as
// [qun.Date.At] resolves it: a time skipped by a DST change is read with the
// offset before the change, a repeated one is its first occurrence.
func (dt DateTime) In(loc *time.Location) time.Time {
	return dt.Date.At(dt.Hour, dt.Minute, dt.Second, 0, loc)
}

// String writes dt as RFC 5545 writes a local DATE-TIME: "19970902T090000".
func (dt DateTime) String() string {
	return fmt.Sprintf("%04d%02d%02dT%02d%02d%02d", dt.Date.Year, int(dt.Date.Month), dt.Date.Day, dt.Hour, dt.Minute, dt.Second)
}

// DateTimeOf returns the wall clock reading of t in its own location.
func DateTimeOf(t time.Time) DateTime {
	return DateTime{qun.DateOf(t), t.Hour(), t.Minute(), t.Second()}
}

// wall returns dt as seconds since 1970-01-01T00:00:00 on a clock with no
// time zone: the coordinate the expansion works in.
func (dt DateTime) wall() int64 {
	return dayNumber(dt.Date)*86400 + int64(dt.Hour*3600+dt.Minute*60+dt.Second)
}

// Recurrence is a recurrence set (RFC 5545 §3.8.5): the start (DTSTART) in
// a time zone, an optional rule (RRULE), dates added (RDATE) and dates
// excluded (EXDATE). The set is the start, every occurrence of the rule
// and every added date, less the excluded ones, with duplicates counted
// once.
//
// Its text form, which [Parse] reads and [Recurrence.String] writes, is
// that of iCalendar:
//
//	DTSTART;TZID=Asia/Shanghai:20261123T062000
//	RRULE:FREQ=DAILY
//
// and its JSON form is that text as a JSON string.
//
// Compile a Recurrence once with [Recurrence.Compile] to expand it.
type Recurrence struct {
	// Start is the first occurrence, a wall clock reading in Zone
	// (DTSTART). It supplies what the rule leaves out: the time of day,
	// the day of the month, the weekday.
	Start DateTime
	// Zone is the time zone the recurrence expands in: the TZID of
	// DTSTART, or UTC (written with a trailing Z).
	Zone qun.Zone
	// Rule is the recurrence rule; the zero Rule means none, so that the
	// set is the start and the added dates.
	Rule Rule
	// RDates are instants added to the set, in any order.
	RDates []time.Time
	// ExDates are instants removed from the set: an occurrence is removed
	// when it is the same instant as one of them.
	ExDates []time.Time
}

// Validate reports every problem with r, joined: the start must be a valid
// date and time, the rule valid (fields under "rule"), and the added and
// excluded dates whole seconds in the years 0001 to 9999.
func (r Recurrence) Validate() error {
	var errs []error
	if !r.Start.IsValid() {
		errs = append(errs, qun.Invalid("start", "must be a date from 0001 to 9999 and a time from 00:00:00 to 23:59:59"))
	}
	if !r.Rule.IsZero() {
		errs = append(errs, qun.Within("rule", r.Rule.Validate()))
	}
	instants := func(field string, list []time.Time) {
		for i, t := range list {
			if t.Nanosecond() != 0 || t.Year() < 1 || t.Year() > 9999 {
				errs = append(errs, qun.Invalid(fmt.Sprintf("%s[%d]", field, i), "must be a whole second in the years 0001 to 9999"))
			}
		}
	}
	instants("rdates", r.RDates)
	instants("exdates", r.ExDates)
	return errors.Join(errs...)
}

// MarshalText writes r's text form; it refuses an invalid recurrence.
func (r Recurrence) MarshalText() ([]byte, error) {
	if err := r.Validate(); err != nil {
		return nil, fmt.Errorf("rrule: marshal recurrence: %w", err)
	}
	return []byte(r.String()), nil
}

// UnmarshalText reads r as [Parse] does.
func (r *Recurrence) UnmarshalText(text []byte) error {
	v, err := Parse(string(text))
	if err != nil {
		return err
	}
	*r = v
	return nil
}

// dayNumber returns the number of days from 1970-01-01 to d.
func dayNumber(d qun.Date) int64 { return qun.Period{Grain: qun.Day, First: d}.Index() }

// dateOfDay is the inverse of dayNumber.
func dateOfDay(n int64) qun.Date { return qun.Calendar{}.PeriodAt(qun.Day, n).First }
