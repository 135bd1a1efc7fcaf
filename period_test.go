package qun_test

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/qunkit/qun"
	"pgregory.net/rapid"
)

func date(y int, m time.Month, d int) qun.Date { return qun.Date{Year: y, Month: m, Day: d} }

func TestCalendarPeriodOn(t *testing.T) {
	monday := qun.Calendar{WeekStart: time.Monday}
	sunday := qun.Calendar{}
	tests := []struct {
		cal   qun.Calendar
		grain qun.Grain
		day   qun.Date
		want  qun.Period
	}{
		{monday, qun.Day, date(2026, 11, 22), qun.Period{Grain: qun.Day, First: date(2026, 11, 22)}},
		// 2026-11-22 is a Sunday: the last day of a Monday week, the first of a Sunday week.
		{monday, qun.Week, date(2026, 11, 22), qun.Period{Grain: qun.Week, First: date(2026, 11, 16)}},
		{sunday, qun.Week, date(2026, 11, 22), qun.Period{Grain: qun.Week, First: date(2026, 11, 22)}},
		{monday, qun.Week, date(2026, 11, 23), qun.Period{Grain: qun.Week, First: date(2026, 11, 23)}},
		// Weeks run across the new year.
		{monday, qun.Week, date(2027, 1, 1), qun.Period{Grain: qun.Week, First: date(2026, 12, 28)}},
		{monday, qun.Month, date(2026, 11, 22), qun.Period{Grain: qun.Month, First: date(2026, 11, 1)}},
		{monday, qun.Quarter, date(2026, 11, 22), qun.Period{Grain: qun.Quarter, First: date(2026, 10, 1)}},
		{monday, qun.Quarter, date(2026, 3, 31), qun.Period{Grain: qun.Quarter, First: date(2026, 1, 1)}},
		{monday, qun.Year, date(2026, 11, 22), qun.Period{Grain: qun.Year, First: date(2026, 1, 1)}},
		{monday, qun.Grain(0), date(2026, 11, 22), qun.Period{}},
	}
	for _, tt := range tests {
		if got := tt.cal.PeriodOn(tt.grain, tt.day); got != tt.want {
			t.Errorf("week start %v: PeriodOn(%v, %v) = %v, want %v", tt.cal.WeekStart, tt.grain, tt.day, got, tt.want)
		}
	}
}

// A member's day is their local day: the same instant is Saturday evening in
// New York and Sunday morning in Shanghai.
func TestCalendarPeriodInZone(t *testing.T) {
	instant := utc("2026-11-22T01:30:00Z")
	ny := qun.Calendar{Zone: qun.MustLoadZone("America/New_York")}
	sh := qun.Calendar{Zone: qun.MustLoadZone("Asia/Shanghai")}
	if got := ny.Date(instant); got != date(2026, 11, 21) {
		t.Errorf("New York date = %v", got)
	}
	if got := sh.Date(instant); got != date(2026, 11, 22) {
		t.Errorf("Shanghai date = %v", got)
	}
	if got := sh.Start(qun.Day, instant); !got.Equal(utc("2026-11-21T16:00:00Z")) {
		t.Errorf("Shanghai day start = %v", got)
	}
	if got, want := sh.Index(qun.Day, instant)-ny.Index(qun.Day, instant), int64(1); got != want {
		t.Errorf("Shanghai is %d days ahead, want %d", got, want)
	}
}

// Local days across DST changes last 23 and 25 hours; a period is
// [Start, End).
func TestPeriodStartEndAcrossDST(t *testing.T) {
	ny := loadLoc(t, "America/New_York")
	tests := []struct {
		p    qun.Period
		want time.Duration
	}{
		{qun.Period{Grain: qun.Day, First: date(2026, 3, 8)}, 23 * time.Hour},
		{qun.Period{Grain: qun.Day, First: date(2026, 11, 1)}, 25 * time.Hour},
		{qun.Period{Grain: qun.Day, First: date(2026, 11, 2)}, 24 * time.Hour},
		{qun.Period{Grain: qun.Week, First: date(2026, 3, 2)}, 7*24*time.Hour - time.Hour},
		{qun.Period{Grain: qun.Month, First: date(2026, 11, 1)}, 30*24*time.Hour + time.Hour},
		{qun.Period{Grain: qun.Year, First: date(2026, 1, 1)}, 365 * 24 * time.Hour},
	}
	for _, tt := range tests {
		if got := tt.p.End(ny).Sub(tt.p.Start(ny)); got != tt.want {
			t.Errorf("%v lasts %v in New York, want %v", tt.p, got, tt.want)
		}
	}
}

// Week 0 is the week that holds 1970-01-01, whatever day weeks begin on.
func TestWeekIndexEpoch(t *testing.T) {
	epoch := date(1970, 1, 1)
	for ws := time.Sunday; ws <= time.Saturday; ws++ {
		cal := qun.Calendar{WeekStart: ws}
		if got := cal.PeriodOn(qun.Week, epoch).Index(); got != 0 {
			t.Errorf("weeks from %v: the week of 1970-01-01 has index %d", ws, got)
		}
		if got := cal.PeriodOn(qun.Week, epoch.AddDays(-7)).Index(); got != -1 {
			t.Errorf("weeks from %v: the week before has index %d", ws, got)
		}
	}
	if got := (qun.Period{Grain: qun.Month, First: date(2026, 11, 1)}).Index(); got != 24322 {
		t.Errorf("2026-11 has index %d", got)
	}
}

// Where the clocks turned back across midnight, a local date repeats: an
// instant of the second run is named by its wall-clock date but lies after
// that day's End, as Period.End documents. America/St_Johns, 2009-11-01:
// 00:00:59 NDT became 23:00:59 NST on 10-31 (02:31Z).
func TestRepeatedLocalDate(t *testing.T) {
	cal := qun.Calendar{Zone: qun.MustLoadZone("America/St_Johns")}
	instant := utc("2009-11-01T02:45:00Z") // 23:15 NST, the second 23:15 of 10-31
	p := cal.Period(qun.Day, instant)
	if p.First != date(2009, 10, 31) {
		t.Fatalf("Period = %v, want 2009-10-31", p)
	}
	if end := p.End(cal.Location()); instant.Before(end) {
		t.Errorf("the second run of 10-31 at %v lies before the day's End %v; the documented exception changed", instant, end)
	}
}

func TestPeriodMethods(t *testing.T) {
	m := qun.Period{Grain: qun.Month, First: date(2024, 2, 1)}
	if got := m.Days(); got != 29 {
		t.Errorf("February 2024 has %d days", got)
	}
	if got := m.Last(); got != date(2024, 2, 29) {
		t.Errorf("Last = %v", got)
	}
	if got := m.Add(-2); got != (qun.Period{Grain: qun.Month, First: date(2023, 12, 1)}) {
		t.Errorf("Add(-2) = %v", got)
	}
	if !m.Contains(date(2024, 2, 29)) || m.Contains(date(2024, 3, 1)) || m.Contains(date(2024, 1, 31)) {
		t.Error("Contains is wrong at the edges")
	}
	q := qun.Period{Grain: qun.Quarter, First: date(2026, 10, 1)}
	if got := q.Next(); got != (qun.Period{Grain: qun.Quarter, First: date(2027, 1, 1)}) {
		t.Errorf("Next quarter = %v", got)
	}
	invalid := []qun.Period{
		{},
		{Grain: qun.Month, First: date(2026, 11, 2)},
		{Grain: qun.Quarter, First: date(2026, 11, 1)},
		{Grain: qun.Year, First: date(2026, 2, 1)},
		{Grain: qun.Day, First: date(2026, 2, 30)},
		{Grain: qun.Grain(9), First: date(2026, 1, 1)},
	}
	for _, p := range invalid {
		if p.IsValid() {
			t.Errorf("%#v is valid", p)
		}
		if _, err := p.MarshalText(); !errors.Is(err, qun.ErrInvalid) {
			t.Errorf("MarshalText(%#v) = %v, want ErrInvalid", p, err)
		}
	}
}

func TestPeriodText(t *testing.T) {
	tests := []struct {
		p    qun.Period
		text string
	}{
		{qun.Period{Grain: qun.Day, First: date(2026, 11, 22)}, "2026-11-22"},
		{qun.Period{Grain: qun.Week, First: date(2026, 11, 16)}, "2026-11-16/P1W"},
		{qun.Period{Grain: qun.Month, First: date(2026, 11, 1)}, "2026-11"},
		{qun.Period{Grain: qun.Quarter, First: date(2026, 10, 1)}, "2026-Q4"},
		{qun.Period{Grain: qun.Year, First: date(2026, 1, 1)}, "2026"},
	}
	for _, tt := range tests {
		if got := tt.p.String(); got != tt.text {
			t.Errorf("String() = %q, want %q", got, tt.text)
		}
		got, err := qun.ParsePeriod(tt.text)
		if err != nil || got != tt.p {
			t.Errorf("ParsePeriod(%q) = %v, %v; want %v", tt.text, got, err, tt.p)
		}
	}
	bad := []struct {
		in     string
		offset int
	}{
		{"", 0}, {"26", 0}, {"2026-Q5", 6}, {"2026-Q", 6}, {"2026-13", 5}, {"2026-1", 6},
		{"0000", 0}, {"2026-11-31", 8}, {"2026-11-16/P2W", 10}, {"20x6", 2},
	}
	for _, tt := range bad {
		_, err := qun.ParsePeriod(tt.in)
		var se *qun.SyntaxError
		if !errors.As(err, &se) || se.Offset != tt.offset {
			t.Errorf("ParsePeriod(%q) = %v, want a SyntaxError at %d", tt.in, err, tt.offset)
		}
	}
}

func genPeriod(weekStart time.Weekday) *rapid.Generator[qun.Period] {
	return rapid.Custom(func(t *rapid.T) qun.Period {
		g := qun.Grain(rapid.IntRange(int(qun.Day), int(qun.Year)).Draw(t, "grain"))
		d := date(1970, 1, 1).AddDays(rapid.IntRange(-700000, 2900000).Draw(t, "day"))
		return qun.Calendar{WeekStart: weekStart}.PeriodOn(g, d)
	})
}

// Index numbers consecutive periods consecutively, PeriodAt inverts it, and
// the text form round-trips, for every grain and week start.
func TestPeriodIndexProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ws := time.Weekday(rapid.IntRange(0, 6).Draw(t, "week start"))
		cal := qun.Calendar{WeekStart: ws}
		p := genPeriod(ws).Draw(t, "period")
		if !p.IsValid() {
			t.Fatalf("PeriodOn gave an invalid period %#v", p)
		}
		if got := cal.PeriodAt(p.Grain, p.Index()); got != p {
			t.Fatalf("PeriodAt(%v, %d) = %v, want %v", p.Grain, p.Index(), got, p)
		}
		n := rapid.IntRange(-500, 500).Draw(t, "n")
		if got, want := p.Add(n).Index(), p.Index()+int64(n); got != want {
			t.Fatalf("%v.Add(%d).Index() = %d, want %d", p, n, got, want)
		}
		if !p.Contains(p.First) || !p.Contains(p.Last()) || p.Contains(p.Next().First) || p.Contains(p.First.AddDays(-1)) {
			t.Fatalf("%v does not contain exactly First..Last", p)
		}
		if got := cal.PeriodOn(p.Grain, p.Last()); got != p {
			t.Fatalf("the period of %v's last day is %v", p, got)
		}
		if p.Grain == qun.Week && p.First.Weekday() != ws {
			t.Fatalf("week %v begins on a %v, want %v", p, p.First.Weekday(), ws)
		}
		text, err := p.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back qun.Period
		if err := back.UnmarshalText(text); err != nil || back != p {
			t.Fatalf("UnmarshalText(%q) = %v, %v; want %v", text, back, err, p)
		}
	})
}

// Every instant falls in the period whose [Start, End) holds it, in every
// zone, DST or not, except where the clocks turned back across midnight and
// the local date repeated (see Period.End).
func TestCalendarPeriodHoldsInstantProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		zone := qun.MustLoadZone(rapid.SampledFrom(dstZones).Draw(t, "zone"))
		loc := zone.Location()
		cal := qun.Calendar{Zone: zone, WeekStart: time.Weekday(rapid.IntRange(0, 6).Draw(t, "week start"))}
		g := qun.Grain(rapid.IntRange(int(qun.Day), int(qun.Year)).Draw(t, "grain"))
		year := rapid.IntRange(1990, 2035).Draw(t, "year")
		instant := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(rapid.Int64Range(0, 365*86400).Draw(t, "second")) * time.Second)
		if tr := transitionsIn(loc, year); len(tr) > 0 && rapid.Bool().Draw(t, "near a transition") {
			instant = rapid.SampledFrom(tr).Draw(t, "transition").Add(time.Duration(rapid.IntRange(-3*3600, 3*3600).Draw(t, "offset")) * time.Second)
		}
		p := cal.Period(g, instant)
		start, end := p.Start(loc), p.End(loc)
		if instant.Before(start) || !instant.Before(end) {
			for _, tr := range append(transitionsIn(loc, year-1), transitionsIn(loc, year)...) {
				if d := instant.Sub(tr); d >= -26*time.Hour && d <= 26*time.Hour &&
					qun.DateOf(tr.In(loc)).Before(qun.DateOf(tr.Add(-time.Nanosecond).In(loc))) {
					return // the local date went back at tr
				}
			}
			t.Fatalf("%v in %v: period %v is [%v, %v)", instant, zone, p, start, end)
		}
		if got := cal.Start(g, instant); !got.Equal(start) {
			t.Fatalf("Start = %v, want %v", got, start)
		}
	})
}

func TestCalendarJSON(t *testing.T) {
	cal := qun.Calendar{Zone: qun.MustLoadZone("Asia/Shanghai"), WeekStart: time.Monday}
	data, err := json.Marshal(cal)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"zone":"Asia/Shanghai","week_start":"monday"}`; string(data) != want {
		t.Errorf("Marshal = %s, want %s", data, want)
	}
	var back qun.Calendar
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(cal, back); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	bad := map[string]string{
		`{"zone":"Asia/Shanghai","week_start":"Monday"}`:          "week_start: must be a day of the week",
		`{"zone":"Asia/Shanghai"}`:                                "week_start: is required",
		`{"week_start":"monday"}`:                                 "zone: is required",
		`{"zone":"Mars/Olympus","week_start":"monday"}`:           `zone: "Mars/Olympus" is not a time zone in the IANA database`,
		`{"zone":"UTC","week_start":"monday","tz":"UTC"}`:         "tz: unknown field",
		`{"zone":"UTC","week_start":1}`:                           "week_start: must be a string",
		`{"zone":"UTC","zone":"UTC","week_start":"monday"}`:       "zone: appears twice",
		`{"zone":null,"week_start":"monday"}`:                     "zone: is required",
		`["UTC"]`:                                                 ": must be an object",
		`{"zone":"UTC","week_start":"monday","a":1,"b":2,"c":[]}`: "a: unknown field",
	}
	for in, want := range bad {
		var c qun.Calendar
		err := json.Unmarshal([]byte(in), &c)
		got := strings.Join(problems(err), "; ")
		if !strings.HasPrefix(got, want) {
			t.Errorf("Unmarshal(%s) = %q, want %q", in, got, want)
		}
	}
	if _, err := json.Marshal(qun.Calendar{WeekStart: 7}); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("Marshal of week start 7: %v, want ErrInvalid", err)
	}
	// A zone that would not read back as itself is not written.
	tzdata, err := os.ReadFile("/usr/share/zoneinfo/America/New_York")
	if err != nil {
		t.Skipf("no system time zone database: %v", err)
	}
	local, err := time.LoadLocationFromTZData("Local", tzdata)
	if err != nil {
		t.Fatal(err)
	}
	for _, loc := range []*time.Location{local, time.FixedZone("LMT", 8*3600+5*60+43)} {
		if _, err := json.Marshal(qun.Calendar{Zone: qun.ZoneOf(loc)}); !errors.Is(err, qun.ErrInvalid) {
			t.Errorf("Marshal of a calendar in %v: %v, want ErrInvalid", loc, err)
		}
	}
	if !cal.Equal(back) || cal.Equal(qun.Calendar{Zone: cal.Zone}) {
		t.Error("Calendar.Equal compares zone names and week starts")
	}
}

func TestGrainText(t *testing.T) {
	for g := qun.Day; g <= qun.Year; g++ {
		text, err := g.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back qun.Grain
		if err := back.UnmarshalText(text); err != nil || back != g {
			t.Errorf("UnmarshalText(%q) = %v, %v", text, back, err)
		}
	}
	if _, err := qun.ParseGrain("fortnight"); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("ParseGrain(fortnight) = %v", err)
	}
	if _, err := qun.Grain(0).MarshalText(); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("MarshalText(0) = %v", err)
	}
	if got := qun.Grain(0).String(); got != "Grain(0)" {
		t.Errorf("String() = %q", got)
	}
}

func FuzzParsePeriod(f *testing.F) {
	for _, s := range []string{"2026-11-22", "2026-11-16/P1W", "2026-11", "2026-Q4", "2026", "2026-Q5", "0000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := qun.ParsePeriod(s)
		if err != nil {
			var se *qun.SyntaxError
			if !errors.As(err, &se) || se.Offset < 0 || se.Offset > len(s) {
				t.Fatalf("ParsePeriod(%q) error %v is not a SyntaxError within the input", s, err)
			}
			return
		}
		if !p.IsValid() || p.String() != s {
			t.Fatalf("ParsePeriod(%q) = %#v, valid %v, String %q", s, p, p.IsValid(), p.String())
		}
	})
}
