package qun

import (
	"fmt"
	"math"
	"math/bits"
	"strconv"
	"strings"
	"time"
)

// Duration is a length of elapsed time that reads and writes as text an
// operator can type: "30d", "1d12h", "90m", "-7d", "1.5s". It is a
// time.Duration underneath; convert with time.Duration(d).
//
// A day ("d") here is exactly 24 hours and a week ("w") 7 days of elapsed
// time. Where a rule means calendar days in a time zone (a local day across
// a DST change lasts 23 or 25 hours), qun uses a [Period] instead.
//
// The text form is that of [time.ParseDuration] with two more units, d and
// w. [Duration.String] writes the canonical form, which uses days and
// never weeks, so "36h" and "1w" read back as "1d12h" and "7d".
type Duration time.Duration

// Days returns n days of 24 hours, for building configurations in code:
// Days(30) is the Duration written "30d".
func Days(n int) Duration { return Duration(n) * Duration(24*time.Hour) }

// unitDurations maps each unit a Duration reads to its length in
// nanoseconds.
var unitDurations = map[string]uint64{
	"ns": 1,
	"us": uint64(time.Microsecond),
	"µs": uint64(time.Microsecond), // U+00B5 micro sign
	"μs": uint64(time.Microsecond), // U+03BC Greek mu
	"ms": uint64(time.Millisecond),
	"s":  uint64(time.Second),
	"m":  uint64(time.Minute),
	"h":  uint64(time.Hour),
	"d":  24 * uint64(time.Hour),
	"w":  7 * 24 * uint64(time.Hour),
}

// ParseDuration reads a Duration: an optional sign, then a sequence of
// decimal numbers, each with an optional fraction and a unit, such as
// "7d", "-1.5h" or "1d2h45m". Units are ns, us (or µs), ms, s, m, h, d and
// w. "0" alone is zero. Each number's fraction is exact to 18 digits and
// truncated to the nanosecond.
// A malformed input, or one beyond the range of time.Duration, is refused
// with a [*SyntaxError] that points at the fault.
func ParseDuration(s string) (Duration, error) {
	d, err := parseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("qun: parse duration %q: %w", s, err)
	}
	return d, nil
}

func parseDuration(s string) (Duration, error) {
	i := 0
	neg := false
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		neg = s[i] == '-'
		i++
	}
	if s[i:] == "0" {
		return 0, nil
	}
	if i == len(s) {
		return 0, SyntaxErrorAt(s, i, "want a number and a unit, such as 30d")
	}
	limit := uint64(math.MaxInt64)
	if neg {
		limit++
	}
	var total uint64
	for i < len(s) {
		start := i
		whole, wholeDigits, overflow := leadingInt(s, &i)
		if overflow {
			return 0, SyntaxErrorAt(s, start, "number out of range")
		}
		var frac, scale uint64 = 0, 1
		fracDigits := 0
		if i < len(s) && s[i] == '.' {
			i++
			frac, scale, fracDigits = leadingFraction(s, &i)
		}
		if wholeDigits == 0 && fracDigits == 0 {
			return 0, SyntaxErrorAt(s, start, "want a number")
		}
		unitStart := i
		for i < len(s) && s[i] != '.' && (s[i] < '0' || s[i] > '9') {
			i++
		}
		unitName := s[unitStart:i]
		if unitName == "" {
			return 0, SyntaxErrorAt(s, unitStart, "missing unit (ns, us, ms, s, m, h, d or w)")
		}
		unit, ok := unitDurations[unitName]
		if !ok {
			return 0, SyntaxErrorAt(s, unitStart, "unknown unit %q (want ns, us, ms, s, m, h, d or w)", unitName)
		}
		if whole > limit/unit {
			return 0, SyntaxErrorAt(s, start, "duration out of range")
		}
		v := whole * unit
		if frac > 0 {
			// frac/scale of a unit, truncated to the nanosecond, exactly:
			// frac < scale, so the 128-bit quotient is below unit.
			hi, lo := bits.Mul64(frac, unit)
			q, _ := bits.Div64(hi, lo, scale)
			v += q
		}
		if v > limit-total {
			return 0, SyntaxErrorAt(s, start, "duration out of range")
		}
		total += v
	}
	if neg {
		return Duration(-int64(total)), nil // total may be 1<<63: MinInt64 negates to itself
	}
	return Duration(total), nil
}

// leadingInt consumes decimal digits at s[*i:] and returns their value and
// how many there were.
func leadingInt(s string, i *int) (v uint64, digits int, overflow bool) {
	for ; *i < len(s) && s[*i] >= '0' && s[*i] <= '9'; *i++ {
		if v > (math.MaxUint64-9)/10 {
			overflow = true
		}
		if !overflow {
			v = v*10 + uint64(s[*i]-'0')
		}
		digits++
	}
	return v, digits, overflow
}

// leadingFraction consumes the digits after a decimal point, keeping the
// first 18 (what a uint64 holds; the rest are worth less than a thousandth
// of a nanosecond even in weeks): the value is frac/scale.
func leadingFraction(s string, i *int) (frac, scale uint64, digits int) {
	scale = 1
	full := false
	for ; *i < len(s) && s[*i] >= '0' && s[*i] <= '9'; *i++ {
		digits++
		if full || scale > (math.MaxInt64-9)/10 {
			full = true // further digits are below a nanosecond
			continue
		}
		frac = frac*10 + uint64(s[*i]-'0')
		scale *= 10
	}
	return frac, scale, digits
}

// String returns the canonical text of d: days, hours, minutes and seconds,
// each left out when zero ("1d12h", "90s" as "1m30s", "0s"); a duration
// under a second is written as time.Duration writes it ("250ms").
func (d Duration) String() string {
	if d == 0 {
		return "0s"
	}
	var b strings.Builder
	u := uint64(d)
	if d < 0 {
		b.WriteByte('-')
		u = -u
	}
	if u < uint64(time.Second) {
		b.WriteString(time.Duration(u).String())
		return b.String()
	}
	day := uint64(24 * time.Hour)
	for _, part := range []struct {
		unit uint64
		name byte
	}{{day, 'd'}, {uint64(time.Hour), 'h'}, {uint64(time.Minute), 'm'}} {
		if n := u / part.unit; n > 0 {
			b.WriteString(strconv.FormatUint(n, 10))
			b.WriteByte(part.name)
			u %= part.unit
		}
	}
	if u > 0 {
		sec := u / uint64(time.Second)
		nsec := u % uint64(time.Second)
		b.WriteString(strconv.FormatUint(sec, 10))
		if nsec > 0 {
			frac := strconv.FormatUint(nsec+uint64(time.Second), 10)[1:] // nine digits, zero padded
			b.WriteByte('.')
			b.WriteString(strings.TrimRight(frac, "0"))
		}
		b.WriteByte('s')
	}
	return b.String()
}

// MarshalText writes the canonical text of d.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads d as [ParseDuration] does.
func (d *Duration) UnmarshalText(text []byte) error {
	v, err := ParseDuration(string(text))
	if err != nil {
		return err
	}
	*d = v
	return nil
}
