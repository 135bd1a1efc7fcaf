package funnel

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/qunkit/qun"
)

// Window is how long a member has to convert: an elapsed [qun.Duration]
// ("14d", "36h", "90m", "30s"), or a number of calendar months ("1mo",
// "3mo"). PostHog's conversion windows take units from seconds to months
// (posthog.com/docs/product-analytics/funnels, "conversion window");
// qun.Duration covers all but the month, whose length varies, so a Window
// adds it.
//
// A month window ends on the same day of the month and the same wall clock
// time, n months after it starts, in the funnel's calendar: a window of
// "1mo" opened on 15 January at 20:00 closes on 15 February at 20:00. When
// that day does not exist the window closes on the month's last day
// (31 January + 1 month = 28 or 29 February), as ClickHouse's and
// PostgreSQL's month intervals do. This is what PostHog's SQL funnels did
// ("latest_0 + INTERVAL n MONTH", in UTC; posthog/hogql_queries/insights/
// funnels/base.py); its newer UDF engine counts a month as 31 days
// (DATERANGE_MAP in posthog/utils.py), which a host wanting that figure
// writes as "31d".
//
// The zero Window means "the default": 14 days for a funnel's conversion
// window (PostHog's default), and no limit of its own for a step's.
type Window struct {
	// Duration is the elapsed length; it is used when Months is zero.
	Duration qun.Duration
	// Months is the number of calendar months; when it is not zero,
	// Duration must be zero.
	Months int
}

// Months returns a Window of n calendar months.
func Months(n int) Window { return Window{Months: n} }

// Within returns a Window of elapsed time d.
func Within(d qun.Duration) Window { return Window{Duration: d} }

// DefaultWindow is the conversion window of a funnel that sets none: 14
// days, as in PostHog.
var DefaultWindow = Window{Duration: qun.Days(14)}

// IsZero reports whether w is the zero Window.
func (w Window) IsZero() bool { return w == Window{} }

// Validate reports whether w is a usable window: not negative, and not both
// months and a duration.
func (w Window) Validate() error {
	switch {
	case w.Months != 0 && w.Duration != 0:
		return qun.Invalid("", "a window is either calendar months or a duration, not both")
	case w.Months < 0 || w.Duration < 0:
		return qun.Invalid("", "a window must not be negative")
	case w.Months > 12*10000:
		return qun.Invalid("", "a window of more than 10000 years is a mistake")
	}
	return nil
}

// String writes w as "3mo" or as a qun.Duration writes itself ("14d").
func (w Window) String() string {
	if w.Months != 0 {
		return strconv.Itoa(w.Months) + "mo"
	}
	return w.Duration.String()
}

// ParseWindow reads a Window: "<n>mo" for n calendar months, or anything
// [qun.ParseDuration] reads that is not negative. Errors are
// [*qun.SyntaxError] values wrapped with the input, matching
// [qun.ErrInvalid]. "0" (and "0mo") read as the zero Window, which a funnel
// takes as its default: a window that must close at once is written "1us".
func ParseWindow(s string) (Window, error) {
	if digits, ok := strings.CutSuffix(s, "mo"); ok {
		for i := 0; i < len(digits); i++ {
			if digits[i] < '0' || digits[i] > '9' {
				return Window{}, fmt.Errorf("funnel: parse window %q: %w", s,
					qun.SyntaxErrorAt(s, i, "months are written as a whole number, such as 3mo"))
			}
		}
		if digits == "" {
			return Window{}, fmt.Errorf("funnel: parse window %q: %w", s, qun.SyntaxErrorAt(s, 0, "want a number of months, such as 3mo"))
		}
		n, err := strconv.Atoi(digits)
		if err != nil || n > 12*10000 {
			return Window{}, fmt.Errorf("funnel: parse window %q: %w", s, qun.SyntaxErrorAt(s, 0, "too many months"))
		}
		return Window{Months: n}, nil
	}
	d, err := qun.ParseDuration(s)
	if err != nil {
		return Window{}, fmt.Errorf("funnel: parse window: %w", err)
	}
	if d < 0 {
		return Window{}, fmt.Errorf("funnel: parse window %q: %w", s, qun.SyntaxErrorAt(s, 0, "a window must not be negative"))
	}
	return Window{Duration: d}, nil
}

// MarshalText writes w as [Window.String] does; it refuses an invalid
// window.
func (w Window) MarshalText() ([]byte, error) {
	if err := w.Validate(); err != nil {
		return nil, fmt.Errorf("funnel: marshal window: %w", err)
	}
	return []byte(w.String()), nil
}

// UnmarshalText reads w as [ParseWindow] does.
func (w *Window) UnmarshalText(text []byte) error {
	v, err := ParseWindow(string(text))
	if err != nil {
		return err
	}
	*w = v
	return nil
}

// deadline returns the last instant (in microseconds, inclusive) of a
// window w that opens at start, reading months in loc. Overflow saturates.
func (w Window) deadline(start int64, loc *time.Location) int64 {
	if w.Months == 0 {
		d := int64(w.Duration) / int64(time.Microsecond)
		if start > math.MaxInt64-d {
			return math.MaxInt64
		}
		return start + d
	}
	return addMonths(start, w.Months, loc)
}

// addMonths returns the instant n calendar months after us in loc, on the
// same wall clock time and the same day of the month, clamped to the
// month's last day.
func addMonths(us int64, n int, loc *time.Location) int64 {
	t := time.UnixMicro(us).In(loc)
	y, m, d := t.Date()
	total := y*12 + int(m) - 1 + n
	ny, nm := total/12, time.Month(total%12+1)
	if ny > 9999 {
		return math.MaxInt64
	}
	if last := daysIn(ny, nm); d > last {
		d = last
	}
	end := qun.Date{Year: ny, Month: nm, Day: d}.At(t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), loc)
	return end.UnixMicro()
}

// daysIn returns the number of days in a month.
func daysIn(year int, month time.Month) int {
	return time.Date(year, month+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
