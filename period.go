package qun

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Grain is the length of a calendar period: a day, a week, a month, a
// quarter or a year. The zero Grain is not valid.
type Grain uint8

// The grains, shortest first.
const (
	Day Grain = iota + 1
	Week
	Month
	Quarter
	Year
)

var grainNames = [...]string{Day: "day", Week: "week", Month: "month", Quarter: "quarter", Year: "year"}

// ParseGrain reads a grain's name: "day", "week", "month", "quarter" or
// "year".
func ParseGrain(s string) (Grain, error) {
	for g := Day; g <= Year; g++ {
		if grainNames[g] == s {
			return g, nil
		}
	}
	return 0, fmt.Errorf("qun: parse grain %q: %w", s, Invalid("", "%q is not a grain: want day, week, month, quarter or year", s))
}

// IsValid reports whether g is one of the five grains.
func (g Grain) IsValid() bool { return g >= Day && g <= Year }

// String returns the grain's name, "day" to "year".
func (g Grain) String() string {
	if !g.IsValid() {
		return fmt.Sprintf("Grain(%d)", uint8(g))
	}
	return grainNames[g]
}

// MarshalText writes the grain's name; it refuses an invalid grain.
func (g Grain) MarshalText() ([]byte, error) {
	if !g.IsValid() {
		return nil, fmt.Errorf("qun: marshal grain %d: %w", uint8(g), Invalid("", "not a grain"))
	}
	return []byte(grainNames[g]), nil
}

// UnmarshalText reads a grain's name as [ParseGrain] does.
func (g *Grain) UnmarshalText(text []byte) error {
	v, err := ParseGrain(string(text))
	if err != nil {
		return err
	}
	*g = v
	return nil
}

// Period is one calendar period: a day, a week, a month, a quarter or a
// year, named by its grain and its first day. It carries no time zone: the
// same Period begins at different instants in Shanghai and in New York, and
// [Period.Start] and [Period.End] take the location. [Calendar.Period] tells
// the Period an instant falls in.
//
// A Period is valid when its First day is a valid Date that begins a period
// of its grain: any day for Day and Week (a week begins on the weekday of
// its First day), the 1st of a month for Month, of January, April, July or
// October for Quarter, and January 1st for Year.
//
// Periods are comparable with ==. Their text forms are "2026-11-22" (day),
// "2026-11-16/P1W" (the week beginning on that day, in ISO 8601 interval
// notation), "2026-11" (month), "2026-Q4" (quarter) and "2026" (year).
type Period struct {
	// Grain is the period's length: day, week, month, quarter or year.
	Grain Grain
	// First is the period's first day, a date on which a period of Grain
	// can begin (see above).
	First Date
}

// IsValid reports whether p is a valid period, as described on [Period].
func (p Period) IsValid() bool {
	if !p.First.IsValid() {
		return false
	}
	switch p.Grain {
	case Day, Week:
		return true
	case Month:
		return p.First.Day == 1
	case Quarter:
		return p.First.Day == 1 && (p.First.Month-1)%3 == 0
	case Year:
		return p.First.Day == 1 && p.First.Month == time.January
	}
	return false
}

// Add returns the period n periods of the same grain after p (before it,
// for negative n).
func (p Period) Add(n int) Period {
	f := p.First
	switch p.Grain {
	case Day:
		f = f.AddDays(n)
	case Week:
		f = f.AddDays(7 * n)
	case Month:
		f = addMonths(f, n)
	case Quarter:
		f = addMonths(f, 3*n)
	case Year:
		f = addMonths(f, 12*n)
	}
	return Period{p.Grain, f}
}

// addMonths returns the date n months after d, whose Day must exist in
// every month (periods begin on the 1st).
func addMonths(d Date, n int) Date {
	m := int64(d.Year)*12 + int64(d.Month) - 1 + int64(n)
	return Date{int(floorDiv(m, 12)), time.Month(floorMod(m, 12) + 1), d.Day}
}

// Next returns the period after p.
func (p Period) Next() Period { return p.Add(1) }

// Last returns the last day of p.
func (p Period) Last() Date { return p.Next().First.AddDays(-1) }

// Days returns the number of calendar days in p.
func (p Period) Days() int { return p.Next().First.DaysSince(p.First) }

// Contains reports whether the day d falls in p.
func (p Period) Contains(d Date) bool {
	return !d.Before(p.First) && d.Before(p.Next().First)
}

// Start returns the first instant of p in loc (a nil loc is UTC).
func (p Period) Start(loc *time.Location) time.Time { return p.First.Start(loc) }

// End returns the first instant after p in loc, which is the Start of the
// next period: p covers the instants in [Start, End).
//
// Where the clocks were turned back across midnight, a local date occurs
// twice (America/St_Johns did it every autumn until 2011, at 00:01): the
// instants of the second run belong to the date by the wall clock, so
// [Calendar.Period] names that date's period for them, but they lie after
// its End. No zone's current rules do this.
func (p Period) End(loc *time.Location) time.Time { return p.Next().First.Start(loc) }

// Index returns the ordinal number of p among the periods of its grain, so
// that consecutive periods have consecutive indexes. Its epochs:
//
//	Day      days since 1970-01-01 (which is day 0)
//	Week     weeks since the week that holds 1970-01-01 (week 0, whatever
//	         day weeks begin on)
//	Month    months since January of year 0 (2026-11 is 24322)
//	Quarter  quarters since the first quarter of year 0
//	Year     the year
//
// Hosts use it to bucket and to count runs (a streak of days is a run of
// consecutive day indexes). [Calendar.PeriodAt] is its inverse.
func (p Period) Index() int64 {
	switch p.Grain {
	case Day:
		return p.First.days()
	case Week:
		return floorDiv(p.First.days()-weekAnchor(p.First.Weekday()), 7)
	case Month:
		return int64(p.First.Year)*12 + int64(p.First.Month) - 1
	case Quarter:
		return int64(p.First.Year)*4 + int64(p.First.Month-1)/3
	case Year:
		return int64(p.First.Year)
	}
	return 0
}

// weekAnchor returns the day number (days since 1970-01-01) of the first
// day of the week that holds 1970-01-01, for weeks that begin on start: the
// last such weekday on or before that Thursday.
func weekAnchor(start time.Weekday) int64 {
	return -floorMod(int64(time.Thursday)-int64(start), 7)
}

// String writes p in its text form (see [Period]).
func (p Period) String() string {
	f := p.First
	switch p.Grain {
	case Day:
		return f.String()
	case Week:
		return f.String() + "/P1W"
	case Month:
		return fmt.Sprintf("%04d-%02d", f.Year, int(f.Month))
	case Quarter:
		return fmt.Sprintf("%04d-Q%d", f.Year, (int(f.Month)-1)/3+1)
	case Year:
		return fmt.Sprintf("%04d", f.Year)
	}
	return fmt.Sprintf("Period(%v, %v)", p.Grain, f)
}

// ParsePeriod reads a period in its text form (see [Period]), refusing
// anything else with a [*SyntaxError].
func ParsePeriod(s string) (Period, error) {
	p, err := parsePeriod(s)
	if err != nil {
		return Period{}, fmt.Errorf("qun: parse period %q: %w", s, err)
	}
	return p, nil
}

func parsePeriod(s string) (Period, error) {
	const want = "want 2026-11-22, 2026-11-16/P1W, 2026-11, 2026-Q4 or 2026"
	if len(s) < 4 {
		return Period{}, SyntaxErrorAt(s, 0, want)
	}
	for i := range 4 {
		if s[i] < '0' || s[i] > '9' {
			return Period{}, SyntaxErrorAt(s, i, want)
		}
	}
	year := int(s[0]-'0')*1000 + int(s[1]-'0')*100 + int(s[2]-'0')*10 + int(s[3]-'0')
	if year < 1 {
		return Period{}, SyntaxErrorAt(s, 0, "year must be 0001 or later")
	}
	rest := s[4:]
	switch {
	case rest == "":
		return Period{Year, Date{year, time.January, 1}}, nil
	case len(rest) == 3 && rest[:2] == "-Q" && rest[2] >= '1' && rest[2] <= '4':
		return Period{Quarter, Date{year, time.Month(3*int(rest[2]-'1') + 1), 1}}, nil
	case strings.HasPrefix(rest, "-Q"):
		return Period{}, SyntaxErrorAt(s, 6, "quarter must be Q1 to Q4")
	case len(rest) == 3:
		if rest[0] != '-' || rest[1] < '0' || rest[1] > '9' || rest[2] < '0' || rest[2] > '9' {
			return Period{}, SyntaxErrorAt(s, 4, want)
		}
		m := time.Month(int(rest[1]-'0')*10 + int(rest[2]-'0'))
		if m < 1 || m > 12 {
			return Period{}, SyntaxErrorAt(s, 5, "month must be 01 to 12")
		}
		return Period{Month, Date{year, m, 1}}, nil
	}
	day, week := s, false
	if before, ok := strings.CutSuffix(s, "/P1W"); ok {
		day, week = before, true
	}
	d, err := parseDate(day)
	if err != nil {
		return Period{}, err
	}
	if week {
		return Period{Week, d}, nil
	}
	return Period{Day, d}, nil
}

// MarshalText writes p's text form; it refuses an invalid period.
func (p Period) MarshalText() ([]byte, error) {
	if !p.IsValid() {
		return nil, fmt.Errorf("qun: marshal period %v: %w", p, Invalid("", "not a valid period"))
	}
	return []byte(p.String()), nil
}

// UnmarshalText reads p as [ParsePeriod] does.
func (p *Period) UnmarshalText(text []byte) error {
	v, err := ParsePeriod(string(text))
	if err != nil {
		return err
	}
	*p = v
	return nil
}

// Calendar is the local calendar in which periods are counted: a time zone,
// and the day on which weeks begin. A member's day for a daily points cap or
// a check-in streak, a community's week for a leaderboard, the days that
// bucket DAU: each is a [Period] of a Calendar.
//
// The zero Calendar counts in UTC with weeks that begin on Sunday (the zero
// time.Weekday). Communities in China, and ISO 8601, begin weeks on Monday:
// set WeekStart to time.Monday.
//
// Its JSON form is {"zone":"Asia/Shanghai","week_start":"monday"}.
type Calendar struct {
	// Zone is the IANA time zone in which days begin and end; the zero
	// Zone is UTC.
	Zone Zone
	// WeekStart is the first day of a week; the zero value is Sunday.
	WeekStart time.Weekday
}

// Validate reports whether the zone can be written as text (see
// [Zone.Validate]) and WeekStart is a day of the week.
func (c Calendar) Validate() error {
	var errs []error
	errs = append(errs, Within("zone", c.Zone.Validate()))
	if c.WeekStart < time.Sunday || c.WeekStart > time.Saturday {
		errs = append(errs, Invalid("week_start", "must be a day of the week, sunday to saturday"))
	}
	return errors.Join(errs...)
}

// Equal reports whether c and o count periods alike: the same zone (by
// [Zone.Equal]) and the same week start. == compares zones' loaded data.
func (c Calendar) Equal(o Calendar) bool {
	return c.Zone.Equal(o.Zone) && c.WeekStart == o.WeekStart
}

// Location returns the calendar's time zone as a *time.Location.
func (c Calendar) Location() *time.Location { return c.Zone.Location() }

// Date returns the local date of t.
func (c Calendar) Date(t time.Time) Date { return DateOf(t.In(c.Location())) }

// Period returns the period of grain g that holds the instant t.
func (c Calendar) Period(g Grain, t time.Time) Period { return c.PeriodOn(g, c.Date(t)) }

// PeriodOn returns the period of grain g that holds the day d. An invalid
// grain gives the zero Period.
func (c Calendar) PeriodOn(g Grain, d Date) Period {
	switch g {
	case Day:
		return Period{Day, d}
	case Week:
		back := floorMod(int64(d.Weekday())-int64(c.WeekStart), 7)
		return Period{Week, d.AddDays(-int(back))}
	case Month:
		return Period{Month, Date{d.Year, d.Month, 1}}
	case Quarter:
		return Period{Quarter, Date{d.Year, (d.Month-1)/3*3 + 1, 1}}
	case Year:
		return Period{Year, Date{d.Year, time.January, 1}}
	}
	return Period{}
}

// PeriodAt returns the period of grain g whose [Period.Index] is i, with
// weeks beginning on the calendar's WeekStart.
func (c Calendar) PeriodAt(g Grain, i int64) Period {
	switch g {
	case Day:
		return Period{Day, dateFromDays(i)}
	case Week:
		return Period{Week, dateFromDays(7*i + weekAnchor(c.WeekStart))}
	case Month:
		return Period{Month, addMonths(Date{0, time.January, 1}, int(i))}
	case Quarter:
		return Period{Quarter, addMonths(Date{0, time.January, 1}, int(3*i))}
	case Year:
		return Period{Year, Date{int(i), time.January, 1}}
	}
	return Period{}
}

// Index returns the [Period.Index] of the period of grain g that holds t.
func (c Calendar) Index(g Grain, t time.Time) int64 { return c.Period(g, t).Index() }

// Start returns the first instant of the period of grain g that holds t.
func (c Calendar) Start(g Grain, t time.Time) time.Time {
	return c.Period(g, t).Start(c.Location())
}

// calendarJSON is the JSON form of a Calendar; pointers tell a missing
// field from a zero one.
type calendarJSON struct {
	Zone      *Zone        `json:"zone"`
	WeekStart *weekdayName `json:"week_start"`
}

// weekdayName is a time.Weekday written as its lower-case English name.
type weekdayName time.Weekday

func (w weekdayName) MarshalText() ([]byte, error) {
	return []byte(strings.ToLower(time.Weekday(w).String())), nil
}

func (w *weekdayName) UnmarshalText(text []byte) error {
	for d := time.Sunday; d <= time.Saturday; d++ {
		if string(text) == strings.ToLower(d.String()) {
			*w = weekdayName(d)
			return nil
		}
	}
	return Invalid("", "must be a day of the week, sunday to saturday")
}

// MarshalJSON writes {"zone":"Asia/Shanghai","week_start":"monday"}; it
// refuses an invalid calendar.
func (c Calendar) MarshalJSON() ([]byte, error) {
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("qun: marshal calendar: %w", err)
	}
	week := weekdayName(c.WeekStart)
	return json.Marshal(calendarJSON{&c.Zone, &week})
}

// UnmarshalJSON reads the JSON form of a Calendar strictly, as
// [UnmarshalStrict] reads: both fields are required (a week that begins on
// Sunday by default would surprise a community in China), unknown fields are
// refused, and the week start is a weekday's English name in lower case.
// The JSON literal null leaves c unchanged.
func (c *Calendar) UnmarshalJSON(data []byte) error {
	if string(bytes.TrimSpace(data)) == "null" {
		return nil
	}
	var w calendarJSON
	if err := UnmarshalStrict(data, &w); err != nil {
		return err
	}
	switch {
	case w.Zone == nil:
		return Invalid("zone", "is required")
	case w.WeekStart == nil:
		return Invalid("week_start", "is required")
	}
	*c = Calendar{Zone: *w.Zone, WeekStart: time.Weekday(*w.WeekStart)}
	return nil
}
