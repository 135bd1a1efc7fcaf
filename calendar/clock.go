package calendar

import (
	"fmt"
	"time"

	"github.com/qunkit/qun"
)

// Clock is a time of day on a wall clock, to the minute: 06:20, 22:00. It
// carries no zone; a member's Clock times are read in the member's zone.
// Its text form is "HH:MM", 00:00 to 23:59. The zero Clock is midnight.
type Clock struct {
	// Hour (0 to 23) and Minute (0 to 59) are the time of day. Outside
	// those ranges the Clock is invalid: [Clock.IsValid] says so, the
	// Validate methods of the types that hold one refuse it, and
	// MarshalText will not write it.
	Hour, Minute int
}

// ParseClock reads "HH:MM", refusing anything else with a [*qun.SyntaxError].
func ParseClock(s string) (Clock, error) {
	if len(s) != 5 || s[2] != ':' {
		return Clock{}, fmt.Errorf("calendar: parse clock %q: %w", s, qun.SyntaxErrorAt(s, 0, "want a time of day HH:MM"))
	}
	for _, i := range []int{0, 1, 3, 4} {
		if s[i] < '0' || s[i] > '9' {
			return Clock{}, fmt.Errorf("calendar: parse clock %q: %w", s, qun.SyntaxErrorAt(s, i, "want a digit"))
		}
	}
	c := Clock{int(s[0]-'0')*10 + int(s[1]-'0'), int(s[3]-'0')*10 + int(s[4]-'0')}
	if c.Hour > 23 {
		return Clock{}, fmt.Errorf("calendar: parse clock %q: %w", s, qun.SyntaxErrorAt(s, 0, "hour must be 00 to 23"))
	}
	if c.Minute > 59 {
		return Clock{}, fmt.Errorf("calendar: parse clock %q: %w", s, qun.SyntaxErrorAt(s, 3, "minute must be 00 to 59"))
	}
	return c, nil
}

// IsValid reports whether c is 00:00 to 23:59.
func (c Clock) IsValid() bool { return c.Hour >= 0 && c.Hour < 24 && c.Minute >= 0 && c.Minute < 60 }

// Minutes returns the minutes since midnight.
func (c Clock) Minutes() int { return c.Hour*60 + c.Minute }

// String writes "HH:MM".
func (c Clock) String() string { return fmt.Sprintf("%02d:%02d", c.Hour, c.Minute) }

// On returns the instant a clock in loc reads c on day d, as [qun.Date.At]
// resolves it across DST changes (a nil loc is UTC).
func (c Clock) On(d qun.Date, loc *time.Location) time.Time { return d.At(c.Hour, c.Minute, 0, 0, loc) }

// MarshalText writes "HH:MM"; it refuses an invalid Clock.
func (c Clock) MarshalText() ([]byte, error) {
	if !c.IsValid() {
		return nil, fmt.Errorf("calendar: marshal clock %d:%d: %w", c.Hour, c.Minute, qun.Invalid("", "not a time of day"))
	}
	return []byte(c.String()), nil
}

// UnmarshalText reads "HH:MM" as [ParseClock] does.
func (c *Clock) UnmarshalText(text []byte) error {
	v, err := ParseClock(string(text))
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// wallMinutes returns the wall reading of t in loc as minutes since local
// midnight, and the local date.
func wallMinutes(t time.Time, loc *time.Location) (qun.Date, int) {
	t = inLoc(t, loc)
	return qun.DateOf(t), t.Hour()*60 + t.Minute()
}

// firstAtOrAfter returns the earliest instant at which a clock in loc reads
// c on day d or later that day: the instant of c when it exists, and the
// instant the clocks jumped past it when a DST change skipped it. (Date.At
// reads a skipped 02:30 as 03:30; but a window that ends at 02:30 has ended
// at 03:00, when the clock jumped.)
func firstAtOrAfter(c Clock, d qun.Date, loc *time.Location) time.Time {
	t := c.On(d, loc)
	if local := t.In(loc); local.Hour() == c.Hour && local.Minute() == c.Minute {
		return t
	}
	start, _ := t.ZoneBounds() // t lies after the gap, in the span that began with it
	if start.IsZero() || start.After(t) || !isChange(start, loc) {
		return t // bounds Go got wrong (golang/go#81583): no gap found
	}
	return start
}

// isChange reports whether the UTC offset of loc changes at the instant t,
// which Go's zone bounds do not always mean (golang/go#81583).
func isChange(t time.Time, loc *time.Location) bool {
	_, before := t.Add(-time.Nanosecond).In(loc).Zone()
	_, after := t.In(loc).Zone()
	return before != after
}

// inLoc is t.In(loc), with a nil loc read as UTC rather than a panic, as
// qun.ZoneOf and qun.Date.At read it.
func inLoc(t time.Time, loc *time.Location) time.Time {
	if loc == nil {
		return t.UTC()
	}
	return t.In(loc)
}
