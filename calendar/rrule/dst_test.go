package rrule_test

import (
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/qunkit/qun"
	"github.com/qunkit/qun/calendar/rrule"
)

func collect(s *rrule.Schedule, from, to time.Time) []string {
	var out []string
	for t := range s.Between(from, to) {
		out = append(out, t.Format(time.RFC3339))
	}
	return out
}

// TestDSTDaily is the case the issue names: rrule-go emits 01:30 EST on the
// spring-forward day for this rule, where RFC 5545 §3.3.5 reads the
// skipped 02:30 with the offset before the gap, 03:30 EDT; on the
// fall-back day 01:30 happens twice and is its first occurrence, EDT.
func TestDSTDaily(t *testing.T) {
	s := rrule.MustCompile("DTSTART;TZID=America/New_York:20260306T023000\nRRULE:FREQ=DAILY;BYHOUR=2;BYMINUTE=30")
	ny := qun.MustLoadZone("America/New_York").Location()
	got := collect(s, time.Date(2026, 3, 6, 0, 0, 0, 0, ny), time.Date(2026, 3, 11, 0, 0, 0, 0, ny))
	want := []string{
		"2026-03-06T02:30:00-05:00",
		"2026-03-07T02:30:00-05:00",
		"2026-03-08T03:30:00-04:00",
		"2026-03-09T02:30:00-04:00",
		"2026-03-10T02:30:00-04:00",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("spring forward (-want +got):\n%s", diff)
	}

	s = rrule.MustCompile("DTSTART;TZID=America/New_York:20261030T013000\nRRULE:FREQ=DAILY")
	got = collect(s, time.Date(2026, 10, 31, 0, 0, 0, 0, ny), time.Date(2026, 11, 3, 0, 0, 0, 0, ny))
	want = []string{
		"2026-10-31T01:30:00-04:00",
		"2026-11-01T01:30:00-04:00",
		"2026-11-02T01:30:00-05:00",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("fall back (-want +got):\n%s", diff)
	}
}

// TestDSTCollapse: two readings that become one instant count once, and a
// reading in the gap that lands after a later reading comes out in time
// order.
func TestDSTCollapse(t *testing.T) {
	s := rrule.MustCompile("DTSTART;TZID=America/New_York:20260307T000000\nRRULE:FREQ=DAILY;COUNT=7;BYHOUR=2,3;BYMINUTE=15,30")
	got := collect(s, time.Date(2026, 3, 7, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC))
	want := []string{
		"2026-03-07T00:00:00-05:00", // the start counts as the first
		"2026-03-07T02:15:00-05:00",
		"2026-03-07T02:30:00-05:00",
		"2026-03-07T03:15:00-05:00",
		"2026-03-07T03:30:00-05:00",
		// 02:15 and 02:30 do not exist on the 8th: they read as 03:15 and
		// 03:30 EDT, the same instants as the real 03:15 and 03:30.
		"2026-03-08T03:15:00-04:00",
		"2026-03-08T03:30:00-04:00",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	// 02:30 reads as 03:30 EDT, after the real 03:15 EDT.
	s = rrule.MustCompile("DTSTART;TZID=America/New_York:20260308T000000\nRRULE:FREQ=DAILY;COUNT=3;BYHOUR=2,3;BYMINUTE=30,15;BYSETPOS=2,3")
	got = collect(s, time.Date(2026, 3, 7, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC))
	want = []string{"2026-03-08T00:00:00-05:00", "2026-03-08T03:15:00-04:00", "2026-03-08T03:30:00-04:00"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
}

// TestDSTHourly: sub-daily rules step in elapsed time, so neither night
// skips or doubles an hour (rrule-go issue 63 emits 03:00 twice in
// Sydney).
func TestDSTHourly(t *testing.T) {
	syd := qun.MustLoadZone("Australia/Sydney").Location()
	s := rrule.MustCompile("DTSTART;TZID=Australia/Sydney:20221002T010000\nRRULE:FREQ=HOURLY;COUNT=3")
	got := collect(s, time.Date(2022, 10, 1, 0, 0, 0, 0, syd), time.Date(2022, 10, 3, 0, 0, 0, 0, syd))
	want := []string{"2022-10-02T01:00:00+10:00", "2022-10-02T03:00:00+11:00", "2022-10-02T04:00:00+11:00"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("spring forward (-want +got):\n%s", diff)
	}
	ny := qun.MustLoadZone("America/New_York").Location()
	s = rrule.MustCompile("DTSTART;TZID=America/New_York:20261101T000000\nRRULE:FREQ=HOURLY;COUNT=4")
	got = collect(s, time.Date(2026, 11, 1, 0, 0, 0, 0, ny), time.Date(2026, 11, 2, 0, 0, 0, 0, ny))
	want = []string{"2026-11-01T00:00:00-04:00", "2026-11-01T01:00:00-04:00", "2026-11-01T01:00:00-05:00", "2026-11-01T02:00:00-05:00"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("fall back (-want +got):\n%s", diff)
	}
}

// TestMidnightGap: in Santiago the clocks skipped midnight on 2025-09-07;
// a daily 00:30 reads as 01:30 that day.
func TestMidnightGap(t *testing.T) {
	scl := qun.MustLoadZone("America/Santiago").Location()
	s := rrule.MustCompile("DTSTART;TZID=America/Santiago:20250905T003000\nRRULE:FREQ=DAILY;COUNT=4")
	got := collect(s, time.Date(2025, 9, 1, 0, 0, 0, 0, scl), time.Date(2025, 9, 10, 0, 0, 0, 0, scl))
	want := []string{"2025-09-05T00:30:00-04:00", "2025-09-06T00:30:00-04:00", "2025-09-07T01:30:00-03:00", "2025-09-08T00:30:00-03:00"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestApiaSkippedDay: Samoa skipped 2011-12-30 entirely; a daily 09:00 on
// that date reads with the offset before the gap and lands on the 31st's
// 09:00, which counts once.
func TestApiaSkippedDay(t *testing.T) {
	s := rrule.MustCompile("DTSTART;TZID=Pacific/Apia:20111228T090000\nRRULE:FREQ=DAILY;COUNT=4")
	var got []string
	for t := range s.After(time.Date(2011, 1, 1, 0, 0, 0, 0, time.UTC)) {
		got = append(got, t.Format("2006-01-02 15:04 -07"))
	}
	want := []string{"2011-12-28 09:00 -10", "2011-12-29 09:00 -10", "2011-12-31 09:00 +14", "2012-01-01 09:00 +14"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestSetOperations: EXDATE removes an occurrence but it still counts for
// COUNT (RFC 5545 §3.8.5.3 excludes after the rule is evaluated), RDATE
// adds one, and a duplicate counts once.
func TestSetOperations(t *testing.T) {
	s := rrule.MustCompile("DTSTART;TZID=Asia/Shanghai:20261123T062000\n" +
		"RRULE:FREQ=DAILY;COUNT=3\n" +
		"EXDATE;TZID=Asia/Shanghai:20261124T062000\n" +
		"RDATE;TZID=Asia/Shanghai:20261123T062000,20261130T200000\n" +
		"RDATE:20261201T000000Z")
	var got []string
	for t := range s.After(time.Time{}) {
		got = append(got, t.Format("01-02 15:04"))
	}
	want := []string{"11-23 06:20", "11-25 06:20", "11-30 20:00", "12-01 08:00"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestStartNotInPattern: the start is the first instance even when the
// rule would not produce it (RFC 5545 §3.8.5.3, "the DTSTART property
// value always counts as the first occurrence"), unlike python-dateutil,
// which documents that it leaves such a start out.
func TestStartNotInPattern(t *testing.T) {
	s := rrule.MustCompile("DTSTART;TZID=UTC:20261125T090000\nRRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=3")
	var got []string
	for t := range s.After(time.Time{}) {
		got = append(got, t.Format("Mon 01-02"))
	}
	want := []string{"Wed 11-25", "Mon 11-30", "Mon 12-07"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestLazyUnbounded: an unbounded rule read from far in the future costs
// only what is read, and After agrees with Between.
func TestLazyUnbounded(t *testing.T) {
	s := rrule.MustCompile("DTSTART;TZID=Asia/Shanghai:20000101T062000\nRRULE:FREQ=DAILY")
	from := time.Date(9000, 5, 31, 16, 0, 0, 0, time.UTC) // midnight in Shanghai
	var after []time.Time
	for t := range s.After(from) {
		after = append(after, t)
		if len(after) == 3 {
			break
		}
	}
	between := slices.Collect(s.Between(from, after[2].Add(time.Second)))
	if diff := cmp.Diff(after, between); diff != "" {
		t.Errorf("After and Between differ (-after +between):\n%s", diff)
	}
	if got := after[0].Format(time.RFC3339); got != "9000-06-01T06:20:00+08:00" {
		t.Errorf("first after = %s", got)
	}
	// The end of the calendar ends every rule.
	n := 0
	for range s.After(time.Date(9999, 12, 25, 0, 0, 0, 0, time.UTC)) {
		n++
	}
	if n != 6 && n != 7 {
		t.Errorf("%d occurrences in the last week of 9999", n)
	}
}

// TestImpossibleRuleEnds: a rule that can never match ends instead of
// looping.
func TestImpossibleRuleEnds(t *testing.T) {
	for _, text := range []string{
		"DTSTART:20260101T000000Z\nRRULE:FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=30",
		"DTSTART:20260101T000000Z\nRRULE:FREQ=YEARLY;BYWEEKNO=53;BYMONTH=6",
		"DTSTART:20260101T000000Z\nRRULE:FREQ=SECONDLY;INTERVAL=2;BYSECOND=1",
		"DTSTART:20260101T000000Z\nRRULE:FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=31",
	} {
		s := rrule.MustCompile(text)
		n := 0
		for range s.After(time.Date(2026, 1, 1, 0, 0, 1, 0, time.UTC)) {
			n++
		}
		if n != 0 {
			t.Errorf("%q: %d occurrences after the start", text, n)
		}
	}
}
