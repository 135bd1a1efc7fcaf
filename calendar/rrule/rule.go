package rrule

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/qunkit/qun"
)

// Freq is how often a rule repeats: the FREQ rule part.
type Freq uint8

// The frequencies, shortest first. The zero Freq is no rule at all.
const (
	Secondly Freq = iota + 1
	Minutely
	Hourly
	Daily
	Weekly
	Monthly
	Yearly
)

var freqNames = [...]string{
	Secondly: "SECONDLY", Minutely: "MINUTELY", Hourly: "HOURLY", Daily: "DAILY",
	Weekly: "WEEKLY", Monthly: "MONTHLY", Yearly: "YEARLY",
}

// IsValid reports whether f is one of the seven frequencies.
func (f Freq) IsValid() bool { return f >= Secondly && f <= Yearly }

// String returns the frequency's RFC 5545 name, "SECONDLY" to "YEARLY".
func (f Freq) String() string {
	if !f.IsValid() {
		return fmt.Sprintf("Freq(%d)", uint8(f))
	}
	return freqNames[f]
}

// subDaily reports whether f steps in elapsed time (see the package doc).
func (f Freq) subDaily() bool { return f <= Hourly }

// Day is a day of the week as recurrence rules name them, MO to SU. It is
// its own type, not time.Weekday, so that the zero value can mean "not
// given": a Rule whose WeekStart is zero begins its weeks on Monday, as RFC
// 5545 says, while time.Weekday's zero is Sunday.
type Day uint8

// The days, Monday first as in RFC 5545's default week.
const (
	MO Day = iota + 1
	TU
	WE
	TH
	FR
	SA
	SU
)

var dayNames = [...]string{MO: "MO", TU: "TU", WE: "WE", TH: "TH", FR: "FR", SA: "SA", SU: "SU"}

// DayOf returns the Day of a time.Weekday.
func DayOf(w time.Weekday) Day {
	if w == time.Sunday {
		return SU
	}
	return Day(w)
}

// IsValid reports whether d is MO to SU.
func (d Day) IsValid() bool { return d >= MO && d <= SU }

// Weekday returns d as a time.Weekday; the zero Day is Monday, the default
// week start.
func (d Day) Weekday() time.Weekday {
	switch {
	case d == SU:
		return time.Sunday
	case d.IsValid():
		return time.Weekday(d)
	}
	return time.Monday
}

// String returns "MO" to "SU".
func (d Day) String() string {
	if !d.IsValid() {
		return fmt.Sprintf("Day(%d)", uint8(d))
	}
	return dayNames[d]
}

// Weekday is one entry of BYDAY: a day of the week, and optionally its
// ordinal N within the month or year, so {N: -1, Day: FR} is "-1FR", the
// last Friday. N is 0 for every such day ("FR").
type Weekday struct {
	// N is the ordinal: 1 for the first such day, 2 for the second, -1
	// for the last, within the month (in a MONTHLY rule, or a YEARLY one
	// with BYMONTH) or the year (in a YEARLY rule without BYMONTH). 0 is
	// every such day. It is -53 to 53, and may be other than 0 only in a
	// MONTHLY rule, or a YEARLY rule without BYWEEKNO. An ordinal past the
	// days there are (5MO in a month of four Mondays) selects none.
	N int
	// Day is the day of the week, MO to SU; the zero Day is refused.
	Day Day
}

// String writes w as BYDAY does: "MO", "1MO", "-1FR".
func (w Weekday) String() string {
	if w.N == 0 {
		return w.Day.String()
	}
	return strconv.Itoa(w.N) + w.Day.String()
}

// Rule is a recurrence rule, the value of an RRULE line: a frequency, an
// interval, an end (a count or an instant), and BYxxx parts that expand or
// limit the occurrences, as RFC 5545 §3.3.10 defines them. A nil or empty
// list means the part is absent. Information the rule leaves out (the time
// of day, the day of the month) comes from the recurrence's start, as the
// RFC says; see [Recurrence].
//
// The zero Rule has no frequency and means "no rule"; a Rule with one is
// valid when [Rule.Validate] says so.
type Rule struct {
	// Freq is how often the rule repeats.
	Freq Freq
	// Interval is the number of Freq periods between repetitions; 0 and 1
	// both mean every period, and 0 is not written.
	Interval int
	// Count ends the rule after this many occurrences; 0 means no count.
	Count int
	// Until ends the rule after this instant, inclusive; the zero time
	// means no end. It is written in UTC, as RFC 5545 requires when the
	// start has a time zone, and must be a whole second.
	Until time.Time
	// BySecond lists seconds of the minute, 0 to 60 (60 reads as second 0
	// of the next minute, since Go's time has no leap seconds).
	BySecond []int
	// ByMinute lists minutes of the hour, 0 to 59.
	ByMinute []int
	// ByHour lists hours of the day, 0 to 23.
	ByHour []int
	// ByDay lists days of the week, with ordinals in a MONTHLY or YEARLY
	// rule.
	ByDay []Weekday
	// ByMonthDay lists days of the month, 1 to 31 or -31 to -1 (from the
	// end).
	ByMonthDay []int
	// ByYearDay lists days of the year, 1 to 366 or -366 to -1.
	ByYearDay []int
	// ByWeekNo lists weeks of the year, 1 to 53 or -53 to -1, numbered as
	// ISO 8601 numbers them but with weeks beginning on WeekStart.
	ByWeekNo []int
	// ByMonth lists months of the year.
	ByMonth []time.Month
	// BySetPos picks occurrences by position within each period's set,
	// 1 to 366 or -366 to -1.
	BySetPos []int
	// WeekStart is the day weeks begin on (WKST); zero means Monday and
	// is not written.
	WeekStart Day
}

// MaxInterval is the largest INTERVAL a rule may have, and MaxCount the
// largest COUNT. Larger values are refused, since no schedule needs them
// and they would make period arithmetic overflow.
const (
	MaxInterval = 1 << 20
	MaxCount    = 1 << 30
)

// IsZero reports whether r is the zero Rule, "no rule".
func (r Rule) IsZero() bool {
	return r.Freq == 0 && r.Interval == 0 && r.Count == 0 && r.Until.IsZero() && !r.hasBy() &&
		len(r.BySetPos) == 0 && r.WeekStart == 0
}

func (r Rule) hasBy() bool {
	return len(r.BySecond)+len(r.ByMinute)+len(r.ByHour)+len(r.ByDay)+len(r.ByMonthDay)+
		len(r.ByYearDay)+len(r.ByWeekNo)+len(r.ByMonth) > 0
}

// Validate reports every way r breaks RFC 5545 §3.3.10, joined with
// errors.Join, each a [*qun.ValidationError] naming the rule part in lower
// case ("count", "by_day[2]").
func (r Rule) Validate() error {
	var errs []error
	bad := func(field, format string, args ...any) { errs = append(errs, qun.Invalid(field, format, args...)) }
	if !r.Freq.IsValid() {
		bad("freq", "must be SECONDLY, MINUTELY, HOURLY, DAILY, WEEKLY, MONTHLY or YEARLY")
	}
	if r.Interval < 0 || r.Interval > MaxInterval {
		bad("interval", "must be 1 to %d", MaxInterval)
	}
	if r.Count < 0 || r.Count > MaxCount {
		bad("count", "must be 1 to %d", MaxCount)
	}
	if r.Count > 0 && !r.Until.IsZero() {
		bad("until", "must not be given with count")
	}
	if !r.Until.IsZero() && (r.Until.Nanosecond() != 0 || r.Until.Year() < 1 || r.Until.Year() > 9999) {
		bad("until", "must be a whole second in the years 0001 to 9999")
	}
	ints := func(field string, list []int, lo, hi int, neg bool) {
		for i, v := range list {
			if v < -hi || v > hi || v == 0 && lo > 0 || !neg && v < lo {
				if neg {
					bad(fmt.Sprintf("%s[%d]", field, i), "must be %d to %d or %d to %d", lo, hi, -hi, -lo)
				} else {
					bad(fmt.Sprintf("%s[%d]", field, i), "must be %d to %d", lo, hi)
				}
			}
		}
	}
	ints("by_second", r.BySecond, 0, 60, false)
	ints("by_minute", r.ByMinute, 0, 59, false)
	ints("by_hour", r.ByHour, 0, 23, false)
	ints("by_month_day", r.ByMonthDay, 1, 31, true)
	ints("by_year_day", r.ByYearDay, 1, 366, true)
	ints("by_week_no", r.ByWeekNo, 1, 53, true)
	ints("by_set_pos", r.BySetPos, 1, 366, true)
	for i, m := range r.ByMonth {
		if m < time.January || m > time.December {
			bad(fmt.Sprintf("by_month[%d]", i), "must be 1 to 12")
		}
	}
	for i, w := range r.ByDay {
		field := fmt.Sprintf("by_day[%d]", i)
		switch {
		case !w.Day.IsValid():
			bad(field, "must be a day MO to SU")
		case w.N < -53 || w.N > 53:
			bad(field, "the ordinal must be 1 to 53 or -53 to -1")
		case w.N != 0 && r.Freq != Monthly && r.Freq != Yearly:
			bad(field, "an ordinal is allowed only in a MONTHLY or YEARLY rule")
		case w.N != 0 && r.Freq == Yearly && len(r.ByWeekNo) > 0:
			bad(field, "an ordinal is not allowed with BYWEEKNO")
		}
	}
	if len(r.ByMonthDay) > 0 && r.Freq == Weekly {
		bad("by_month_day", "is not allowed in a WEEKLY rule")
	}
	if len(r.ByYearDay) > 0 && (r.Freq == Daily || r.Freq == Weekly || r.Freq == Monthly) {
		bad("by_year_day", "is not allowed in a DAILY, WEEKLY or MONTHLY rule")
	}
	if len(r.ByWeekNo) > 0 && r.Freq != Yearly {
		bad("by_week_no", "is allowed only in a YEARLY rule")
	}
	if len(r.BySetPos) > 0 && !r.hasBy() {
		bad("by_set_pos", "must be used with another BYxxx rule part")
	}
	if r.WeekStart != 0 && !r.WeekStart.IsValid() {
		bad("week_start", "must be a day MO to SU")
	}
	return errors.Join(errs...)
}
