package qun

import (
	"cmp"
	"fmt"
	"time"
)

// Date is a day on the calendar, such as 2026-11-22, with no time of day and
// no time zone: the day a member sees on their phone. Holidays, blackout
// dates, streak days and campaign days are Dates. [Calendar.Date] tells the
// Date of an instant in a time zone, and [Date.At] the instant of a wall
// clock time on a Date.
//
// The zero Date is not a valid date; it stands for "no date" and writes as
// empty text. Methods that do arithmetic normalize an invalid Date the way
// time.Date does (February 30 is March 2).
type Date struct {
	Year  int        // 1 to 9999 for a valid Date
	Month time.Month // January = 1
	Day   int        // 1 to 31
}

// DateOf returns the date of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate reads a date written as RFC 3339 writes one, "2026-11-22",
// refusing anything else with a [*SyntaxError].
func ParseDate(s string) (Date, error) {
	d, err := parseDate(s)
	if err != nil {
		return Date{}, fmt.Errorf("qun: parse date %q: %w", s, err)
	}
	return d, nil
}

func parseDate(s string) (Date, error) {
	const layout = "dddd-dd-dd"
	for i := 0; i < len(layout); i++ {
		if i >= len(s) {
			return Date{}, SyntaxErrorAt(s, i, "want a date written YYYY-MM-DD")
		}
		if layout[i] == 'd' && (s[i] < '0' || s[i] > '9') || layout[i] == '-' && s[i] != '-' {
			return Date{}, SyntaxErrorAt(s, i, "want a date written YYYY-MM-DD")
		}
	}
	if len(s) > len(layout) {
		return Date{}, SyntaxErrorAt(s, len(layout), "unexpected text after the date")
	}
	num := func(from, to int) int {
		n := 0
		for _, c := range s[from:to] {
			n = n*10 + int(c-'0')
		}
		return n
	}
	d := Date{num(0, 4), time.Month(num(5, 7)), num(8, 10)}
	switch {
	case d.Year < 1:
		return Date{}, SyntaxErrorAt(s, 0, "year must be 0001 or later")
	case d.Month < 1 || d.Month > 12:
		return Date{}, SyntaxErrorAt(s, 5, "month must be 01 to 12")
	case d.Day < 1 || d.Day > daysIn(d.Year, d.Month):
		return Date{}, SyntaxErrorAt(s, 8, "%s %d has %d days", d.Month, d.Year, daysIn(d.Year, d.Month))
	}
	return d, nil
}

// IsValid reports whether d is a real date in the years 1 to 9999.
func (d Date) IsValid() bool {
	return d.Year >= 1 && d.Year <= 9999 && d.Month >= 1 && d.Month <= 12 &&
		d.Day >= 1 && d.Day <= daysIn(d.Year, d.Month)
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// String writes d as "2026-11-22", and the zero Date as "".
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// MarshalText writes d as [Date.String] does. It refuses a Date that is
// neither valid nor zero, since it would not read back.
func (d Date) MarshalText() ([]byte, error) {
	if !d.IsZero() && !d.IsValid() {
		return nil, fmt.Errorf("qun: marshal date %04d-%02d-%02d: %w", d.Year, int(d.Month), d.Day,
			Invalid("", "not a date between 0001-01-01 and 9999-12-31"))
	}
	return []byte(d.String()), nil
}

// UnmarshalText reads d as [ParseDate] does; empty text is the zero Date.
func (d *Date) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(text))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// AddDays returns the date n days after d (before it, for negative n).
func (d Date) AddDays(n int) Date { return dateFromDays(d.days() + int64(n)) }

// DaysSince returns the number of days from o to d: positive when d is
// later.
func (d Date) DaysSince(o Date) int { return int(d.days() - o.days()) }

// Compare returns -1, 0 or +1 as d is before, equal to, or after o.
func (d Date) Compare(o Date) int {
	if c := cmp.Compare(d.Year, o.Year); c != 0 {
		return c
	}
	if c := cmp.Compare(d.Month, o.Month); c != 0 {
		return c
	}
	return cmp.Compare(d.Day, o.Day)
}

// Before reports whether d is before o.
func (d Date) Before(o Date) bool { return d.Compare(o) < 0 }

// After reports whether d is after o.
func (d Date) After(o Date) bool { return d.Compare(o) > 0 }

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday {
	// 1970-01-01 was a Thursday.
	return time.Weekday(floorMod(d.days()+int64(time.Thursday), 7))
}

// Start returns the first instant of d in loc (a nil loc is UTC): local
// midnight, or, where the clocks skip midnight for a DST change (as in
// America/Santiago or, until 2019, America/Sao_Paulo), the instant the day
// begins. A day the clocks skip entirely (2011-12-30 in Pacific/Apia)
// begins and ends at the same instant.
func (d Date) Start(loc *time.Location) time.Time {
	t := d.At(0, 0, 0, 0, loc)
	// Where the clocks jumped over midnight itself (23:30 to 00:30, as in
	// America/Toronto in 1919), the day began at the jump, before the
	// instant At gives for the skipped 00:00.
	if start, _ := t.ZoneBounds(); !start.IsZero() && start.Before(t) && DateOf(start) == d &&
		DateOf(start.Add(-time.Nanosecond)).Before(d) {
		return start
	}
	return t
}

// At returns the instant at which a wall clock in loc (a nil loc is UTC)
// reads the given time of day on d. Values out of range are normalized as
// time.Date normalizes them (hour 24 is midnight of the next day).
//
// Unlike time.Date, which leaves the choice unspecified, At decides the two
// cases that DST changes create, as RFC 5545 §3.3.5 does for recurring
// events: a wall time that does not exist, skipped when the clocks moved
// forward, is read with the UTC offset in force before the change, so 02:30
// on the spring-forward day in America/New_York is 03:30 EDT; a wall time
// that occurs twice, when the clocks moved back, is its first occurrence,
// so 01:30 on the fall-back day there is 01:30 EDT.
func (d Date) At(hour, minute, sec, nsec int, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	t := time.Date(d.Year, d.Month, d.Day, hour, minute, sec, nsec, loc)
	// wall is the clock reading as an instant in UTC: wall = t + offset(t)
	// exactly when t reads the wanted time.
	wall := time.Date(d.Year, d.Month, d.Day, hour, minute, sec, nsec, time.UTC)
	_, off := t.Zone()
	if t.Add(time.Duration(off) * time.Second).Equal(wall) {
		// The time exists. If the clocks were turned back in the two days
		// before t, it may have occurred already under an earlier offset:
		// take the earliest instant that reads the same.
		first := t
		start, _ := t.ZoneBounds()
		for !start.IsZero() && t.Sub(start) < 48*time.Hour {
			before := start.Add(-time.Nanosecond)
			_, prevOff := before.Zone()
			earlier := wall.Add(-time.Duration(prevOff) * time.Second).In(loc)
			if _, o := earlier.Zone(); o == prevOff && earlier.Before(first) {
				first = earlier
			}
			prev, _ := before.ZoneBounds()
			if !prev.Before(start) {
				break // bounds that do not go back (golang/go#81583)
			}
			start = prev
		}
		return first
	}
	// The time was skipped. time.Date read it with one of the two offsets
	// around the gap; the one in force before it is the smaller, since the
	// clocks moved forward.
	used := int(wall.Sub(t) / time.Second)
	return wall.Add(-time.Duration(min(used, off)) * time.Second).In(loc)
}

// days returns the number of days from 1970-01-01 to d.
func (d Date) days() int64 {
	// Howard Hinnant's days_from_civil, on years that begin in March so
	// that the leap day comes last.
	y, m := int64(d.Year), int64(d.Month)
	// Normalize the month first, as time.Date does.
	y += floorDiv(m-1, 12)
	m = floorMod(m-1, 12) + 1
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	doy := (153*((m+9)%12)+2)/5 + int64(d.Day) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// dateFromDays is the inverse of Date.days.
func dateFromDays(z int64) Date {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	day := doy - (153*mp+2)/5 + 1
	month := mp + 3
	if month > 12 {
		month -= 12
	}
	year := yoe + era*400
	if month <= 2 {
		year++
	}
	return Date{int(year), time.Month(month), int(day)}
}

// daysIn returns the number of days in the month.
func daysIn(year int, month time.Month) int {
	if month == time.February {
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	}
	return 30 + int((month+month/8)%2)
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func floorMod(a, b int64) int64 { return a - floorDiv(a, b)*b }
