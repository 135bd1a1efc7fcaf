package calendar

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/qunkit/qun"
	"github.com/qunkit/qun/calendar/rrule"
	"pgregory.net/rapid"
)

func TestBestTime(t *testing.T) {
	b := BestTime{Fallback: Clock{20, 0}, MinEvents: 5, Prior: 10}
	sh := qun.MustLoadZone("Asia/Shanghai").Location()
	fri := func(h int) time.Time { return time.Date(2026, 11, 27, h, 30, 0, 0, sh) }
	var active, thin, segment HourProfile
	for range 20 {
		active.Add(fri(7), sh, 1)
	}
	thin.Add(fri(7), sh, 1)
	for range 100 {
		segment.Add(fri(21), sh, 1)
	}
	tests := []struct {
		name              string
		member, seg, comm *HourProfile
		want              Clock
		src               Source
	}{
		{"no data anywhere", nil, nil, nil, Clock{20, 0}, FromFallback},
		{"thin member, no profiles", &thin, nil, nil, Clock{20, 0}, FromFallback},
		{"thin member, segment decides", &thin, &segment, nil, Clock{21, 0}, FromSegment},
		{"no member, community decides", nil, nil, &segment, Clock{21, 0}, FromCommunity},
		{"active member decides", &active, &segment, nil, Clock{7, 0}, FromMember},
		{"active member alone", &active, nil, nil, Clock{7, 0}, FromMember},
	}
	for _, tt := range tests {
		got := b.Estimate(tt.member, tt.seg, tt.comm, time.Friday)
		if got.Clock != tt.want || got.Source != tt.src {
			t.Errorf("%s: %v, want %v from %v", tt.name, got, tt.want, tt.src)
		}
	}
	// A weekday with no activity at all falls back.
	if got := b.Estimate(&active, nil, nil, time.Monday); got.Source != FromFallback {
		t.Errorf("Monday: %v", got)
	}
	if s := b.Estimate(&active, &segment, nil, time.Friday).String(); !strings.Contains(s, "07:00 from member (20 events") {
		t.Errorf("explanation %q", s)
	}
}

func newYorkPolicy(t testing.TB) *Sender {
	t.Helper()
	s, err := Policy{
		Calendar: qun.Calendar{Zone: qun.MustLoadZone("Asia/Shanghai"), WeekStart: time.Monday},
		Quiet:    QuietHours{Start: Clock{22, 0}, End: Clock{8, 0}},
		Caps:     []Cap{{Channel: "wechat", Limit: 1, Per: qun.Day}, {Limit: 3, Window: qun.Days(7)}},
		BestTime: BestTime{Fallback: Clock{20, 0}, MinEvents: 5, Prior: 10},
	}.Compile()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestNextSendTime(t *testing.T) {
	s := newYorkPolicy(t)
	ny := qun.MustLoadZone("America/New_York")
	member := Member{ID: "u-1", Zone: ny}
	voice := Message{ID: "voice", Channel: "wechat", When: mustRec(t, "DTSTART;TZID=Asia/Shanghai:20260101T062000\nRRULE:FREQ=DAILY")}
	now := time.Date(2026, 3, 7, 12, 0, 0, 0, ny.Location())

	// 06:20 on the member's clock is inside quiet hours until 08:00.
	d, err := s.NextSendTime(member, voice, now, nil, Profiles{})
	if err != nil {
		t.Fatal(err)
	}
	if got := d.At.Format(time.RFC3339); got != "2026-03-08T08:00:00-04:00" || !d.Deferred || d.Refused != Admitted {
		t.Errorf("decision %s", d.Explain())
	}
	if got := d.Due.Format(time.RFC3339); got != "2026-03-08T06:20:00-04:00" {
		t.Errorf("due %s", got)
	}

	// With the day's wechat send used, the next goes the day after.
	l := NewLedger()
	l.Record("u-1", "wechat", time.Date(2026, 3, 8, 9, 0, 0, 0, ny.Location()))
	d, _ = s.NextSendTime(member, voice, now, l, Profiles{})
	if got := d.At.Format(time.RFC3339); got != "2026-03-09T08:00:00-04:00" || d.Skipped != 1 {
		t.Errorf("capped: %s", d.Explain())
	}

	// At best time: the fallback 20:00 on the member's clock.
	best := voice
	best.BestTime = true
	d, _ = s.NextSendTime(member, best, now, nil, Profiles{})
	if got := d.At.Format(time.RFC3339); got != "2026-03-07T20:00:00-05:00" || d.Best.Source != FromFallback {
		t.Errorf("best time: %s", d.Explain())
	}

	// A rule that has ended has no occurrence.
	once := Message{ID: "once", Channel: "sms", When: mustRec(t, "DTSTART;TZID=Asia/Shanghai:20260101T090000")}
	d, _ = s.NextSendTime(member, once, now, nil, Profiles{})
	if d.Refused != NoOccurrence {
		t.Errorf("ended: %s", d.Explain())
	}
}

func TestPlanDay(t *testing.T) {
	s := newYorkPolicy(t)
	s.p.Quotas = []Quota{{Channel: "sms", Limit: 2, Per: qun.Day}}
	greet := Message{ID: "morning", Channel: "wechat", When: mustRec(t, "DTSTART;TZID=Asia/Shanghai:20260101T083000\nRRULE:FREQ=DAILY")}
	again := Message{ID: "noon", Channel: "wechat", When: mustRec(t, "DTSTART;TZID=Asia/Shanghai:20260101T120000\nRRULE:FREQ=DAILY")}
	sms := Message{ID: "sms", Channel: "sms", When: mustRec(t, "DTSTART;TZID=Asia/Shanghai:20260101T100000\nRRULE:FREQ=DAILY")}
	members := []Member{
		{ID: "sh", Zone: qun.MustLoadZone("Asia/Shanghai")},
		{ID: "ny", Zone: qun.MustLoadZone("America/New_York")},
		{ID: "ber", Zone: qun.MustLoadZone("Europe/Berlin")},
	}
	l := NewLedger()
	out, err := s.PlanDay(qun.Date{Year: 2026, Month: 3, Day: 8}, members, []Message{greet, again, sms}, l, Profiles{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range out {
		got = append(got, string(d.Member)+" "+d.Message+" "+d.At.Format("15:04 MST")+" "+d.Refused.String())
	}
	want := []string{
		"sh morning 08:30 CST admitted",
		"ny morning 08:30 EDT admitted", // the member's own clock, on spring-forward day
		"ber morning 08:30 CET admitted",
		"sh noon 12:00 CST capped_member", // one wechat a day: the first processed won
		"ny noon 12:00 EDT capped_member",
		"ber noon 12:00 CET capped_member",
		"sh sms 10:00 CST admitted",
		"ny sms 10:00 EDT admitted",
		"ber sms 10:00 CET capped_channel", // the channel's quota of two
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Error(diff)
	}
	if l.Sends("ny") != 2 {
		t.Errorf("ledger has %d sends for ny", l.Sends("ny"))
	}
	if !strings.Contains(out[3].Explain(), "member cap 0 is full") {
		t.Errorf("explain: %s", out[3].Explain())
	}
}

// A ledger restored from the host's send log with Sender.Record counts
// the channel quotas as the one planning filled; Ledger.Record, which
// knows no policy, restores member caps only. Quotas count by channel and
// period, so their order in the policy does not matter, and two quotas on
// one channel and period count each send once.
func TestSenderRecordRestoresQuotas(t *testing.T) {
	s := newYorkPolicy(t)
	s.p.Quotas = []Quota{{Channel: "wechat", Limit: 10, Per: qun.Month}, {Channel: "sms", Limit: 2, Per: qun.Day}, {Channel: "sms", Limit: 5, Per: qun.Day}}
	sms := Message{ID: "sms", Channel: "sms", When: mustRec(t, "DTSTART;TZID=Asia/Shanghai:20260101T100000\nRRULE:FREQ=DAILY")}
	sh := qun.MustLoadZone("Asia/Shanghai")
	day := qun.Date{Year: 2026, Month: 3, Day: 8}
	first := []Member{{ID: "a", Zone: sh}, {ID: "b", Zone: sh}}
	later := []Member{{ID: "c", Zone: sh}}

	planned := NewLedger()
	out, err := s.PlanDay(day, first, []Message{sms}, planned, Profiles{})
	if err != nil {
		t.Fatal(err)
	}
	restored, cappedOnly := NewLedger(), NewLedger()
	for _, d := range out {
		if d.Refused != Admitted {
			t.Fatalf("planning: %s", d.Explain())
		}
		if err := s.Record(restored, d.Member, d.Channel, d.At); err != nil {
			t.Fatal(err)
		}
		cappedOnly.Record(d.Member, d.Channel, d.At)
	}
	reordered := *s
	reordered.p.Quotas = []Quota{s.p.Quotas[1], s.p.Quotas[2], s.p.Quotas[0]} // the limit of two first
	for _, c := range []struct {
		name   string
		s      *Sender
		ledger *Ledger
		want   Refusal
		quota  int
	}{
		{"planned", s, planned, CappedChannel, 1},
		{"restored with Sender.Record", s, restored, CappedChannel, 1},
		{"restored, quotas reordered", &reordered, restored, CappedChannel, 0},
		{"restored with Ledger.Record", s, cappedOnly, Admitted, -1},
	} {
		out, err := c.s.PlanDay(day, later, []Message{sms}, c.ledger, Profiles{})
		if err != nil {
			t.Fatal(err)
		}
		if len(out) != 1 || out[0].Refused != c.want || out[0].Cap != c.quota {
			t.Errorf("%s: %s", c.name, out[0].Explain())
		}
	}

	var errs []error
	for _, call := range []func() error{
		func() error { return s.Record(nil, "a", "sms", time.Unix(1, 0)) },
		func() error { return s.Record(restored, "", "sms", time.Unix(1, 0)) },
		func() error { return s.Record(restored, "a", "", time.Unix(1, 0)) },
		func() error { return s.Record(restored, "a", "sms", time.Time{}) },
	} {
		errs = append(errs, call())
	}
	for i, err := range errs {
		if !errors.Is(err, qun.ErrInvalid) {
			t.Errorf("call %d: %v, want ErrInvalid", i, err)
		}
	}
	if n := restored.Sends("a"); n != 1 {
		t.Errorf("refused records wrote: a has %d sends", n)
	}
}

func TestPolicyJSON(t *testing.T) {
	in := `{"calendar":{"zone":"Asia/Shanghai","week_start":"monday"},"quiet_hours":{"start":"22:00","end":"08:00"},` +
		`"caps":[{"channel":"wechat","limit":2,"per":"day"},{"limit":5,"window":"7d"}],"quotas":[{"channel":"sms","limit":1000,"per":"day"}],` +
		`"best_time":{"fallback":"20:00","min_events":5,"prior":10}}`
	var p Policy
	if err := json.Unmarshal([]byte(in), &p); err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(p)
	if string(out) != in {
		t.Errorf("round trip:\n%s\n%s", out, in)
	}
	var bad Policy
	err := json.Unmarshal([]byte(strings.Replace(in, `"per":"day"}`, `"per":"day","window":"1d"}`, 1)), &bad)
	var ve *qun.ValidationError
	if !errors.As(err, &ve) || ve.Field != "caps[0].window" {
		t.Errorf("err = %v", err)
	}
	err = json.Unmarshal([]byte(strings.Replace(in, `"22:00"`, `"25:00"`, 1)), &bad)
	if !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("bad clock: %v", err)
	}
}

// FuzzPolicyJSON: no input panics the policy decoder; every refusal is
// qun.ErrInvalid or a JSON syntax error.
func FuzzPolicyJSON(f *testing.F) {
	f.Add(`{"calendar":{"zone":"Asia/Shanghai","week_start":"monday"},"quiet_hours":{"start":"22:00","end":"08:00"},"caps":[{"limit":1,"per":"day"}],"best_time":{"fallback":"20:00"}}`)
	f.Add(`{"calendar":{"zone":"UTC","week_start":"sunday"},"quiet_hours":{"start":"00:00","end":"00:00"},"quotas":[{"channel":"sms","limit":1,"per":"week"}],"best_time":{"fallback":"00:00","prior":-1}}`)
	f.Add(`{}`)
	f.Fuzz(func(t *testing.T, in string) {
		var p Policy
		err := json.Unmarshal([]byte(in), &p)
		if err != nil {
			var se *json.SyntaxError
			if !errors.Is(err, qun.ErrInvalid) && !errors.As(err, &se) {
				t.Fatalf("refusal does not match qun.ErrInvalid: %v", err)
			}
			return
		}
		s, err := p.Compile()
		if err != nil {
			t.Fatalf("accepted policy does not compile: %v", err)
		}
		msg := Message{ID: "m", Channel: "sms", When: rrule.Recurrence{Start: rrule.DateTime{Date: qun.Date{Year: 2026, Month: 1, Day: 1}, Hour: 9}, Rule: rrule.Rule{Freq: rrule.Daily}}}
		if _, err := s.PlanDay(qun.Date{Year: 2026, Month: 1, Day: 2}, []Member{{ID: "u", Zone: qun.MustLoadZone("America/New_York")}}, []Message{msg}, NewLedger(), Profiles{}); err != nil {
			t.Fatal(err)
		}
	})
}

func FuzzParseClock(f *testing.F) {
	for _, s := range []string{"06:20", "23:59", "24:00", "7:5", "", "ab:cd"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseClock(s)
		if err != nil {
			var se *qun.SyntaxError
			if !errors.As(err, &se) || se.Offset < 0 || se.Offset > len(s) {
				t.Fatalf("ParseClock(%q) = %v", s, err)
			}
			return
		}
		if c.String() != s {
			t.Fatalf("ParseClock(%q) writes back as %q", s, c)
		}
	})
}

func TestTimelineAndReviewCadence(t *testing.T) {
	ny := qun.MustLoadZone("America/New_York")
	tasks, err := LaunchTimeline().Tasks(qun.Date{Year: 2026, Month: 3, Day: 10}, ny)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, task := range tasks {
		got = append(got, task.Phase+" "+task.At.Format("01-02 15:04 MST"))
	}
	want := []string{
		"announce 03-03 10:00 EST", "warm-up 03-07 20:00 EST", "reminder 03-09 20:00 EDT",
		"live 03-10 20:00 EDT", "review 03-11 10:00 EDT", "follow-up 03-13 10:00 EDT",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Error(diff)
	}
	if _, err := (Timeline{Name: "x", Phases: []Phase{{Name: "", Days: 400}}}).Tasks(qun.Date{Year: 2026, Month: 1, Day: 1}, ny); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("bad timeline: %v", err)
	}
	start := rrule.DateTime{Date: qun.Date{Year: 2026, Month: 1, Day: 5}, Hour: 10}
	for stage, want := range map[qun.Stage]string{
		qun.Building: "FREQ=WEEKLY", qun.Growth: "FREQ=MONTHLY", qun.Mature: "FREQ=MONTHLY;INTERVAL=3", qun.Declining: "FREQ=WEEKLY",
	} {
		rec, err := ReviewCadence(stage, start, qun.MustLoadZone("Asia/Shanghai"))
		if err != nil || rec.Rule.String() != want {
			t.Errorf("%v: %v %v, want %s", stage, rec.Rule, err, want)
		}
	}
	if _, err := ReviewCadence(0, start, qun.Zone{}); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("stage 0: %v", err)
	}
}

// FuzzTimelineJSON: no input panics the timeline decoder; whatever it
// accepts dates its tasks.
func FuzzTimelineJSON(f *testing.F) {
	f.Add(`{"name":"launch","phases":[{"name":"announce","days":-7,"at":"10:00"},{"name":"live","days":0,"at":"20:00"}]}`)
	f.Add(`{"name":"x","phases":[]}`)
	f.Add(`{"phases":[{"name":"a","days":999,"at":"25:00"}],"extra":true}`)
	f.Fuzz(func(t *testing.T, in string) {
		var tl Timeline
		if err := json.Unmarshal([]byte(in), &tl); err != nil {
			var se *json.SyntaxError
			if !errors.Is(err, qun.ErrInvalid) && !errors.As(err, &se) {
				t.Fatalf("refusal does not match qun.ErrInvalid: %v", err)
			}
			return
		}
		if _, err := tl.Tasks(qun.Date{Year: 2026, Month: 3, Day: 8}, qun.MustLoadZone("America/New_York")); err != nil {
			t.Fatalf("accepted timeline fails: %v", err)
		}
	})
}

// TestUntilOnMemberClock: a message planned on each member's clock reads
// its UNTIL as the wall clock reading it has in the message's zone, as it
// reads DTSTART, so that members in every zone get the same last
// occurrence: none gets an extra one, none misses one.
func TestUntilOnMemberClock(t *testing.T) {
	s := newYorkPolicy(t)
	s.p.Quiet, s.p.Caps = QuietHours{}, nil
	berlin := Member{ID: "berlin", Zone: qun.MustLoadZone("Europe/Berlin")}
	shanghai := Member{ID: "shanghai", Zone: qun.MustLoadZone("Asia/Shanghai")}
	tests := []struct {
		name string
		rec  string
		want []string // each member's sends on Jan 4 to Jan 6
	}{
		{
			// UNTIL is exactly the 06:20 occurrence of Jan 5 in Shanghai
			// (2026-01-04T22:20Z): the last for every member.
			name: "shanghai message, until on its last occurrence",
			rec:  "DTSTART;TZID=Asia/Shanghai:20260101T062000\nRRULE:FREQ=DAILY;UNTIL=20260104T222000Z",
			want: []string{"berlin 01-04 06:20", "berlin 01-05 06:20", "shanghai 01-04 06:20", "shanghai 01-05 06:20"},
		},
		{
			// UNTIL is 23:30 on Jan 4 in Berlin (22:30Z): the last
			// occurrence is Jan 4's, though 06:20 on Jan 5 in Shanghai
			// (22:20Z) comes before the UNTIL instant.
			name: "berlin message, until late on its last day",
			rec:  "DTSTART;TZID=Europe/Berlin:20260101T062000\nRRULE:FREQ=DAILY;UNTIL=20260104T223000Z",
			want: []string{"berlin 01-04 06:20", "shanghai 01-04 06:20"},
		},
		{
			// UNTIL one second before the boundary: Jan 5 is out for all.
			name: "shanghai message, until a second before",
			rec:  "DTSTART;TZID=Asia/Shanghai:20260101T062000\nRRULE:FREQ=DAILY;UNTIL=20260104T221959Z",
			want: []string{"berlin 01-04 06:20", "shanghai 01-04 06:20"},
		},
	}
	for _, tt := range tests {
		msg := Message{ID: "voice", Channel: "wechat", When: mustRec(t, tt.rec)}
		var got []string
		for _, m := range []Member{berlin, shanghai} {
			for day := (qun.Date{Year: 2026, Month: 1, Day: 4}); day.Day <= 6; day = day.AddDays(1) {
				out, err := s.PlanDay(day, []Member{m}, []Message{msg}, NewLedger(), Profiles{})
				if err != nil {
					t.Fatal(err)
				}
				for _, d := range out {
					got = append(got, string(d.Member)+" "+d.At.Format("01-02 15:04"))
				}
			}
			// NextSendTime agrees: after the last send, nothing.
			d, err := s.NextSendTime(m, msg, time.Date(2026, 1, 5, 12, 0, 0, 0, m.Zone.Location()), nil, Profiles{})
			if err != nil || d.Refused != NoOccurrence {
				t.Errorf("%s: %s: next send after the last: %s %v", tt.name, m.ID, d.Explain(), err)
			}
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}

// TestInZoneEdges: a recurrence read on a clock in its own zone is
// unchanged (an UNTIL, RDATE or EXDATE in a repeated hour keeps its
// instant), and dates that the move would carry past year 9999 or before
// year 1 do not make a valid message fail to compile.
func TestInZoneEdges(t *testing.T) {
	ny := qun.MustLoadZone("America/New_York")
	// 01:30 EST on 2026-11-01, the second 01:30 of the night.
	rec := mustRec(t, "DTSTART;TZID=America/New_York:20261025T013000\nRRULE:FREQ=DAILY;UNTIL=20261101T063000Z\nEXDATE:20261101T063000Z")
	if diff := cmp.Diff(rec, inZone(rec, ny)); diff != "" {
		t.Errorf("same zone changed the recurrence:\n%s", diff)
	}
	far := mustRec(t, "DTSTART;TZID=America/New_York:99991230T200000\nRRULE:FREQ=DAILY;UNTIL=99991231T235959Z\nRDATE:99991231T230000Z\nEXDATE:00010101T000000Z")
	for _, z := range []string{"Asia/Shanghai", "Pacific/Kiritimati", "Pacific/Pago_Pago"} {
		moved := inZone(far, qun.MustLoadZone(z))
		if _, err := moved.Compile(); err != nil {
			t.Errorf("%s: %v", z, err)
		}
	}
}

// TestBestTimeOneSendPerDay: a best-time message whose recurrence has two
// occurrences on the member's day (09:00 and 18:00) is one send at the best
// hour, not two at the same instant; it keeps the first occurrence and
// counts the other as merged. NextSendTime does the same, and counts a
// capped day once.
func TestBestTimeOneSendPerDay(t *testing.T) {
	s, err := Policy{
		Calendar: qun.Calendar{Zone: qun.MustLoadZone("Asia/Shanghai"), WeekStart: time.Monday},
		BestTime: BestTime{Fallback: Clock{20, 0}},
	}.Compile()
	if err != nil {
		t.Fatal(err)
	}
	ny := qun.MustLoadZone("America/New_York")
	msg := Message{ID: "tip", Channel: "wechat", BestTime: true,
		When: mustRec(t, "DTSTART;TZID=Asia/Shanghai:20260101T090000\nRRULE:FREQ=DAILY;BYHOUR=9,18")}
	day := qun.Date{Year: 2026, Month: 3, Day: 8} // spring forward in New York
	out, err := s.PlanDay(day, []Member{{ID: "u", Zone: ny}}, []Message{msg}, NewLedger(), Profiles{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range out {
		got = append(got, fmt.Sprintf("%s occurrence %s merged %d %s", d.At.Format(time.RFC3339), d.Occurrence.Format("15:04"), d.Merged, d.Refused))
	}
	want := []string{"2026-03-08T20:00:00-04:00 occurrence 09:00 merged 1 admitted"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("PlanDay (-want +got):\n%s", diff)
	}

	// NextSendTime: the same single send, and with today's send capped,
	// one day skipped, not two occurrences.
	now := time.Date(2026, 3, 8, 7, 0, 0, 0, ny.Location())
	d, err := s.NextSendTime(Member{ID: "u", Zone: ny}, msg, now, nil, Profiles{})
	if err != nil {
		t.Fatal(err)
	}
	if d.At.Format(time.RFC3339) != "2026-03-08T20:00:00-04:00" || d.Merged != 1 || d.Skipped != 0 || d.Occurrence.Hour() != 9 {
		t.Errorf("NextSendTime: %s (merged %d, occurrence %v)", d.Explain(), d.Merged, d.Occurrence)
	}
	s.p.Caps = []Cap{{Limit: 1, Per: qun.Day}}
	l := NewLedger()
	l.Record("u", "wechat", time.Date(2026, 3, 8, 8, 0, 0, 0, ny.Location()))
	d, _ = s.NextSendTime(Member{ID: "u", Zone: ny}, msg, now, l, Profiles{})
	if d.At.Format(time.RFC3339) != "2026-03-09T20:00:00-04:00" || d.Skipped != 1 {
		t.Errorf("NextSendTime with today capped: %s", d.Explain())
	}
}

// TestQuietHoursMergeSends: occurrences that quiet hours hold to the same
// instant are one send.
func TestQuietHoursMergeSends(t *testing.T) {
	s, err := Policy{
		Calendar: qun.Calendar{Zone: qun.MustLoadZone("Asia/Shanghai")},
		Quiet:    QuietHours{Start: Clock{22, 0}, End: Clock{8, 0}},
		BestTime: BestTime{Fallback: Clock{20, 0}},
	}.Compile()
	if err != nil {
		t.Fatal(err)
	}
	msg := Message{ID: "pulse", Channel: "app", When: mustRec(t, "DTSTART;TZID=Asia/Shanghai:20260101T060000\nRRULE:FREQ=HOURLY;INTERVAL=3")}
	out, err := s.PlanDay(qun.Date{Year: 2026, Month: 1, Day: 5}, []Member{{ID: "u", Zone: qun.MustLoadZone("Asia/Shanghai")}}, []Message{msg}, NewLedger(), Profiles{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range out {
		got = append(got, fmt.Sprintf("%s due %s merged %d", d.At.Format("15:04"), d.Due.Format("15:04"), d.Merged))
	}
	// 00:00, 03:00 and 06:00 are held to 08:00: one send.
	want := []string{"08:00 due 00:00 merged 2", "09:00 due 09:00 merged 0", "12:00 due 12:00 merged 0",
		"15:00 due 15:00 merged 0", "18:00 due 18:00 merged 0", "21:00 due 21:00 merged 0"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestSendProperties: for generated policies, zones, days around DST
// changes, and messages whose recurrences have several occurrences a day,
// PlanDay never sends one message to one member twice at the same instant,
// sends a best-time message at most once per member per day, accounts for
// every occurrence of the day exactly once, and never breaks quiet hours.
func TestSendProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := Policy{
			Calendar: qun.Calendar{Zone: qun.MustLoadZone("Asia/Shanghai"), WeekStart: time.Monday},
			BestTime: BestTime{Fallback: Clock{rapid.IntRange(0, 23).Draw(t, "fallback"), 0}, MinEvents: 1, Prior: 2},
		}
		if rapid.Bool().Draw(t, "quiet?") {
			p.Quiet = QuietHours{Start: Clock{rapid.IntRange(0, 23).Draw(t, "quiet_start"), 0}, End: Clock{rapid.IntRange(0, 23).Draw(t, "quiet_end"), 30}}
		}
		if rapid.Bool().Draw(t, "cap?") {
			p.Caps = []Cap{{Limit: rapid.IntRange(1, 4).Draw(t, "cap_limit"), Per: qun.Day}}
		}
		s, err := p.Compile()
		if err != nil {
			t.Fatal(err)
		}
		zone := qun.MustLoadZone(rapid.SampledFrom(dstZones).Draw(t, "message_zone"))
		var messages []Message
		for i := range rapid.IntRange(1, 3).Draw(t, "messages") {
			rule := rapid.SampledFrom([]string{
				"FREQ=DAILY", "FREQ=DAILY;BYHOUR=1,2,3,9,21", "FREQ=DAILY;BYHOUR=0,12;BYMINUTE=0,30",
				"FREQ=HOURLY;INTERVAL=2", "FREQ=MINUTELY;INTERVAL=90", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU;BYHOUR=2,7",
			}).Draw(t, "rule")
			start := fmt.Sprintf("DTSTART;TZID=%s:20260101T%02d%02d00", zone, rapid.IntRange(0, 23).Draw(t, "hour"), rapid.SampledFrom([]int{0, 30}).Draw(t, "minute"))
			rec, err := rrule.Parse(start + "\nRRULE:" + rule)
			if err != nil {
				t.Fatal(err)
			}
			messages = append(messages, Message{ID: fmt.Sprint("m", i), Channel: rapid.SampledFrom([]string{"app", "wechat"}).Draw(t, "channel"), When: rec, BestTime: rapid.Bool().Draw(t, "best_time")})
		}
		var members []Member
		for i := range rapid.IntRange(1, 4).Draw(t, "members") {
			m := Member{ID: qun.MemberID(fmt.Sprint("u", i)), Zone: qun.MustLoadZone(rapid.SampledFrom(dstZones).Draw(t, "member_zone"))}
			if rapid.Bool().Draw(t, "activity?") {
				var h HourProfile
				h[rapid.IntRange(0, 167).Draw(t, "active_hour")] = 3
				m.Activity = &h
			}
			members = append(members, m)
		}
		// A day around a DST change in March, October or November.
		day := qun.Date{Year: 2026, Month: time.Month(rapid.SampledFrom([]int{3, 4, 10, 11}).Draw(t, "month")), Day: rapid.IntRange(1, 30).Draw(t, "day")}
		zoneOf := map[qun.MemberID]qun.Zone{}
		for _, m := range members {
			zoneOf[m.ID] = m.Zone
		}
		ledger := NewLedger()
		out, err := s.PlanDay(day, members, messages, ledger, Profiles{})
		if err != nil {
			t.Fatal(err)
		}
		type key struct {
			member  qun.MemberID
			message string
		}
		at := map[key]map[int64]bool{}
		perDay := map[key]int{}
		covered := map[key]int{}
		for _, d := range out {
			k := key{d.Member, d.Message}
			covered[k] += 1 + d.Merged
			if d.Refused != Admitted {
				continue
			}
			if at[k] == nil {
				at[k] = map[int64]bool{}
			}
			if at[k][d.At.UnixNano()] {
				t.Fatalf("%s gets %s twice at %v", d.Member, d.Message, d.At)
			}
			at[k][d.At.UnixNano()] = true
			if d.BestTime {
				if perDay[k]++; perDay[k] > 1 {
					t.Fatalf("%s gets best-time %s twice on %s", d.Member, d.Message, day)
				}
			}
			if p.Quiet.Contains(d.At, zoneOf[d.Member].Location()) {
				t.Fatalf("send at %v inside quiet hours", d.At)
			}
		}
		for _, m := range members {
			loc := m.Zone.Location()
			for _, msg := range messages {
				sched, err := inZone(msg.When, m.Zone).Compile()
				if err != nil {
					t.Fatal(err)
				}
				n := 0
				for range sched.Between(day.Start(loc), day.AddDays(1).Start(loc)) {
					n++
				}
				if got := covered[key{m.ID, msg.ID}]; got != n {
					t.Fatalf("%s/%s: decisions account for %d occurrences, the day has %d", m.ID, msg.ID, got, n)
				}
			}
		}
	})
}

// TestNilAndZeroValues: the entry points refuse a missing required pointer
// with qun.ErrInvalid instead of panicking, and zero values are usable.
func TestNilAndZeroValues(t *testing.T) {
	s := newYorkPolicy(t)
	s.p.Quotas = []Quota{{Channel: "wechat", Limit: 5, Per: qun.Day}}
	msg := Message{ID: "m", Channel: "wechat", When: mustRec(t, "DTSTART;TZID=Asia/Shanghai:20260101T090000\nRRULE:FREQ=DAILY")}
	day := qun.Date{Year: 2026, Month: 1, Day: 2}
	members := []Member{{ID: "u"}} // the zero Zone is UTC
	if _, err := s.PlanDay(day, members, []Message{msg}, nil, Profiles{}); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("nil ledger: %v", err)
	}
	if _, err := s.PlanDay(qun.Date{}, members, []Message{msg}, NewLedger(), Profiles{}); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("zero day: %v", err)
	}
	// The zero Ledger is an empty ledger.
	var l Ledger
	l.Record("v", "wechat", time.Date(2026, 1, 2, 9, 0, 0, 0, time.UTC))
	out, err := s.PlanDay(day, append(members, Member{ID: "v"}), []Message{msg}, &l, Profiles{})
	if err != nil || len(out) != 2 || out[0].Refused != Admitted || out[1].Refused != CappedMember {
		t.Errorf("zero ledger: %v %+v", err, out)
	}
	// The zero Sender is the zero Policy: no quiet hours, no caps, the
	// fallback hour midnight.
	var zero Sender
	if out, err := zero.PlanDay(day, members, []Message{msg}, NewLedger(), Profiles{}); err != nil || len(out) != 1 || out[0].Refused != Admitted {
		t.Errorf("zero Sender: %v %+v", err, out)
	}
	var nilLedger *Ledger
	if n := nilLedger.Sends("u"); n != 0 {
		t.Errorf("nil ledger has %d sends", n)
	}
	// A nil *time.Location reads as UTC, as qun.ZoneOf and qun.Date.At
	// read it.
	q := QuietHours{Start: Clock{22, 0}, End: Clock{8, 0}}
	late := time.Date(2026, 1, 2, 23, 0, 0, 0, time.UTC)
	if got := q.Defer(late, nil); !got.Equal(q.Defer(late, time.UTC)) || !q.Contains(late, nil) {
		t.Errorf("Defer with a nil location: %v", got)
	}
	var h HourProfile
	h.Add(late, nil, 1)
	if h[int(time.Friday)*24+23] != 1 {
		t.Errorf("Add with a nil location counted %v", h.Total())
	}
	// A weekday out of range has no data: the fallback.
	if b := (BestTime{Fallback: Clock{20, 0}}).Estimate(&h, &h, nil, time.Weekday(9)); b.Source != FromFallback {
		t.Errorf("Estimate(Weekday(9)) = %v", b)
	}
}

// NextSendTime reads the ledger and writes nothing to it, not even a
// member it has not seen, so that callers may share a ledger between
// reads.
func TestNextSendTimeWritesNothing(t *testing.T) {
	s := newYorkPolicy(t)
	s.p.Quotas = []Quota{{Channel: "wechat", Limit: 5, Per: qun.Day}}
	ny := qun.MustLoadZone("America/New_York")
	voice := Message{ID: "voice", Channel: "wechat", When: mustRec(t, "DTSTART;TZID=Asia/Shanghai:20260101T062000\nRRULE:FREQ=DAILY")}
	l := NewLedger()
	l.Record("known", "wechat", time.Date(2026, 3, 8, 9, 0, 0, 0, ny.Location()))
	for _, m := range []qun.MemberID{"known", "new"} {
		if _, err := s.NextSendTime(Member{ID: m, Zone: ny}, voice, time.Date(2026, 3, 7, 12, 0, 0, 0, ny.Location()), l, Profiles{}); err != nil {
			t.Fatal(err)
		}
	}
	if len(l.index) != 1 || l.Sends("known") != 1 {
		t.Errorf("NextSendTime wrote to the ledger: %d members", len(l.index))
	}
}
