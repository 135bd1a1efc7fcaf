package calendar

import (
	"errors"
	"time"

	"github.com/qunkit/qun"
)

// QuietHours is a daily window of local time in which nothing is sent to a
// member: from Start up to, not including, End, read on the member's own
// clock. A window may cross midnight (22:00 to 08:00). A send due inside
// the window is held and goes out when the window ends, as Braze's quiet
// hours do ("Braze holds the message and delivers it at the next available
// time after quiet hours end"; quiet hours "apply in each user's local time
// zone": braze.com/docs/user_guide/messaging/messaging_fundamentals/quiet_hours).
//
// Across DST changes the window is read on the wall clock: on a
// spring-forward night a window that ends at 02:30 ends when the clock
// jumps from 02:00 to 03:00; on a fall-back night a send due in the
// repeated hour is held if the clock reads inside the window then, and a
// window the clock falls back out of ends when it does.
//
// The zero QuietHours (Start equal to End) is no window at all. Its JSON
// form is {"start":"22:00","end":"08:00"}.
type QuietHours struct {
	// Start is the first minute inside the window, on the member's
	// clock: "22:00".
	Start Clock `json:"start"`
	// End is the first minute after the window, when held sends go:
	// "08:00". An End before Start makes the window cross midnight; an
	// End equal to Start makes no window (not a whole day).
	End Clock `json:"end"`
}

// Validate reports whether both ends are times of day.
func (q QuietHours) Validate() error {
	var errs []error
	if !q.Start.IsValid() {
		errs = append(errs, qun.Invalid("start", "must be a time of day 00:00 to 23:59"))
	}
	if !q.End.IsValid() {
		errs = append(errs, qun.Invalid("end", "must be a time of day 00:00 to 23:59"))
	}
	return errors.Join(errs...)
}

// IsZero reports whether q is no window at all.
func (q QuietHours) IsZero() bool { return q.Start == q.End }

// containsMinute reports whether a wall reading, in minutes since midnight,
// lies in the window.
func (q QuietHours) containsMinute(m int) bool {
	s, e := q.Start.Minutes(), q.End.Minutes()
	switch {
	case s == e:
		return false
	case s < e:
		return m >= s && m < e
	}
	return m >= s || m < e // across midnight
}

// Contains reports whether a clock in loc reads inside the window at t. A
// nil loc is UTC, as it is to [qun.ZoneOf] and [qun.Date.At].
func (q QuietHours) Contains(t time.Time, loc *time.Location) bool {
	_, m := wallMinutes(t, loc)
	return q.containsMinute(m)
}

// Defer returns the earliest instant at or after t at which a clock in loc
// does not read inside the window: t itself when t is outside it, else the
// end of the window. Its result is never inside the window, and is given in
// loc. A nil loc is UTC.
func (q QuietHours) Defer(t time.Time, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	u := t
	// Each step leaves the window or meets a DST change; a window is
	// shorter than a day, so a few steps always do.
	for range 8 {
		if !q.Contains(u, loc) {
			return u.In(loc)
		}
		u = q.exit(u, loc)
	}
	return u.In(loc)
}

// exit returns the first instant after t, which is inside the window, at
// which the clock reads the window's end, or at which a DST change moves
// the clock elsewhere, whichever comes first.
func (q QuietHours) exit(t time.Time, loc *time.Location) time.Time {
	day, m := wallMinutes(t, loc)
	endDay := day
	if q.Start.Minutes() > q.End.Minutes() && m >= q.Start.Minutes() {
		endDay = day.AddDays(1) // crossed midnight: the window ends tomorrow
	}
	end := firstAtOrAfter(q.End, endDay, loc)
	if !end.After(t) {
		// On a fall-back night the clock read End once already, before t,
		// and has come back into the window: it reads End again this much
		// later.
		end = t.Add(time.Duration(q.End.Minutes()-m)*time.Minute - time.Duration(t.Second())*time.Second - time.Duration(t.Nanosecond()))
	}
	// A DST change before then moves the clock: out of the window (from
	// 01:59 back to 01:00, for a window that began at 01:15), or to a
	// reading from which the window ends sooner or later; Defer goes on
	// from there.
	if _, change := t.In(loc).ZoneBounds(); !change.IsZero() && change.After(t) && change.Before(end) && isChange(change, loc) {
		return change
	}
	return end
}
