package calendar

import (
	"testing"
	"time"

	"github.com/qunkit/qun"
	"pgregory.net/rapid"
)

var dstZones = []string{
	"America/New_York", "Europe/Berlin", "Australia/Sydney", "America/Santiago",
	"America/Havana", "Australia/Lord_Howe", "Asia/Tehran", "Asia/Shanghai", "UTC",
}

func TestQuietHoursDefer(t *testing.T) {
	ny := qun.MustLoadZone("America/New_York").Location()
	night := QuietHours{Start: Clock{22, 0}, End: Clock{8, 0}}
	tests := []struct {
		name string
		q    QuietHours
		at   time.Time
		want string
	}{
		{"outside", night, time.Date(2026, 6, 1, 12, 0, 0, 0, ny), "2026-06-01T12:00:00-04:00"},
		{"late evening waits for tomorrow", night, time.Date(2026, 6, 1, 23, 30, 0, 0, ny), "2026-06-02T08:00:00-04:00"},
		{"early morning waits for today", night, time.Date(2026, 6, 2, 5, 30, 0, 0, ny), "2026-06-02T08:00:00-04:00"},
		{"the start is inside", night, time.Date(2026, 6, 1, 22, 0, 0, 0, ny), "2026-06-02T08:00:00-04:00"},
		{"the end is outside", night, time.Date(2026, 6, 2, 8, 0, 0, 0, ny), "2026-06-02T08:00:00-04:00"},
		{"a window inside one day", QuietHours{Clock{12, 0}, Clock{14, 0}}, time.Date(2026, 6, 1, 13, 0, 0, 0, ny), "2026-06-01T14:00:00-04:00"},
		{"no window", QuietHours{}, time.Date(2026, 6, 1, 3, 0, 0, 0, ny), "2026-06-01T03:00:00-04:00"},
		// Spring forward: 02:00 EST becomes 03:00 EDT. A window ending at
		// 02:30 has ended when the clock jumps.
		{"end skipped by spring forward", QuietHours{Clock{22, 0}, Clock{2, 30}}, time.Date(2026, 3, 8, 1, 45, 0, 0, ny), "2026-03-08T03:00:00-04:00"},
		// The night across spring forward is an hour shorter.
		{"across spring forward", night, time.Date(2026, 3, 7, 23, 0, 0, 0, ny), "2026-03-08T08:00:00-04:00"},
		// Fall back: 01:00 to 02:00 happens twice. A window ending at 01:30
		// ends at the first 01:30; a send in the second 01:00 hour is back
		// inside and waits for the second 01:30.
		{"fall back, first pass", QuietHours{Clock{0, 0}, Clock{1, 30}}, time.Date(2026, 11, 1, 0, 45, 0, 0, ny), "2026-11-01T01:30:00-04:00"},
		{"fall back, second pass", QuietHours{Clock{0, 0}, Clock{1, 30}}, time.Date(2026, 11, 1, 6, 15, 0, 0, time.UTC), "2026-11-01T01:30:00-05:00"},
	}
	for _, tt := range tests {
		got := tt.q.Defer(tt.at, ny).Format(time.RFC3339)
		if got != tt.want {
			t.Errorf("%s: Defer(%v) = %s, want %s", tt.name, tt.at, got, tt.want)
		}
	}
}

// TestQuietHoursNeverViolated: in generated zones, around DST changes, the
// deferred time is never inside the window, is never before the due time,
// and is the earliest such instant: every minute before it, from the due
// time on, reads inside the window.
func TestQuietHoursNeverViolated(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		loc := qun.MustLoadZone(rapid.SampledFrom(dstZones).Draw(t, "zone")).Location()
		q := QuietHours{
			Start: Clock{rapid.IntRange(0, 23).Draw(t, "start_h"), rapid.SampledFrom([]int{0, 15, 30, 45}).Draw(t, "start_m")},
			End:   Clock{rapid.IntRange(0, 23).Draw(t, "end_h"), rapid.SampledFrom([]int{0, 15, 30, 45}).Draw(t, "end_m")},
		}
		probe := time.Date(rapid.IntRange(2000, 2035).Draw(t, "year"), time.Month(rapid.IntRange(1, 12).Draw(t, "month")), 1, 0, 0, 0, 0, loc)
		_, change := probe.ZoneBounds()
		if change.IsZero() {
			change = probe
		}
		due := change.Add(time.Duration(rapid.IntRange(-36*60, 36*60).Draw(t, "minutes")) * time.Minute)
		due = due.Add(time.Duration(rapid.IntRange(0, 59).Draw(t, "seconds")) * time.Second)
		at := q.Defer(due, loc)
		if at.Before(due) {
			t.Fatalf("Defer(%v) = %v, before the due time", due, at)
		}
		if q.Contains(at, loc) {
			t.Fatalf("Defer(%v) = %v, inside %v-%v", due, at.In(loc), q.Start, q.End)
		}
		for u := due; u.Before(at); u = u.Add(time.Minute) {
			if !q.Contains(u, loc) {
				t.Fatalf("Defer(%v) = %v, but %v is already outside %v-%v", due, at.In(loc), u.In(loc), q.Start, q.End)
			}
		}
	})
}
