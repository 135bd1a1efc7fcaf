package rrule

import (
	"strconv"
	"strings"
	"time"
)

// String writes r in canonical text: DTSTART, then RRULE, then RDATE and
// EXDATE lines, separated by LF and unfolded. [Parse] reads it back to an
// equal Recurrence, and writing that again gives the same text.
//
// Added and excluded dates are written in the zone of DTSTART when their
// wall reading there names them exactly, and in UTC otherwise (the second
// 01:30 of a fall-back night has no TZID form that reads back as itself).
func (r Recurrence) String() string {
	var b strings.Builder
	loc := r.Zone.Location()
	utc := r.Zone.IsZero()
	b.WriteString("DTSTART")
	if utc {
		b.WriteString(":" + r.Start.String() + "Z")
	} else {
		b.WriteString(";TZID=" + r.Zone.String() + ":" + r.Start.String())
	}
	if !r.Rule.IsZero() {
		b.WriteString("\nRRULE:")
		b.WriteString(r.Rule.String())
	}
	dates := func(name string, list []time.Time) {
		prevLocal := false
		for i, t := range list {
			wall := DateTimeOf(t.In(loc))
			local := !utc && wall.In(loc).Equal(t)
			if i == 0 || local != prevLocal {
				b.WriteString("\n" + name)
				if local {
					b.WriteString(";TZID=" + r.Zone.String())
				}
				b.WriteByte(':')
			} else {
				b.WriteByte(',')
			}
			prevLocal = local
			if local {
				b.WriteString(wall.String())
			} else {
				b.WriteString(DateTimeOf(t.UTC()).String() + "Z")
			}
		}
	}
	dates("RDATE", r.RDates)
	dates("EXDATE", r.ExDates)
	return b.String()
}

// String writes r as the value of an RRULE line, its parts in a fixed
// order: FREQ, UNTIL, COUNT, INTERVAL, BYSECOND, BYMINUTE, BYHOUR, BYDAY,
// BYMONTHDAY, BYYEARDAY, BYWEEKNO, BYMONTH, BYSETPOS, WKST (the order of
// RFC 5545's grammar). [ParseRule] reads it back to an equal Rule.
func (r Rule) String() string {
	var b strings.Builder
	b.WriteString("FREQ=")
	b.WriteString(r.Freq.String())
	if !r.Until.IsZero() {
		b.WriteString(";UNTIL=" + DateTimeOf(r.Until.UTC()).String() + "Z")
	}
	if r.Count != 0 {
		b.WriteString(";COUNT=" + strconv.Itoa(r.Count))
	}
	if r.Interval != 0 {
		b.WriteString(";INTERVAL=" + strconv.Itoa(r.Interval))
	}
	ints := func(name string, list []int) {
		for i, v := range list {
			if i == 0 {
				b.WriteString(";" + name + "=")
			} else {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Itoa(v))
		}
	}
	ints("BYSECOND", r.BySecond)
	ints("BYMINUTE", r.ByMinute)
	ints("BYHOUR", r.ByHour)
	for i, w := range r.ByDay {
		if i == 0 {
			b.WriteString(";BYDAY=")
		} else {
			b.WriteByte(',')
		}
		b.WriteString(w.String())
	}
	ints("BYMONTHDAY", r.ByMonthDay)
	ints("BYYEARDAY", r.ByYearDay)
	ints("BYWEEKNO", r.ByWeekNo)
	for i, m := range r.ByMonth {
		if i == 0 {
			b.WriteString(";BYMONTH=")
		} else {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(int(m)))
	}
	ints("BYSETPOS", r.BySetPos)
	if r.WeekStart != 0 {
		b.WriteString(";WKST=" + r.WeekStart.String())
	}
	return b.String()
}
