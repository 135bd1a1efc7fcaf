package qun_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/qunkit/qun"
	"pgregory.net/rapid"
)

// loadLoc loads a zone from the IANA database; rapid.TB lets property tests
// use it too.
func loadLoc(t rapid.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("time zone database: %v", err)
	}
	return loc
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestParseDate(t *testing.T) {
	good := map[string]qun.Date{
		"2026-11-22": {Year: 2026, Month: time.November, Day: 22},
		"0001-01-01": {Year: 1, Month: time.January, Day: 1},
		"9999-12-31": {Year: 9999, Month: time.December, Day: 31},
		"2024-02-29": {Year: 2024, Month: time.February, Day: 29},
	}
	for in, want := range good {
		got, err := qun.ParseDate(in)
		if err != nil || got != want {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", in, got, err, want)
		}
		if got.String() != in {
			t.Errorf("%v.String() = %q, want %q", got, got.String(), in)
		}
	}
	bad := []struct {
		in     string
		offset int
		msg    string
	}{
		{"", 0, "YYYY-MM-DD"},
		{"2026-1-22", 6, "YYYY-MM-DD"},
		{"2026/11/22", 4, "YYYY-MM-DD"},
		{"2026-11-22T00:00", 10, "unexpected text"},
		{"0000-01-01", 0, "0001 or later"},
		{"2026-13-01", 5, "01 to 12"},
		{"2026-02-29", 8, "February 2026 has 28 days"},
		{"2026-04-31", 8, "April 2026 has 30 days"},
	}
	for _, tt := range bad {
		_, err := qun.ParseDate(tt.in)
		var se *qun.SyntaxError
		if !errors.As(err, &se) || se.Offset != tt.offset || !strings.Contains(se.Msg, tt.msg) {
			t.Errorf("ParseDate(%q) = %v, want a SyntaxError at %d containing %q", tt.in, err, tt.offset, tt.msg)
		}
	}
}

func TestDateJSON(t *testing.T) {
	type holiday struct {
		On   qun.Date `json:"on"`
		Till qun.Date `json:"till,omitzero"`
	}
	data, err := json.Marshal(holiday{On: qun.Date{Year: 2026, Month: time.October, Day: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != `{"on":"2026-10-01"}` {
		t.Errorf("Marshal = %s", data)
	}
	var h holiday
	if err := json.Unmarshal([]byte(`{"on":"2026-10-01","till":""}`), &h); err != nil || h.On.Day != 1 || !h.Till.IsZero() {
		t.Errorf("Unmarshal = %+v, %v", h, err)
	}
	if _, err := json.Marshal(qun.Date{Year: 2026, Month: 2, Day: 30}); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("Marshal of February 30: %v, want ErrInvalid", err)
	}
	if err := json.Unmarshal([]byte(`{"on":"2026-02-30"}`), &h); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("Unmarshal of February 30: %v, want ErrInvalid", err)
	}
}

func TestDateArithmetic(t *testing.T) {
	d := qun.Date{Year: 2026, Month: time.December, Day: 30}
	if got := d.AddDays(3); got != (qun.Date{Year: 2027, Month: time.January, Day: 2}) {
		t.Errorf("AddDays(3) = %v", got)
	}
	if got := (qun.Date{Year: 2024, Month: time.March, Day: 1}).AddDays(-1); got.Day != 29 {
		t.Errorf("2024-03-01 - 1 = %v", got)
	}
	if got := (qun.Date{Year: 2026, Month: time.February, Day: 30}).AddDays(0); got != (qun.Date{Year: 2026, Month: time.March, Day: 2}) {
		t.Errorf("February 30 normalizes to %v, want 2026-03-02", got)
	}
	if got := (qun.Date{Year: 2027, Month: 1, Day: 2}).DaysSince(d); got != 3 {
		t.Errorf("DaysSince = %d", got)
	}
	if !d.Before(d.AddDays(1)) || d.After(d) || d.Compare(d) != 0 {
		t.Error("comparisons disagree with AddDays")
	}
	if got := (qun.Date{Year: 2026, Month: time.November, Day: 22}).Weekday(); got != time.Sunday {
		t.Errorf("2026-11-22 is a %v, want Sunday", got)
	}
}

// Day numbers, weekdays and the order of dates agree with package time
// across the whole range of valid dates.
func TestDateAgreesWithTimeProperty(t *testing.T) {
	epoch := qun.Date{Year: 1970, Month: time.January, Day: 1}
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(-719162, 2932896).Draw(t, "days since 1970") // 0001-01-01 to 9999-12-31
		tm := time.Unix(int64(n)*86400, 0).UTC()
		want := qun.DateOf(tm)
		got := epoch.AddDays(n)
		if got != want {
			t.Fatalf("1970-01-01 + %d days = %v, want %v", n, got, want)
		}
		if !got.IsValid() {
			t.Fatalf("%v is not valid", got)
		}
		if got.DaysSince(epoch) != n {
			t.Fatalf("%v.DaysSince(epoch) = %d, want %d", got, got.DaysSince(epoch), n)
		}
		if got.Weekday() != tm.Weekday() {
			t.Fatalf("%v.Weekday() = %v, want %v", got, got.Weekday(), tm.Weekday())
		}
		m := rapid.IntRange(-719162, 2932896).Draw(t, "other")
		if c := got.Compare(epoch.AddDays(m)); c != cmpInt(n, m) {
			t.Fatalf("Compare(%d, %d) = %d", n, m, c)
		}
		back, err := qun.ParseDate(got.String())
		if err != nil || back != got {
			t.Fatalf("ParseDate(%q) = %v, %v", got.String(), back, err)
		}
	})
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// The instants of wall clock times around real DST changes, read off the IANA
// database: see the transitions listed in each case.
func TestDateAt(t *testing.T) {
	type at struct{ h, m int }
	tests := []struct {
		name string
		zone string
		date qun.Date
		at   at
		want string // UTC
	}{
		// America/New_York 2026-03-08: 01:59:59 EST -> 03:00:00 EDT (07:00Z).
		{"before the gap", "America/New_York", qun.Date{Year: 2026, Month: 3, Day: 8}, at{1, 59}, "2026-03-08T06:59:00Z"},
		{"inside the gap reads with the offset before it", "America/New_York", qun.Date{Year: 2026, Month: 3, Day: 8}, at{2, 30}, "2026-03-08T07:30:00Z"},
		{"the gap's first minute", "America/New_York", qun.Date{Year: 2026, Month: 3, Day: 8}, at{2, 0}, "2026-03-08T07:00:00Z"},
		{"after the gap", "America/New_York", qun.Date{Year: 2026, Month: 3, Day: 8}, at{3, 0}, "2026-03-08T07:00:00Z"},
		// America/New_York 2026-11-01: 01:59:59 EDT -> 01:00:00 EST (06:00Z).
		{"a repeated time is its first occurrence", "America/New_York", qun.Date{Year: 2026, Month: 11, Day: 1}, at{1, 30}, "2026-11-01T05:30:00Z"},
		{"the repeated hour's start", "America/New_York", qun.Date{Year: 2026, Month: 11, Day: 1}, at{1, 0}, "2026-11-01T05:00:00Z"},
		{"after the repeated hour", "America/New_York", qun.Date{Year: 2026, Month: 11, Day: 1}, at{2, 0}, "2026-11-01T07:00:00Z"},
		// Europe/London 2026-03-29: 00:59:59 GMT -> 02:00:00 BST; 2026-10-25: 01:59:59 BST -> 01:00:00 GMT.
		{"London gap", "Europe/London", qun.Date{Year: 2026, Month: 3, Day: 29}, at{1, 30}, "2026-03-29T01:30:00Z"},
		{"London overlap", "Europe/London", qun.Date{Year: 2026, Month: 10, Day: 25}, at{1, 30}, "2026-10-25T00:30:00Z"},
		// Australia/Lord_Howe moves by half an hour: 2026-10-04 01:59:59 +1030 -> 02:30 +11;
		// 2026-04-05 01:59:59 +11 -> 01:30 +1030.
		{"half-hour gap", "Australia/Lord_Howe", qun.Date{Year: 2026, Month: 10, Day: 4}, at{2, 15}, "2026-10-03T15:45:00Z"},
		{"half-hour overlap", "Australia/Lord_Howe", qun.Date{Year: 2026, Month: 4, Day: 5}, at{1, 45}, "2026-04-04T14:45:00Z"},
		// America/Santiago changes at midnight: 2026-09-05 23:59:59 -04 -> 2026-09-06 01:00 -03;
		// 2026-04-04 23:59:59 -03 -> 23:00 -04.
		{"midnight skipped", "America/Santiago", qun.Date{Year: 2026, Month: 9, Day: 6}, at{0, 0}, "2026-09-06T04:00:00Z"},
		{"late evening repeated", "America/Santiago", qun.Date{Year: 2026, Month: 4, Day: 4}, at{23, 30}, "2026-04-05T02:30:00Z"},
		{"midnight after the repeat", "America/Santiago", qun.Date{Year: 2026, Month: 4, Day: 5}, at{0, 0}, "2026-04-05T04:00:00Z"},
		// Pacific/Apia skipped 2011-12-30 entirely: 2011-12-29 23:59:59 -10 -> 2011-12-31 00:00 +14.
		{"a skipped day", "Pacific/Apia", qun.Date{Year: 2011, Month: 12, Day: 30}, at{12, 0}, "2011-12-30T22:00:00Z"},
		{"no DST at all", "Asia/Shanghai", qun.Date{Year: 2026, Month: 11, Day: 22}, at{6, 20}, "2026-11-21T22:20:00Z"},
		{"hour 24 is the next midnight", "Asia/Shanghai", qun.Date{Year: 2026, Month: 11, Day: 22}, at{24, 0}, "2026-11-22T16:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loc := loadLoc(t, tt.zone)
			got := tt.date.At(tt.at.h, tt.at.m, 0, 0, loc)
			if want := utc(tt.want); !got.Equal(want) {
				t.Errorf("%v.At(%02d:%02d, %s) = %v, want %v", tt.date, tt.at.h, tt.at.m, tt.zone, got.UTC(), want)
			}
			if got.Location() != loc {
				t.Errorf("result is in %v, want %v", got.Location(), loc)
			}
		})
	}
}

func TestDateStart(t *testing.T) {
	tests := []struct {
		zone string
		date qun.Date
		want string
	}{
		{"Asia/Shanghai", qun.Date{Year: 2026, Month: 11, Day: 22}, "2026-11-21T16:00:00Z"},
		// America/Sao_Paulo 2018-11-03 23:59:59 -03 -> 2018-11-04 01:00 -02: the day began at 01:00.
		{"America/Sao_Paulo", qun.Date{Year: 2018, Month: 11, Day: 4}, "2018-11-04T03:00:00Z"},
		{"America/Santiago", qun.Date{Year: 2026, Month: 9, Day: 6}, "2026-09-06T04:00:00Z"},
		// America/Toronto 1919-03-30 23:30 EST -> 1919-03-31 00:30 EDT: the day began at the jump.
		{"America/Toronto", qun.Date{Year: 1919, Month: 3, Day: 31}, "1919-03-31T04:30:00Z"},
		// A skipped day begins and ends at the same instant.
		{"Pacific/Apia", qun.Date{Year: 2011, Month: 12, Day: 30}, "2011-12-30T10:00:00Z"},
		{"Pacific/Apia", qun.Date{Year: 2011, Month: 12, Day: 31}, "2011-12-30T10:00:00Z"},
	}
	for _, tt := range tests {
		got := tt.date.Start(loadLoc(t, tt.zone))
		if !got.Equal(utc(tt.want)) {
			t.Errorf("%v.Start(%s) = %v, want %s", tt.date, tt.zone, got.UTC(), tt.want)
		}
		if qun.DateOf(got) != tt.date && tt.zone != "Pacific/Apia" {
			t.Errorf("%v.Start(%s) falls on %v", tt.date, tt.zone, qun.DateOf(got))
		}
	}
	if got := (qun.Date{Year: 2026, Month: 1, Day: 1}).Start(nil); !got.Equal(utc("2026-01-01T00:00:00Z")) {
		t.Errorf("Start(nil) = %v, want UTC midnight", got)
	}
}

// dstZones change their UTC offset in interesting ways: an hour, half an
// hour, at midnight, a whole day, or not at all.
var dstZones = []string{
	"America/New_York", "Europe/London", "Australia/Lord_Howe", "America/Santiago",
	"America/Sao_Paulo", "Pacific/Apia", "Asia/Shanghai", "Asia/Kolkata", "Pacific/Chatham",
	"Europe/Dublin", "Africa/Casablanca", "America/St_Johns", "Asia/Tehran",
}

// transitionsIn lists the instants at which loc changes its offset in the
// given year. It steps over the bounds Go reports that are not changes of
// offset, or that do not move forward (golang/go#81583).
func transitionsIn(loc *time.Location, year int) []time.Time {
	var out []time.Time
	t := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(year+1, 1, 1, 0, 0, 0, 0, time.UTC)
	for t.Before(end) {
		_, next := t.In(loc).ZoneBounds()
		if next.IsZero() || !next.Before(end) {
			return out
		}
		if !next.After(t) {
			t = t.Add(time.Hour)
			continue
		}
		_, before := next.Add(-time.Nanosecond).In(loc).Zone()
		if _, after := next.In(loc).Zone(); after != before {
			out = append(out, next)
		}
		t = next
	}
	return out
}

// drawWallNearTransition draws a zone and a wall clock time within two hours
// of one of the zone's offset changes (or anywhere, for zones without).
func drawWallNearTransition(t *rapid.T) (loc *time.Location, d qun.Date, h, m int) {
	loc = loadLoc(t, rapid.SampledFrom(dstZones).Draw(t, "zone"))
	year := rapid.IntRange(1995, 2035).Draw(t, "year")
	var around time.Time
	if tr := transitionsIn(loc, year); len(tr) > 0 {
		around = rapid.SampledFrom(tr).Draw(t, "transition")
	} else {
		around = time.Date(year, time.Month(rapid.IntRange(1, 12).Draw(t, "month")), 15, 12, 0, 0, 0, time.UTC)
	}
	w := around.In(loc).Add(time.Duration(rapid.IntRange(-150, 150).Draw(t, "minutes")) * time.Minute)
	return loc, qun.DateOf(w), w.Hour(), w.Minute()
}

// At meets its specification near real offset changes: a wall time that
// exists maps to its earliest instant; one that does not maps to the instant
// it would have had under the offset in force before the gap.
func TestDateAtProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		loc, d, h, m := drawWallNearTransition(t)
		got := d.At(h, m, 0, 0, loc)
		wall := time.Date(d.Year, d.Month, d.Day, h, m, 0, 0, time.UTC)
		wallOf := func(u time.Time) time.Time {
			_, off := u.In(loc).Zone()
			return u.Add(time.Duration(off) * time.Second)
		}
		// Every instant whose wall clock reads wall is wall minus an offset
		// within ±15h; search the quarter hours.
		var first time.Time
		for o := -15 * 60; o <= 15*60; o += 15 {
			u := wall.Add(-time.Duration(o) * time.Minute)
			if wallOf(u).Equal(wall) && (first.IsZero() || u.Before(first)) {
				first = u
			}
		}
		if !first.IsZero() {
			if !got.Equal(first) {
				t.Fatalf("%v %02d:%02d in %v: At = %v, want the first instant %v", d, h, m, loc, got, first.In(loc))
			}
			return
		}
		// A skipped wall time lies in the gap of a transition T, where the
		// offset rose from a to b: T+a <= wall < T+b. It reads with a.
		for year := d.Year - 1; year <= d.Year+1; year++ {
			for _, tr := range transitionsIn(loc, year) {
				_, a := tr.Add(-time.Nanosecond).In(loc).Zone()
				_, b := tr.In(loc).Zone()
				from, to := tr.Add(time.Duration(a)*time.Second), tr.Add(time.Duration(b)*time.Second)
				if !wall.Before(from) && wall.Before(to) {
					if want := wall.Add(-time.Duration(a) * time.Second); !got.Equal(want) {
						t.Fatalf("%v %02d:%02d in %v is skipped at %v; At = %v, want %v", d, h, m, loc, tr, got, want)
					}
					return
				}
			}
		}
		t.Fatalf("%v %02d:%02d in %v: no instant reads it and no gap holds it", d, h, m, loc)
	})
}

// On one day, a later wall clock time is never an earlier instant.
func TestDateAtMonotoneProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		loc, d, h, m := drawWallNearTransition(t)
		later := rapid.IntRange(0, 180).Draw(t, "later by minutes")
		h2, m2 := h+(m+later)/60, (m+later)%60
		if h2 >= 24 {
			return
		}
		a, b := d.At(h, m, 0, 0, loc), d.At(h2, m2, 0, 0, loc)
		if b.Before(a) {
			t.Fatalf("%v in %v: %02d:%02d is %v but %02d:%02d is earlier, %v", d, loc, h, m, a, h2, m2, b)
		}
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2026-11-22", "0001-01-01", "9999-12-31", "2024-02-29", "2026-02-29", "2026-1-1", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := qun.ParseDate(s)
		if err != nil {
			var se *qun.SyntaxError
			if !errors.As(err, &se) || se.Offset < 0 || se.Offset > len(s) {
				t.Fatalf("ParseDate(%q) error %v is not a SyntaxError within the input", s, err)
			}
			return
		}
		if !d.IsValid() || d.String() != s {
			t.Fatalf("ParseDate(%q) = %v, valid %v", s, d, d.IsValid())
		}
	})
}
