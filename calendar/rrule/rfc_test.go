package rrule_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/qunkit/qun/calendar/rrule"
)

// on returns the wall readings "YYYY-MM-DD 09:00" for the given days of a
// month, the form the RFC's examples list them in.
func on(yearMonth string, days ...int) []string {
	out := make([]string, len(days))
	for i, d := range days {
		out[i] = fmt.Sprintf("%s-%02d 09:00", yearMonth, d)
	}
	return out
}

func span(yearMonth string, from, to int) []string {
	var days []int
	for d := from; d <= to; d++ {
		days = append(days, d)
	}
	return on(yearMonth, days...)
}

func cat(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// TestRFC5545Examples checks every example of RFC 5545 §3.8.5.3,
// transcribed from the RFC's text (rfc-editor.org/rfc/rfc5545#section-3.8.5.3).
// Rules that repeat forever are compared on their first occurrences. All
// examples are in America/New_York; a wall reading of 09:00 is EDT or EST
// as the date has it, which the resolver decides.
func TestRFC5545Examples(t *testing.T) {
	const ny = "DTSTART;TZID=America/New_York:"
	tests := []struct {
		name string
		text string
		want []string // wall readings in New York, "2006-01-02 15:04"
		all  bool     // the rule ends: want is every occurrence
	}{
		{"daily for 10 occurrences", ny + "19970902T090000\nRRULE:FREQ=DAILY;COUNT=10",
			span("1997-09", 2, 11), true},
		{"daily until December 24, 1997", ny + "19970902T090000\nRRULE:FREQ=DAILY;UNTIL=19971224T000000Z",
			cat(span("1997-09", 2, 30), span("1997-10", 1, 31), span("1997-11", 1, 30), span("1997-12", 1, 23)), true},
		{"every other day, forever", ny + "19970902T090000\nRRULE:FREQ=DAILY;INTERVAL=2",
			cat(on("1997-09", 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30),
				on("1997-10", 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30),
				on("1997-11", 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29),
				on("1997-12", 1, 3)), false},
		{"every 10 days, 5 occurrences", ny + "19970902T090000\nRRULE:FREQ=DAILY;INTERVAL=10;COUNT=5",
			cat(on("1997-09", 2, 12, 22), on("1997-10", 2, 12)), true},
		{"every day in January, for 3 years (yearly)", ny + "19980101T090000\nRRULE:FREQ=YEARLY;UNTIL=20000131T140000Z;\n BYMONTH=1;BYDAY=SU,MO,TU,WE,TH,FR,SA",
			cat(span("1998-01", 1, 31), span("1999-01", 1, 31), span("2000-01", 1, 31)), true},
		{"every day in January, for 3 years (daily)", ny + "19980101T090000\nRRULE:FREQ=DAILY;UNTIL=20000131T140000Z;BYMONTH=1",
			cat(span("1998-01", 1, 31), span("1999-01", 1, 31), span("2000-01", 1, 31)), true},
		{"weekly for 10 occurrences", ny + "19970902T090000\nRRULE:FREQ=WEEKLY;COUNT=10",
			cat(on("1997-09", 2, 9, 16, 23, 30), on("1997-10", 7, 14, 21, 28), on("1997-11", 4)), true},
		{"weekly until December 24, 1997", ny + "19970902T090000\nRRULE:FREQ=WEEKLY;UNTIL=19971224T000000Z",
			cat(on("1997-09", 2, 9, 16, 23, 30), on("1997-10", 7, 14, 21, 28), on("1997-11", 4, 11, 18, 25), on("1997-12", 2, 9, 16, 23)), true},
		{"every other week, forever", ny + "19970902T090000\nRRULE:FREQ=WEEKLY;INTERVAL=2;WKST=SU",
			cat(on("1997-09", 2, 16, 30), on("1997-10", 14, 28), on("1997-11", 11, 25), on("1997-12", 9, 23), on("1998-01", 6, 20), on("1998-02", 3, 17)), false},
		{"weekly on Tuesday and Thursday for five weeks (until)", ny + "19970902T090000\nRRULE:FREQ=WEEKLY;UNTIL=19971007T000000Z;WKST=SU;BYDAY=TU,TH",
			cat(on("1997-09", 2, 4, 9, 11, 16, 18, 23, 25, 30), on("1997-10", 2)), true},
		{"weekly on Tuesday and Thursday for five weeks (count)", ny + "19970902T090000\nRRULE:FREQ=WEEKLY;COUNT=10;WKST=SU;BYDAY=TU,TH",
			cat(on("1997-09", 2, 4, 9, 11, 16, 18, 23, 25, 30), on("1997-10", 2)), true},
		{"every other week on Monday, Wednesday and Friday until December 24, 1997", ny + "19970901T090000\nRRULE:FREQ=WEEKLY;INTERVAL=2;UNTIL=19971224T000000Z;WKST=SU;\n BYDAY=MO,WE,FR",
			cat(on("1997-09", 1, 3, 5, 15, 17, 19, 29), on("1997-10", 1, 3, 13, 15, 17, 27, 29, 31), on("1997-11", 10, 12, 14, 24, 26, 28), on("1997-12", 8, 10, 12, 22)), true},
		{"every other week on Tuesday and Thursday, for 8 occurrences", ny + "19970902T090000\nRRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=8;WKST=SU;BYDAY=TU,TH",
			cat(on("1997-09", 2, 4, 16, 18, 30), on("1997-10", 2, 14, 16)), true},
		{"monthly on the first Friday for 10 occurrences", ny + "19970905T090000\nRRULE:FREQ=MONTHLY;COUNT=10;BYDAY=1FR",
			cat(on("1997-09", 5), on("1997-10", 3), on("1997-11", 7), on("1997-12", 5), on("1998-01", 2), on("1998-02", 6), on("1998-03", 6), on("1998-04", 3), on("1998-05", 1), on("1998-06", 5)), true},
		{"monthly on the first Friday until December 24, 1997", ny + "19970905T090000\nRRULE:FREQ=MONTHLY;UNTIL=19971224T000000Z;BYDAY=1FR",
			cat(on("1997-09", 5), on("1997-10", 3), on("1997-11", 7), on("1997-12", 5)), true},
		{"every other month on the first and last Sunday, 10 occurrences", ny + "19970907T090000\nRRULE:FREQ=MONTHLY;INTERVAL=2;COUNT=10;BYDAY=1SU,-1SU",
			cat(on("1997-09", 7, 28), on("1997-11", 2, 30), on("1998-01", 4, 25), on("1998-03", 1, 29), on("1998-05", 3, 31)), true},
		{"monthly on the second-to-last Monday for 6 months", ny + "19970922T090000\nRRULE:FREQ=MONTHLY;COUNT=6;BYDAY=-2MO",
			cat(on("1997-09", 22), on("1997-10", 20), on("1997-11", 17), on("1997-12", 22), on("1998-01", 19), on("1998-02", 16)), true},
		{"monthly on the third-to-the-last day, forever", ny + "19970928T090000\nRRULE:FREQ=MONTHLY;BYMONTHDAY=-3",
			cat(on("1997-09", 28), on("1997-10", 29), on("1997-11", 28), on("1997-12", 29), on("1998-01", 29), on("1998-02", 26)), false},
		{"monthly on the 2nd and 15th for 10 occurrences", ny + "19970902T090000\nRRULE:FREQ=MONTHLY;COUNT=10;BYMONTHDAY=2,15",
			cat(on("1997-09", 2, 15), on("1997-10", 2, 15), on("1997-11", 2, 15), on("1997-12", 2, 15), on("1998-01", 2, 15)), true},
		{"monthly on the first and last day for 10 occurrences", ny + "19970930T090000\nRRULE:FREQ=MONTHLY;COUNT=10;BYMONTHDAY=1,-1",
			cat(on("1997-09", 30), on("1997-10", 1, 31), on("1997-11", 1, 30), on("1997-12", 1, 31), on("1998-01", 1, 31), on("1998-02", 1)), true},
		{"every 18 months on the 10th to the 15th, 10 occurrences", ny + "19970910T090000\nRRULE:FREQ=MONTHLY;INTERVAL=18;COUNT=10;BYMONTHDAY=10,11,12,\n 13,14,15",
			cat(span("1997-09", 10, 15), span("1999-03", 10, 13)), true},
		{"every Tuesday, every other month", ny + "19970902T090000\nRRULE:FREQ=MONTHLY;INTERVAL=2;BYDAY=TU",
			cat(on("1997-09", 2, 9, 16, 23, 30), on("1997-11", 4, 11, 18, 25), on("1998-01", 6, 13, 20, 27), on("1998-03", 3, 10, 17, 24, 31)), false},
		{"yearly in June and July for 10 occurrences", ny + "19970610T090000\nRRULE:FREQ=YEARLY;COUNT=10;BYMONTH=6,7",
			cat(on("1997-06", 10), on("1997-07", 10), on("1998-06", 10), on("1998-07", 10), on("1999-06", 10), on("1999-07", 10),
				on("2000-06", 10), on("2000-07", 10), on("2001-06", 10), on("2001-07", 10)), true},
		{"every other year on January, February and March for 10 occurrences", ny + "19970310T090000\nRRULE:FREQ=YEARLY;INTERVAL=2;COUNT=10;BYMONTH=1,2,3",
			cat(on("1997-03", 10), on("1999-01", 10), on("1999-02", 10), on("1999-03", 10), on("2001-01", 10), on("2001-02", 10), on("2001-03", 10),
				on("2003-01", 10), on("2003-02", 10), on("2003-03", 10)), true},
		{"every third year on the 1st, 100th and 200th day for 10 occurrences", ny + "19970101T090000\nRRULE:FREQ=YEARLY;INTERVAL=3;COUNT=10;BYYEARDAY=1,100,200",
			cat(on("1997-01", 1), on("1997-04", 10), on("1997-07", 19), on("2000-01", 1), on("2000-04", 9), on("2000-07", 18),
				on("2003-01", 1), on("2003-04", 10), on("2003-07", 19), on("2006-01", 1)), true},
		{"every 20th Monday of the year, forever", ny + "19970519T090000\nRRULE:FREQ=YEARLY;BYDAY=20MO",
			cat(on("1997-05", 19), on("1998-05", 18), on("1999-05", 17)), false},
		{"Monday of week number 20, forever", ny + "19970512T090000\nRRULE:FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO",
			cat(on("1997-05", 12), on("1998-05", 11), on("1999-05", 17)), false},
		{"every Thursday in March, forever", ny + "19970313T090000\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=TH",
			cat(on("1997-03", 13, 20, 27), on("1998-03", 5, 12, 19, 26), on("1999-03", 4, 11, 18, 25)), false},
		{"every Thursday in June, July and August, forever", ny + "19970605T090000\nRRULE:FREQ=YEARLY;BYDAY=TH;BYMONTH=6,7,8",
			cat(on("1997-06", 5, 12, 19, 26), on("1997-07", 3, 10, 17, 24, 31), on("1997-08", 7, 14, 21, 28),
				on("1998-06", 4, 11, 18, 25), on("1998-07", 2, 9, 16, 23, 30), on("1998-08", 6, 13, 20, 27),
				on("1999-06", 3, 10, 17, 24), on("1999-07", 1, 8, 15, 22, 29), on("1999-08", 5, 12, 19, 26)), false},
		{"every Friday the 13th, forever", ny + "19970902T090000\nEXDATE;TZID=America/New_York:19970902T090000\nRRULE:FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13",
			cat(on("1998-02", 13), on("1998-03", 13), on("1998-11", 13), on("1999-08", 13), on("2000-10", 13)), false},
		{"the first Saturday that follows the first Sunday of the month, forever", ny + "19970913T090000\nRRULE:FREQ=MONTHLY;BYDAY=SA;BYMONTHDAY=7,8,9,10,11,12,13",
			cat(on("1997-09", 13), on("1997-10", 11), on("1997-11", 8), on("1997-12", 13), on("1998-01", 10), on("1998-02", 7), on("1998-03", 7),
				on("1998-04", 11), on("1998-05", 9), on("1998-06", 13)), false},
		{"every 4 years, U.S. Presidential Election day", ny + "19961105T090000\nRRULE:FREQ=YEARLY;INTERVAL=4;BYMONTH=11;BYDAY=TU;\n BYMONTHDAY=2,3,4,5,6,7,8",
			cat(on("1996-11", 5), on("2000-11", 7), on("2004-11", 2)), false},
		{"the third instance of Tuesday, Wednesday or Thursday, for 3 months", ny + "19970904T090000\nRRULE:FREQ=MONTHLY;COUNT=3;BYDAY=TU,WE,TH;BYSETPOS=3",
			cat(on("1997-09", 4), on("1997-10", 7), on("1997-11", 6)), true},
		{"the second-to-last weekday of the month", ny + "19970929T090000\nRRULE:FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-2",
			cat(on("1997-09", 29), on("1997-10", 30), on("1997-11", 27), on("1997-12", 30), on("1998-01", 29), on("1998-02", 26), on("1998-03", 30)), false},
		// The RFC lists 09:00, 12:00 and 15:00 for this rule, but its UNTIL,
		// 17:00Z, is 13:00 EDT, which ends the rule after 12:00: the example
		// meant 17:00 local time, 21:00Z. Both readings are checked.
		{"every 3 hours from 9:00 to 17:00 (as corrected)", ny + "19970902T090000\nRRULE:FREQ=HOURLY;INTERVAL=3;UNTIL=19970902T210000Z",
			[]string{"1997-09-02 09:00", "1997-09-02 12:00", "1997-09-02 15:00"}, true},
		{"every 3 hours from 9:00 until 17:00Z (as printed)", ny + "19970902T090000\nRRULE:FREQ=HOURLY;INTERVAL=3;UNTIL=19970902T170000Z",
			[]string{"1997-09-02 09:00", "1997-09-02 12:00"}, true},
		{"every 15 minutes for 6 occurrences", ny + "19970902T090000\nRRULE:FREQ=MINUTELY;INTERVAL=15;COUNT=6",
			[]string{"1997-09-02 09:00", "1997-09-02 09:15", "1997-09-02 09:30", "1997-09-02 09:45", "1997-09-02 10:00", "1997-09-02 10:15"}, true},
		{"every hour and a half for 4 occurrences", ny + "19970902T090000\nRRULE:FREQ=MINUTELY;INTERVAL=90;COUNT=4",
			[]string{"1997-09-02 09:00", "1997-09-02 10:30", "1997-09-02 12:00", "1997-09-02 13:30"}, true},
		{"every 20 minutes from 9:00 to 16:40 every day (daily)", ny + "19970902T090000\nRRULE:FREQ=DAILY;BYHOUR=9,10,11,12,13,14,15,16;BYMINUTE=0,20,40",
			everyTwentyMinutes(), false},
		{"every 20 minutes from 9:00 to 16:40 every day (minutely)", ny + "19970902T090000\nRRULE:FREQ=MINUTELY;INTERVAL=20;BYHOUR=9,10,11,12,13,14,15,16",
			everyTwentyMinutes(), false},
		{"WKST makes a difference: MO", ny + "19970805T090000\nRRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO",
			on("1997-08", 5, 10, 19, 24), true},
		{"WKST makes a difference: SU", ny + "19970805T090000\nRRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU",
			on("1997-08", 5, 17, 19, 31), true},
		{"an invalid date (February 30) is ignored", ny + "20070115T090000\nRRULE:FREQ=MONTHLY;BYMONTHDAY=15,30;COUNT=5",
			cat(on("2007-01", 15, 30), on("2007-02", 15), on("2007-03", 15, 30)), true},
	}
	newYork, _ := time.LoadLocation("America/New_York")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := rrule.MustCompile(tt.text)
			var got []string
			limit := len(tt.want)
			if tt.all {
				limit = len(tt.want) + 5 // to see that it ends
			}
			for occ := range s.After(time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)) {
				if occ.Location().String() != newYork.String() {
					t.Fatalf("occurrence %v is not in America/New_York", occ)
				}
				got = append(got, occ.Format("2006-01-02 15:04"))
				if len(got) == limit {
					break
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("occurrences (-RFC +got):\n%s", diff)
			}
		})
	}
}

func everyTwentyMinutes() []string {
	var out []string
	for _, day := range []string{"1997-09-02", "1997-09-03"} {
		for h := 9; h <= 16; h++ {
			for _, m := range []int{0, 20, 40} {
				out = append(out, fmt.Sprintf("%s %02d:%02d", day, h, m))
			}
		}
	}
	return out
}
