package rrule

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/qunkit/qun"
)

// Parse reads a recurrence in its iCalendar text form: a DTSTART line, at
// most one RRULE line, and any number of RDATE and EXDATE lines, in any
// order, separated by LF or CRLF, with long lines folded as RFC 5545 §3.1
// folds them (a line that begins with a space or a tab continues the one
// before). Names and rule parts are read without regard to case.
//
//	DTSTART;TZID=America/New_York:19970902T090000
//	RRULE:FREQ=MONTHLY;COUNT=10;BYDAY=1FR
//	EXDATE;TZID=America/New_York:19971003T090000
//
// DTSTART must carry a time zone: a TZID parameter with an IANA name, or a
// time in UTC ending in Z. RDATE and EXDATE take date-times in their own
// TZID, in UTC, or (with neither) in the zone of DTSTART. UNTIL must be in
// UTC, as the RFC requires when DTSTART has a time zone. Date-only values
// (VALUE=DATE) and RDATE periods are not read.
//
// A malformed input is refused with a [*qun.SyntaxError] that points at the
// fault. [Recurrence.String] writes the canonical text, which Parse reads
// back to an equal Recurrence.
func Parse(text string) (Recurrence, error) {
	r, err := parse(text)
	if err != nil {
		return Recurrence{}, fmt.Errorf("rrule: %w", err)
	}
	return r, nil
}

// ParseRule reads the value of an RRULE line, such as
// "FREQ=WEEKLY;BYDAY=MO,WE", with or without the "RRULE:" in front.
func ParseRule(text string) (Rule, error) {
	u := unfold(text)
	i := 0
	if len(u.s) >= 6 && strings.EqualFold(u.s[:6], "RRULE:") {
		i = 6
	}
	r, err := parseRule(u, i, len(u.s))
	if err != nil {
		return Rule{}, fmt.Errorf("rrule: %w", err)
	}
	return r, nil
}

// unfolded is the input with folds removed, and for each of its bytes the
// offset of that byte in the original, so errors point at the original.
type unfolded struct {
	orig string
	s    string
	at   []int // len(s)+1 offsets
}

func unfold(text string) unfolded {
	var b strings.Builder
	at := make([]int, 0, len(text)+1)
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c == '\r' && i+1 < len(text) && text[i+1] == '\n' {
			continue // CRLF reads as LF
		}
		if c == '\n' && i+1 < len(text) && (text[i+1] == ' ' || text[i+1] == '\t') {
			i++ // a fold: the newline and one space go
			continue
		}
		b.WriteByte(c)
		at = append(at, i)
	}
	at = append(at, len(text))
	return unfolded{orig: text, s: b.String(), at: at}
}

// errAt returns a syntax error at offset i of the unfolded text.
func (u unfolded) errAt(i int, format string, args ...any) error {
	i = max(0, min(i, len(u.at)-1))
	return qun.SyntaxErrorAt(u.orig, u.at[i], format, args...)
}

// pendingTime is an RDATE or EXDATE value read before the zone of DTSTART
// is known.
type pendingTime struct {
	dt     DateTime
	zone   *time.Location // nil: the zone of DTSTART
	utc    bool
	exdate bool
}

func parse(text string) (Recurrence, error) {
	u := unfold(text)
	var rec Recurrence
	var times []pendingTime
	haveStart, haveRule := false, false
	for lineStart := 0; lineStart < len(u.s); {
		lineEnd := strings.IndexByte(u.s[lineStart:], '\n')
		if lineEnd < 0 {
			lineEnd = len(u.s)
		} else {
			lineEnd += lineStart
		}
		i := lineStart
		next := lineEnd + 1
		if strings.TrimSpace(u.s[lineStart:lineEnd]) == "" {
			lineStart = next
			continue
		}
		nameEnd := i
		for nameEnd < lineEnd && u.s[nameEnd] != ';' && u.s[nameEnd] != ':' {
			nameEnd++
		}
		name := strings.ToUpper(u.s[i:nameEnd])
		// Parameters.
		var tzid *time.Location
		tzidAt := -1
		j := nameEnd
		for j < lineEnd && u.s[j] == ';' {
			pStart := j + 1
			eq := pStart
			for eq < lineEnd && u.s[eq] != '=' && u.s[eq] != ':' && u.s[eq] != ';' {
				eq++
			}
			if eq >= lineEnd || u.s[eq] != '=' {
				return rec, u.errAt(pStart, "want a parameter NAME=value")
			}
			pName := strings.ToUpper(u.s[pStart:eq])
			vStart := eq + 1
			vEnd := vStart
			if vStart < lineEnd && u.s[vStart] == '"' {
				q := strings.IndexByte(u.s[vStart+1:lineEnd], '"')
				if q < 0 {
					return rec, u.errAt(vStart, "unterminated quoted parameter value")
				}
				vEnd = vStart + 1 + q + 1
			} else {
				for vEnd < lineEnd && u.s[vEnd] != ';' && u.s[vEnd] != ':' {
					vEnd++
				}
			}
			value := strings.Trim(u.s[vStart:vEnd], `"`)
			switch pName {
			case "TZID":
				z, err := qun.LoadZone(value)
				if err != nil {
					return rec, u.errAt(vStart, "unknown time zone %q", value)
				}
				tzid, tzidAt = z.Location(), vStart
			case "VALUE":
				if !strings.EqualFold(value, "DATE-TIME") {
					return rec, u.errAt(vStart, "only DATE-TIME values are read, not %s", value)
				}
			default:
				return rec, u.errAt(pStart, "unsupported parameter %s", pName)
			}
			j = vEnd
		}
		if j >= lineEnd || u.s[j] != ':' {
			return rec, u.errAt(j, "want ':' before the value")
		}
		vStart := j + 1
		switch name {
		case "DTSTART":
			if haveStart {
				return rec, u.errAt(i, "DTSTART given twice")
			}
			haveStart = true
			dt, utc, err := parseDateTime(u, vStart, lineEnd)
			if err != nil {
				return rec, err
			}
			if after := vStart + 15 + b2i(utc); after != lineEnd {
				return rec, u.errAt(after, "unexpected text after the date-time")
			}
			switch {
			case utc && tzid != nil:
				return rec, u.errAt(tzidAt, "a time in UTC takes no TZID")
			case !utc && tzid == nil:
				return rec, u.errAt(vStart, "DTSTART needs a time zone: a TZID parameter or a UTC time ending in Z")
			}
			rec.Start = dt
			rec.Zone = qun.ZoneOf(tzid)
		case "RRULE":
			if tzid != nil {
				return rec, u.errAt(tzidAt, "RRULE takes no TZID")
			}
			if haveRule {
				return rec, u.errAt(i, "RRULE given twice (RFC 5545 leaves the set of several undefined)")
			}
			haveRule = true
			r, err := parseRule(u, vStart, lineEnd)
			if err != nil {
				return rec, err
			}
			rec.Rule = r
		case "RDATE", "EXDATE":
			k := vStart
			for {
				dt, utc, err := parseDateTime(u, k, lineEnd)
				if err != nil {
					return rec, err
				}
				if utc && tzid != nil {
					return rec, u.errAt(k, "a time in UTC takes no TZID")
				}
				times = append(times, pendingTime{dt: dt, zone: tzid, utc: utc, exdate: name == "EXDATE"})
				k += 15 + b2i(utc)
				if k == lineEnd {
					break
				}
				if u.s[k] != ',' {
					return rec, u.errAt(k, "want ',' between date-times")
				}
				k++
			}
		default:
			return rec, u.errAt(i, "want DTSTART, RRULE, RDATE or EXDATE")
		}
		lineStart = next
	}
	if !haveStart {
		return rec, u.errAt(len(u.s), "DTSTART is required")
	}
	loc := rec.Zone.Location()
	for _, p := range times {
		var t time.Time
		switch {
		case p.utc:
			t = p.dt.In(time.UTC)
		case p.zone != nil:
			t = p.dt.In(p.zone).UTC()
		default:
			t = p.dt.In(loc).UTC()
		}
		if p.exdate {
			rec.ExDates = append(rec.ExDates, t)
		} else {
			rec.RDates = append(rec.RDates, t)
		}
	}
	return rec, nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// parseDateTime reads "YYYYMMDDTHHMMSS" with an optional "Z" at u.s[i:],
// not beyond end.
func parseDateTime(u unfolded, i, end int) (DateTime, bool, error) {
	const layout = "ddddddddTdddddd"
	for k := 0; k < len(layout); k++ {
		if k == 8 && (i+k >= end || u.s[i+k] != 'T' && u.s[i+k] != 't') {
			return DateTime{}, false, u.errAt(i, "date-only values are not read: want YYYYMMDDTHHMMSS")
		}
		if i+k >= end {
			return DateTime{}, false, u.errAt(i+k, "want a date-time YYYYMMDDTHHMMSS")
		}
		c := u.s[i+k]
		if layout[k] == 'd' && (c < '0' || c > '9') || layout[k] == 'T' && c != 'T' && c != 't' {
			return DateTime{}, false, u.errAt(i+k, "want a date-time YYYYMMDDTHHMMSS")
		}
	}
	num := func(from, to int) int {
		n := 0
		for _, c := range u.s[i+from : i+to] {
			n = n*10 + int(c-'0')
		}
		return n
	}
	dt := DateTime{
		Date:   qun.Date{Year: num(0, 4), Month: time.Month(num(4, 6)), Day: num(6, 8)},
		Hour:   num(9, 11),
		Minute: num(11, 13),
		Second: num(13, 15),
	}
	if !dt.Date.IsValid() {
		return DateTime{}, false, u.errAt(i, "not a date from 0001-01-01 to 9999-12-31")
	}
	if dt.Hour > 23 || dt.Minute > 59 || dt.Second > 59 {
		return DateTime{}, false, u.errAt(i+9, "not a time of day from 000000 to 235959")
	}
	utc := i+15 < end && (u.s[i+15] == 'Z' || u.s[i+15] == 'z')
	return dt, utc, nil
}

// ruleParts maps each rule part to the field Validate names it by.
var ruleParts = map[string]string{
	"FREQ": "freq", "UNTIL": "until", "COUNT": "count", "INTERVAL": "interval",
	"BYSECOND": "by_second", "BYMINUTE": "by_minute", "BYHOUR": "by_hour", "BYDAY": "by_day",
	"BYMONTHDAY": "by_month_day", "BYYEARDAY": "by_year_day", "BYWEEKNO": "by_week_no",
	"BYMONTH": "by_month", "BYSETPOS": "by_set_pos", "WKST": "week_start",
}

// parseRule reads a RECUR value at u.s[i:end].
func parseRule(u unfolded, i, end int) (Rule, error) {
	var r Rule
	seen := map[string]int{} // field name to the offset of its part
	if i >= end {
		return r, u.errAt(i, "want rule parts such as FREQ=DAILY")
	}
	for p := i; p <= end; {
		partEnd := strings.IndexByte(u.s[p:end], ';')
		if partEnd < 0 {
			partEnd = end
		} else {
			partEnd += p
		}
		eq := strings.IndexByte(u.s[p:partEnd], '=')
		if eq < 0 {
			return r, u.errAt(p, "want a rule part NAME=value")
		}
		eq += p
		name := strings.ToUpper(u.s[p:eq])
		field, ok := ruleParts[name]
		if !ok {
			return r, u.errAt(p, "unknown rule part %q", u.s[p:eq])
		}
		if _, dup := seen[field]; dup {
			return r, u.errAt(p, "%s given twice", name)
		}
		seen[field] = p
		v := eq + 1
		if v >= partEnd {
			return r, u.errAt(v, "%s needs a value", name)
		}
		if err := parsePart(u, &r, name, v, partEnd); err != nil {
			return r, err
		}
		p = partEnd + 1
		if partEnd == end {
			break
		}
		if p == end {
			return r, u.errAt(p, "want a rule part after ';'")
		}
	}
	if _, ok := seen["freq"]; !ok {
		return r, u.errAt(i, "FREQ is required")
	}
	if err := r.Validate(); err != nil {
		// Point at the part the first complaint is about.
		var ve *qun.ValidationError
		errors.As(err, &ve)
		field, _, _ := strings.Cut(ve.Field, "[")
		at, ok := seen[field]
		if !ok {
			at = seen["by_set_pos"]
		}
		return r, u.errAt(at, "%s", ve.Error()[len("invalid "):])
	}
	return r, nil
}

// parsePart reads the value of one rule part at u.s[v:end] into r.
func parsePart(u unfolded, r *Rule, name string, v, end int) error {
	value := u.s[v:end]
	switch name {
	case "FREQ":
		for f := Secondly; f <= Yearly; f++ {
			if strings.EqualFold(value, freqNames[f]) {
				r.Freq = f
				return nil
			}
		}
		return u.errAt(v, "FREQ must be SECONDLY, MINUTELY, HOURLY, DAILY, WEEKLY, MONTHLY or YEARLY")
	case "UNTIL":
		dt, utc, err := parseDateTime(u, v, end)
		if err != nil {
			return err
		}
		if !utc {
			return u.errAt(v, "UNTIL must be in UTC, ending in Z, when DTSTART has a time zone")
		}
		if v+16 != end {
			return u.errAt(v+16, "unexpected text after UNTIL")
		}
		r.Until = dt.In(time.UTC)
		return nil
	case "COUNT", "INTERVAL":
		n, err := parseInt(u, v, end, false, MaxCount)
		if err != nil {
			return err
		}
		if n < 1 {
			return u.errAt(v, "%s must be at least 1", name)
		}
		if name == "COUNT" {
			r.Count = n
		} else {
			r.Interval = n
		}
		return nil
	case "WKST":
		d, ok := parseDay(value)
		if !ok {
			return u.errAt(v, "WKST must be MO, TU, WE, TH, FR, SA or SU")
		}
		r.WeekStart = d
		return nil
	case "BYDAY":
		return eachItem(u, v, end, func(a, b int) error {
			k := a
			for k < b && (u.s[k] == '+' || u.s[k] == '-' || u.s[k] >= '0' && u.s[k] <= '9') {
				k++
			}
			d, ok := parseDay(u.s[k:b])
			if !ok {
				return u.errAt(k, "want a day MO to SU, optionally after an ordinal such as 1 or -1")
			}
			n := 0
			if k > a {
				var err error
				if n, err = parseInt(u, a, k, true, 53); err != nil {
					return err
				}
				if n == 0 {
					return u.errAt(a, "an ordinal must not be 0")
				}
			}
			r.ByDay = append(r.ByDay, Weekday{N: n, Day: d})
			return nil
		})
	case "BYMONTH":
		return eachItem(u, v, end, func(a, b int) error {
			n, err := parseInt(u, a, b, false, 12)
			if err != nil {
				return err
			}
			r.ByMonth = append(r.ByMonth, time.Month(n))
			return nil
		})
	}
	signed := name == "BYMONTHDAY" || name == "BYYEARDAY" || name == "BYWEEKNO" || name == "BYSETPOS"
	list := map[string]*[]int{
		"BYSECOND": &r.BySecond, "BYMINUTE": &r.ByMinute, "BYHOUR": &r.ByHour, "BYMONTHDAY": &r.ByMonthDay,
		"BYYEARDAY": &r.ByYearDay, "BYWEEKNO": &r.ByWeekNo, "BYSETPOS": &r.BySetPos,
	}[name]
	return eachItem(u, v, end, func(a, b int) error {
		n, err := parseInt(u, a, b, signed, 366)
		if err != nil {
			return err
		}
		*list = append(*list, n)
		return nil
	})
}

// eachItem calls f on each comma-separated item of u.s[v:end].
func eachItem(u unfolded, v, end int, f func(a, b int) error) error {
	for a := v; ; {
		b := strings.IndexByte(u.s[a:end], ',')
		if b < 0 {
			b = end
		} else {
			b += a
		}
		if a == b {
			return u.errAt(a, "empty list item")
		}
		if err := f(a, b); err != nil {
			return err
		}
		if b == end {
			return nil
		}
		a = b + 1
	}
}

// parseInt reads a decimal integer at u.s[a:b], signed when allowed, whose
// magnitude is at most limit.
func parseInt(u unfolded, a, b int, signed bool, limit int) (int, error) {
	neg := false
	k := a
	if signed && k < b && (u.s[k] == '+' || u.s[k] == '-') {
		neg = u.s[k] == '-'
		k++
	}
	if k == b {
		return 0, u.errAt(k, "want a number")
	}
	n := 0
	for ; k < b; k++ {
		c := u.s[k]
		if c < '0' || c > '9' {
			return 0, u.errAt(k, "want a digit")
		}
		n = n*10 + int(c-'0')
		if n > limit {
			return 0, u.errAt(a, "number out of range (at most %d)", limit)
		}
	}
	if neg {
		n = -n
	}
	return n, nil
}

func parseDay(s string) (Day, bool) {
	for d := MO; d <= SU; d++ {
		if strings.EqualFold(s, dayNames[d]) {
			return d, true
		}
	}
	return 0, false
}
