package rrule_test

import (
	"fmt"
	"time"

	"github.com/qunkit/qun/calendar/rrule"
)

// The founder's voice message every morning at 06:20 in Shanghai.
func Example() {
	rec, err := rrule.Parse("DTSTART;TZID=Asia/Shanghai:20261123T062000\nRRULE:FREQ=DAILY")
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := rec.Compile()
	if err != nil {
		fmt.Println(err)
		return
	}
	from := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	for t := range s.Between(from, from.AddDate(0, 0, 3)) {
		fmt.Println(t)
	}
	// Output:
	// 2026-11-26 06:20:00 +0800 CST
	// 2026-11-27 06:20:00 +0800 CST
	// 2026-11-28 06:20:00 +0800 CST
}

// A monthly live session on the last Friday at 20:00 in New York keeps its
// wall-clock time through the DST change.
func ExampleSchedule_After() {
	s := rrule.MustCompile("DTSTART;TZID=America/New_York:20260130T200000\nRRULE:FREQ=MONTHLY;BYDAY=-1FR")
	n := 0
	for t := range s.After(time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)) {
		fmt.Println(t.Format("Mon Jan 2 15:04 MST"))
		if n++; n == 3 {
			break
		}
	}
	// Output:
	// Fri Feb 27 20:00 EST
	// Fri Mar 27 20:00 EDT
	// Fri Apr 24 20:00 EDT
}

// Parse errors point at the fault.
func ExampleParse() {
	_, err := rrule.Parse("DTSTART;TZID=Asia/Shanghai:20261123T062000\nRRULE:FREQ=WEEKLY;BYDAY=1MO")
	fmt.Println(err)
	r, _ := rrule.Parse("rrule:byday=mo,we;freq=weekly\ndtstart;tzid=Asia/Shanghai:20261123T062000")
	fmt.Println(r)
	// Output:
	// rrule: line 2, column 19: by_day[0]: an ordinal is allowed only in a MONTHLY or YEARLY rule
	// DTSTART;TZID=Asia/Shanghai:20261123T062000
	// RRULE:FREQ=WEEKLY;BYDAY=MO,WE
}
