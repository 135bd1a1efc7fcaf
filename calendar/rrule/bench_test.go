package rrule_test

import (
	"testing"
	"time"

	"github.com/qunkit/qun/calendar/rrule"
)

// benchExpand expands one year of a rule per iteration and reports the
// time per occurrence. Targets (issue 9): under 40 ns for a daily rule,
// under 300 ns for a monthly last-Friday rule.
func benchExpand(b *testing.B, text string) {
	s := rrule.MustCompile(text)
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(1, 0, 0)
	n := 0
	b.ReportAllocs()
	for b.Loop() {
		for range s.Between(from, to) {
			n++
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/occurrence")
}

func BenchmarkExpandDaily(b *testing.B) {
	benchExpand(b, "DTSTART;TZID=Asia/Shanghai:20260101T062000\nRRULE:FREQ=DAILY")
}

// A daily rule in a zone with DST, crossing both changes of the year.
func BenchmarkExpandDailyDST(b *testing.B) {
	benchExpand(b, "DTSTART;TZID=America/New_York:20260101T023000\nRRULE:FREQ=DAILY")
}

func BenchmarkExpandMonthlyLastFriday(b *testing.B) {
	benchExpand(b, "DTSTART;TZID=America/New_York:20260130T200000\nRRULE:FREQ=MONTHLY;BYDAY=-1FR")
}

// The last workday of the month, with BYSETPOS.
func BenchmarkExpandMonthlyLastWorkday(b *testing.B) {
	benchExpand(b, "DTSTART;TZID=America/New_York:20260130T090000\nRRULE:FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1")
}

// Greetings twice a day on weekdays (早安/晚安).
func BenchmarkExpandWeeklyTwiceADay(b *testing.B) {
	benchExpand(b, "DTSTART;TZID=Asia/Shanghai:20260101T070000\nRRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=7,22;BYMINUTE=0")
}

func BenchmarkExpandHourly(b *testing.B) {
	benchExpand(b, "DTSTART;TZID=Europe/Berlin:20260101T000000\nRRULE:FREQ=HOURLY;BYHOUR=9,12,18")
}

func BenchmarkParse(b *testing.B) {
	const text = "DTSTART;TZID=America/New_York:19970902T090000\nRRULE:FREQ=MONTHLY;COUNT=10;BYDAY=1SU,-1SU;BYHOUR=9,18;WKST=SU\nEXDATE;TZID=America/New_York:19971005T090000"
	b.ReportAllocs()
	for b.Loop() {
		if _, err := rrule.Parse(text); err != nil {
			b.Fatal(err)
		}
	}
}

// TestNoAllocationPerOccurrence pins the claim in the package doc: reading
// a year costs the same allocations as reading a week.
func TestNoAllocationPerOccurrence(t *testing.T) {
	for _, text := range []string{
		"DTSTART;TZID=America/New_York:20260101T023000\nRRULE:FREQ=DAILY",
		"DTSTART;TZID=America/New_York:20260130T200000\nRRULE:FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
		"DTSTART;TZID=Europe/Berlin:20260101T000000\nRRULE:FREQ=HOURLY;BYHOUR=9,12,18",
	} {
		s := rrule.MustCompile(text)
		from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		allocs := func(to time.Time) float64 {
			return testing.AllocsPerRun(20, func() {
				for range s.Between(from, to) {
				}
			})
		}
		week, year := allocs(from.AddDate(0, 0, 7)), allocs(from.AddDate(1, 0, 0))
		if year != week {
			t.Errorf("%q: %v allocations for a week, %v for a year", text, week, year)
		}
	}
}
