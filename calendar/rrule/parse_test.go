package rrule

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/qunkit/qun"
	"pgregory.net/rapid"
)

// TestRoundTrip: Parse(Format(r)) == r for generated recurrences, and the
// canonical text is a fixed point.
func TestRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		freq := Freq(rapid.IntRange(1, 7).Draw(t, "freq"))
		rule := genRule(t, freq)
		switch rapid.IntRange(0, 2).Draw(t, "end") {
		case 1:
			rule.Count = rapid.IntRange(1, MaxCount).Draw(t, "count")
		case 2:
			rule.Until = time.Unix(rapid.Int64Range(0, 4e9).Draw(t, "until"), 0).UTC()
		}
		zone, start := genStart(t)
		if rapid.Bool().Draw(t, "utc") {
			zone = qun.Zone{}
		}
		rec := Recurrence{Start: start, Zone: zone, Rule: rule}
		if rapid.IntRange(0, 4).Draw(t, "no rule") == 0 {
			rec.Rule = Rule{}
		}
		instants := func(label string) []time.Time {
			var out []time.Time
			for _, u := range rapid.SliceOfN(rapid.Int64Range(0, 4e9), 0, 4).Draw(t, label) {
				out = append(out, time.Unix(u-u%1800, 0).UTC()) // half hours meet DST changes
			}
			return out
		}
		rec.RDates, rec.ExDates = instants("rdates"), instants("exdates")
		text := rec.String()
		back, err := Parse(text)
		if err != nil {
			t.Fatalf("Parse(%q): %v", text, err)
		}
		if diff := cmp.Diff(rec, back, cmpopts.EquateEmpty(), cmp.Comparer(func(a, b qun.Zone) bool { return a.Equal(b) })); diff != "" {
			t.Fatalf("Parse(%q) (-want +got):\n%s", text, diff)
		}
		if again := back.String(); again != text {
			t.Fatalf("text changed:\n%s\n%s", text, again)
		}
		rule2, err := ParseRule("RRULE:" + rec.Rule.String())
		if rec.Rule.IsZero() {
			return
		}
		if err != nil || !cmp.Equal(rec.Rule, rule2, cmpopts.EquateEmpty()) {
			t.Fatalf("ParseRule(%q) = %v, %v", rec.Rule.String(), rule2, err)
		}
	})
}

// TestParseCanonicalizes: folded, lower-case, reordered input reads to
// the same recurrence its canonical text does.
func TestParseCanonicalizes(t *testing.T) {
	in := "rrule:wkst=su;byday=+1mo,-1FR;freq=monthly;\r\n count=5\r\ndtstart;tzid=\"America/New_York\":19970902T090000\r\n"
	r, err := Parse(in)
	if err != nil {
		t.Fatal(err)
	}
	want := "DTSTART;TZID=America/New_York:19970902T090000\nRRULE:FREQ=MONTHLY;COUNT=5;BYDAY=1MO,-1FR;WKST=SU"
	if got := r.String(); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

// TestParseErrors: each refusal is a *qun.SyntaxError pointing at the
// fault.
func TestParseErrors(t *testing.T) {
	tests := []struct {
		in       string
		line     int
		col      int
		contains string
	}{
		{"", 1, 1, "DTSTART is required"},
		{"RRULE:FREQ=DAILY", 1, 17, "DTSTART is required"},
		{"DTSTART:19970902T090000", 1, 9, "needs a time zone"},
		{"DTSTART;TZID=Mars/Olympus:19970902T090000", 1, 14, "unknown time zone"},
		{"DTSTART:19970902Z", 1, 9, "date-only"},
		{"DTSTART:19970231T090000Z", 1, 9, "not a date"},
		{"DTSTART:19970902T250000Z", 1, 18, "time of day"},
		{"DTSTART:19970902T090000Zjunk", 1, 25, "unexpected text"},
		{"DTSTART:19970902T090000Z\nRRULE:FREQ=FORTNIGHTLY", 2, 12, "FREQ must be"},
		{"DTSTART:19970902T090000Z\nRRULE:COUNT=3", 2, 7, "FREQ is required"},
		{"DTSTART:19970902T090000Z\nRRULE:FREQ=DAILY;COUNT=3;UNTIL=19971224T000000Z", 2, 26, "until: must not be given with count"},
		{"DTSTART:19970902T090000Z\nRRULE:FREQ=DAILY;UNTIL=19971224T000000", 2, 24, "UNTIL must be in UTC"},
		{"DTSTART:19970902T090000Z\nRRULE:FREQ=DAILY;BYDAY=1MO", 2, 18, "ordinal is allowed only"},
		{"DTSTART:19970902T090000Z\nRRULE:FREQ=WEEKLY;BYMONTHDAY=1", 2, 19, "not allowed in a WEEKLY rule"},
		{"DTSTART:19970902T090000Z\nRRULE:FREQ=DAILY;BYHOUR=24", 2, 18, "by_hour[0]: must be 0 to 23"},
		{"DTSTART:19970902T090000Z\nRRULE:FREQ=DAILY;BYHOUR=1,,2", 2, 27, "empty list item"},
		{"DTSTART:19970902T090000Z\nRRULE:FREQ=DAILY;BYSETPOS=1", 2, 18, "must be used with another"},
		{"DTSTART:19970902T090000Z\nRRULE:FREQ=DAILY;FREQ=DAILY", 2, 18, "given twice"},
		{"DTSTART:19970902T090000Z\nRRULE:FREQ=DAILY;", 2, 18, "want a rule part"},
		{"DTSTART:19970902T090000Z\nRRULE:FREQ=DAILY;BYDAY=XX", 2, 24, "want a day"},
		{"DTSTART:19970902T090000Z\nRRULE:FREQ=DAILY;INTERVAL=0", 2, 27, "at least 1"},
		{"DTSTART:19970902T090000Z\nRRULE:FREQ=DAILY;BYMINUTE=-5", 2, 27, "want a digit"},
		{"DTSTART:19970902T090000Z\nEXDATE;VALUE=DATE:19970902", 2, 14, "only DATE-TIME"},
		{"DTSTART:19970902T090000Z\nRDATE:19970902T090000Z;19970903T090000Z", 2, 23, "want ','"},
		{"DTSTART:19970902T090000Z\nDTEND:19970902T100000Z", 2, 1, "want DTSTART, RRULE"},
		{"DTSTART:19970902T090000Z\nRRULE:FREQ=DAILY;\n BYHOUR=99", 3, 2, "by_hour[0]"},
		{"DTSTART:19970902T090000Z\nRRULE:FREQ=DAILY;COUNT=99999999999", 2, 24, "out of range"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.in)
		var se *qun.SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Parse(%q) = %v, want a *qun.SyntaxError", tt.in, err)
			continue
		}
		if !errors.Is(err, qun.ErrInvalid) {
			t.Errorf("Parse(%q): error does not match qun.ErrInvalid", tt.in)
		}
		if se.Line != tt.line || se.Column != tt.col || !strings.Contains(se.Msg, tt.contains) {
			t.Errorf("Parse(%q) = line %d col %d %q; want line %d col %d containing %q", tt.in, se.Line, se.Column, se.Msg, tt.line, tt.col, tt.contains)
		}
	}
}

// TestJSON: a Recurrence is its text in JSON.
func TestJSON(t *testing.T) {
	var v struct {
		Slot Recurrence `json:"slot"`
	}
	in := `{"slot":"DTSTART;TZID=Asia/Shanghai:20261123T062000\nRRULE:FREQ=DAILY"}`
	if err := json.Unmarshal([]byte(in), &v); err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(v)
	if err != nil || string(out) != in {
		t.Errorf("Marshal = %s, %v; want %s", out, err, in)
	}
	err = json.Unmarshal([]byte(`{"slot":"DTSTART;TZID=Asia/Shanghai:20261123T062000\nRRULE:FREQ=DAILY;BYHOUR=25"}`), &v)
	if !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("bad rule in JSON: %v", err)
	}
}

// FuzzParse: no input panics; every refusal is positioned inside the
// input; every acceptance round-trips through the canonical text, and
// compiles and expands without panicking.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"DTSTART;TZID=America/New_York:19970902T090000\nRRULE:FREQ=DAILY;COUNT=10",
		"DTSTART;TZID=America/New_York:19970902T090000\nRRULE:FREQ=YEARLY;INTERVAL=2;BYMONTH=1;BYDAY=SU;BYHOUR=8,9;\n BYMINUTE=30",
		"DTSTART;TZID=America/New_York:19970929T090000\nRRULE:FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-2",
		"DTSTART;TZID=America/New_York:19970512T090000\nRRULE:FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO",
		"DTSTART;TZID=America/New_York:19970902T090000\nEXDATE;TZID=America/New_York:19970902T090000\nRRULE:FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13",
		"DTSTART:20260308T023000Z\nRRULE:FREQ=MINUTELY;INTERVAL=90;BYHOUR=9,10;BYSECOND=0,60\nRDATE:20260101T000000Z,20260102T000000Z",
		"DTSTART;TZID=Asia/Shanghai:20261123T062000\r\nRRULE:FREQ=WEEKLY;UNTIL=20271231T000000Z;WKST=SU;BYDAY=-1FR",
		"dtstart:19970902t090000z\nrrule:freq=hourly;byyearday=-1,100",
		"DTSTART;VALUE=DATE:19970902",
		"RRULE:FREQ=",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		r, err := Parse(in)
		if err != nil {
			var se *qun.SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q) = %v, not a *qun.SyntaxError", in, err)
			}
			if se.Offset < 0 || se.Offset > len(in) {
				t.Fatalf("Parse(%q): offset %d outside the input", in, se.Offset)
			}
			return
		}
		text := r.String()
		back, err := Parse(text)
		if err != nil {
			t.Fatalf("Parse(%q) accepted, but its text %q does not parse: %v", in, text, err)
		}
		if back.String() != text {
			t.Fatalf("canonical text is not a fixed point: %q then %q", text, back.String())
		}
		s, err := r.Compile()
		if err != nil {
			t.Fatalf("Parse(%q) accepted an invalid recurrence: %v", in, err)
		}
		n := 0
		for range s.After(r.Start.In(s.Location()).Add(-time.Second)) {
			if n++; n == 20 {
				break
			}
		}
	})
}
