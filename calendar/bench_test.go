package calendar

import (
	"fmt"
	"testing"
	"time"

	"github.com/qunkit/qun"
)

// BenchmarkPlanDay plans one day for 100,000 members in eight zones: a
// morning greeting at 07:00 on each member's clock and an evening message
// at each member's best time (a third of them with activity history,
// smoothed toward one of four segments), under quiet hours, a daily
// WeChat cap and a rolling weekly cap. Target (issue 9): under 200 ms on
// one core.
func BenchmarkPlanDay(b *testing.B) {
	const n = 100_000
	zones := []string{"Asia/Shanghai", "America/New_York", "Europe/Berlin", "Australia/Sydney",
		"America/Los_Angeles", "Asia/Tokyo", "Europe/London", "America/Sao_Paulo"}
	var loaded []qun.Zone
	for _, z := range zones {
		loaded = append(loaded, qun.MustLoadZone(z))
	}
	segments := map[string]*HourProfile{}
	for i := range 4 {
		var p HourProfile
		for h := range 168 {
			p[h] = float64((h*7 + i*13) % 17)
		}
		segments[fmt.Sprint("seg", i)] = &p
	}
	histories := make([]HourProfile, n/3+1)
	members := make([]Member, n)
	for i := range members {
		members[i] = Member{ID: qun.MemberID(fmt.Sprint("u-", i)), Zone: loaded[i%len(loaded)], Segment: fmt.Sprint("seg", i%4)}
		if i%3 == 0 {
			h := &histories[i/3]
			for k := range 12 {
				h[(i+k*29)%168] += 1
			}
			members[i].Activity = h
		}
	}
	s, err := Policy{
		Calendar: qun.Calendar{Zone: loaded[0], WeekStart: time.Monday},
		Quiet:    QuietHours{Start: Clock{22, 0}, End: Clock{8, 0}},
		Caps:     []Cap{{Channel: "wechat", Limit: 1, Per: qun.Day}, {Limit: 5, Window: qun.Days(7)}},
		BestTime: BestTime{Fallback: Clock{20, 0}, MinEvents: 5, Prior: 10},
	}.Compile()
	if err != nil {
		b.Fatal(err)
	}
	messages := []Message{
		{ID: "morning", Channel: "app", When: mustRec(b, "DTSTART;TZID=Asia/Shanghai:20260101T070000\nRRULE:FREQ=DAILY")},
		{ID: "evening", Channel: "wechat", BestTime: true, When: mustRec(b, "DTSTART;TZID=Asia/Shanghai:20260101T200000\nRRULE:FREQ=DAILY")},
	}
	day := qun.Date{Year: 2026, Month: 11, Day: 24}
	profiles := Profiles{Segments: segments}
	b.ReportAllocs()
	var decisions int
	for b.Loop() {
		out, err := s.PlanDay(day, members, messages, NewLedger(), profiles)
		if err != nil {
			b.Fatal(err)
		}
		decisions = len(out)
	}
	if decisions != 2*n {
		b.Fatalf("%d decisions", decisions)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e6, "ms/day")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/member")
}

// BenchmarkFill fills four weeks of three daily slots from a backlog of
// 200 items under every mix rule.
func BenchmarkFill(b *testing.B) {
	p := Plan{
		Calendar: qun.Calendar{Zone: qun.MustLoadZone("Asia/Shanghai"), WeekStart: time.Monday},
		Slots: []Slot{
			{Name: "morning", When: mustRec(b, "DTSTART;TZID=Asia/Shanghai:20261123T080000\nRRULE:FREQ=DAILY")},
			{Name: "noon", When: mustRec(b, "DTSTART;TZID=Asia/Shanghai:20261123T120000\nRRULE:FREQ=DAILY")},
			{Name: "evening", When: mustRec(b, "DTSTART;TZID=Asia/Shanghai:20261123T200000\nRRULE:FREQ=DAILY")},
		},
		Mix: Mix{WindowDays: 7, KindGap: qun.Duration(6 * time.Hour), TopicGap: qun.Days(1),
			Shares: []Share{{Kind: Tutorial, Target: 0.4}, {Kind: News, Target: 0.3}, {Kind: Promotion, Max: 0.1}},
			Limits: []PeriodLimit{{Kind: Promotion, Per: qun.Week, Max: 1}}},
		Seasons: []Season{{Months: []time.Month{11, 12, 1}, Theme: "winter"}},
	}
	pl, err := p.Compile()
	if err != nil {
		b.Fatal(err)
	}
	var backlog []Item
	for i := range 200 {
		backlog = append(backlog, Item{ID: fmt.Sprint("i", i), Kind: Kind(i%6 + 1), Topics: []string{fmt.Sprint("t", i%9)}})
	}
	from := time.Date(2026, 11, 23, 0, 0, 0, 0, p.Calendar.Location())
	b.ReportAllocs()
	posts := 0
	for b.Loop() {
		res, err := pl.Fill(FillParams{Backlog: backlog, From: from, To: from.AddDate(0, 0, 28)})
		if err != nil {
			b.Fatal(err)
		}
		posts = len(res.Posts)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/84, "ns/slot")
	_ = posts
}
