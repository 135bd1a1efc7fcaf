package calendar_test

import (
	"fmt"
	"time"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/calendar"
	"github.com/qunkit/qun/calendar/rrule"
)

// The founder's voice message goes out every morning at 06:20 on each
// member's own clock, never in their quiet hours, at most once a day on
// WeChat.
func Example() {
	voice := calendar.Message{
		ID:      "founder-voice",
		Channel: "wechat",
		When:    mustParse("DTSTART;TZID=Asia/Shanghai:20261123T062000\nRRULE:FREQ=DAILY"),
	}
	sender, err := calendar.Policy{
		Calendar: qun.Calendar{Zone: qun.MustLoadZone("Asia/Shanghai"), WeekStart: time.Monday},
		Quiet:    calendar.QuietHours{Start: calendar.Clock{Hour: 22}, End: calendar.Clock{Hour: 6}},
		Caps:     []calendar.Cap{{Channel: "wechat", Limit: 1, Per: qun.Day}},
		BestTime: calendar.BestTime{Fallback: calendar.Clock{Hour: 20}},
	}.Compile()
	if err != nil {
		fmt.Println(err)
		return
	}
	members := []calendar.Member{
		{ID: "u-shanghai", Zone: qun.MustLoadZone("Asia/Shanghai")},
		{ID: "u-berlin", Zone: qun.MustLoadZone("Europe/Berlin")},
	}
	decisions, err := sender.PlanDay(qun.Date{Year: 2026, Month: 11, Day: 24}, members, []calendar.Message{voice, voice}, calendar.NewLedger(), calendar.Profiles{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, d := range decisions {
		fmt.Println(d.Explain())
	}
	// Output:
	// founder-voice to u-shanghai on wechat: send at 2026-11-24T06:20:00+08:00
	// founder-voice to u-berlin on wechat: send at 2026-11-24T06:20:00+01:00
	// founder-voice to u-shanghai on wechat: refused at 2026-11-24T06:20:00+08:00: member cap 0 is full
	// founder-voice to u-berlin on wechat: refused at 2026-11-24T06:20:00+01:00: member cap 0 is full
}

func mustParse(text string) rrule.Recurrence {
	r, err := rrule.Parse(text)
	if err != nil {
		panic(err)
	}
	return r
}

// A weekly content plan: a post every weekday evening and Saturday
// morning, mostly value, promotion at most one post in ten over four weeks
// and never two in a week.
func ExamplePlanner_Fill() {
	plan := calendar.Plan{
		Calendar: qun.Calendar{Zone: qun.MustLoadZone("Asia/Shanghai"), WeekStart: time.Monday},
		Slots: []calendar.Slot{
			{Name: "weekday evening", When: mustParse("DTSTART;TZID=Asia/Shanghai:20261123T200000\nRRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR")},
			{Name: "saturday morning", When: mustParse("DTSTART;TZID=Asia/Shanghai:20261128T100000\nRRULE:FREQ=WEEKLY;BYDAY=SA"),
				Kinds: []calendar.Kind{calendar.Interaction, calendar.MemberStory}},
		},
		Mix: calendar.Mix{
			WindowDays: 28,
			Shares: []calendar.Share{
				{Kind: calendar.Tutorial, Target: 0.4},
				{Kind: calendar.News, Target: 0.3},
				{Kind: calendar.Promotion, Max: 0.1},
			},
			Limits: []calendar.PeriodLimit{{Kind: calendar.Promotion, Per: qun.Week, Max: 1}},
		},
	}
	planner, err := plan.Compile()
	if err != nil {
		fmt.Println(err)
		return
	}
	backlog := []calendar.Item{
		{ID: "sale", Kind: calendar.Promotion},
		{ID: "barolo-101", Kind: calendar.Tutorial, Topics: []string{"italy"}},
		{ID: "harvest-news", Kind: calendar.News},
		{ID: "decanting", Kind: calendar.Tutorial},
		{ID: "quiz", Kind: calendar.Interaction},
		{ID: "fair-news", Kind: calendar.News},
		{ID: "cellar-case", Kind: calendar.Case},
		{ID: "member-story", Kind: calendar.MemberStory},
	}
	published := []calendar.Post{} // a new plan: the promotion must wait
	from := time.Date(2026, 11, 23, 0, 0, 0, 0, plan.Calendar.Location())
	res, err := planner.Fill(calendar.FillParams{Backlog: backlog, From: from, To: from.AddDate(0, 0, 7), Published: published})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range res.Posts {
		fmt.Printf("%s %-16s %-12s %s\n", p.At.Format("Mon 15:04"), p.Slot, p.Item, p.Kind)
	}
	for _, u := range res.Unscheduled {
		fmt.Printf("left out %s: %s\n", u.Item, u.Reason)
	}
	// Output:
	// Mon 20:00 weekday evening  barolo-101   tutorial
	// Tue 20:00 weekday evening  harvest-news news
	// Wed 20:00 weekday evening  quiz         interaction
	// Thu 20:00 weekday evening  decanting    tutorial
	// Fri 20:00 weekday evening  fair-news    news
	// Sat 10:00 saturday morning member-story member_story
	// left out sale: share limit: promotion would be 1 of 5 posts in 28 days, over 0.1
	// left out cellar-case: outranked: each slot it fit went to an item whose kind was further below its target share, or earlier in the backlog
}

// A member in New York with quiet hours from 22:00 to 07:00, across the
// night the clocks spring forward: a message due at 23:00 goes at 07:00
// EDT, after a night an hour shorter; one due at 01:30 on the night they
// fall back is held until 07:00 EST.
func ExampleQuietHours_Defer() {
	ny := qun.MustLoadZone("America/New_York").Location()
	quiet := calendar.QuietHours{Start: calendar.Clock{Hour: 22}, End: calendar.Clock{Hour: 7}}
	for _, due := range []time.Time{
		time.Date(2026, 3, 7, 23, 0, 0, 0, ny),
		time.Date(2026, 11, 1, 1, 30, 0, 0, ny),
		time.Date(2026, 11, 1, 9, 0, 0, 0, ny),
	} {
		at := quiet.Defer(due, ny)
		fmt.Printf("due %s, sent %s, %v later\n", due.Format("Jan 2 15:04 MST"), at.Format("Jan 2 15:04 MST"), at.Sub(due))
	}
	// Output:
	// due Mar 7 23:00 EST, sent Mar 8 07:00 EDT, 7h0m0s later
	// due Nov 1 01:30 EDT, sent Nov 1 07:00 EST, 6h30m0s later
	// due Nov 1 09:00 EST, sent Nov 1 09:00 EST, 0s later
}

// A product launch on a Friday in Shanghai, on the usual timeline.
func ExampleTimeline_Tasks() {
	tasks, err := calendar.LaunchTimeline().Tasks(qun.Date{Year: 2026, Month: 12, Day: 11}, qun.MustLoadZone("Asia/Shanghai"))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, t := range tasks {
		fmt.Printf("%-9s %s\n", t.Phase, t.At.Format("Mon Jan 2 15:04"))
	}
	// Output:
	// announce  Fri Dec 4 10:00
	// warm-up   Tue Dec 8 20:00
	// reminder  Thu Dec 10 20:00
	// live      Fri Dec 11 20:00
	// review    Sat Dec 12 10:00
	// follow-up Mon Dec 14 10:00
}

// Reviews follow the community's stage: weekly while it is being built,
// monthly as it grows, quarterly when mature.
func ExampleReviewCadence() {
	start := rrule.DateTime{Date: qun.Date{Year: 2027, Month: 1, Day: 4}, Hour: 10}
	for _, stage := range []qun.Stage{qun.Building, qun.Growth, qun.Mature, qun.Declining} {
		rec, _ := calendar.ReviewCadence(stage, start, qun.MustLoadZone("Asia/Shanghai"))
		s, _ := rec.Compile()
		var next []string
		for t := range s.After(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)) {
			next = append(next, t.Format("Jan 2"))
			if len(next) == 3 {
				break
			}
		}
		fmt.Printf("%-9s %-22s %v\n", stage, rec.Rule, next)
	}
	// Output:
	// building  FREQ=WEEKLY            [Jan 4 Jan 11 Jan 18]
	// growth    FREQ=MONTHLY           [Jan 4 Feb 4 Mar 4]
	// mature    FREQ=MONTHLY;INTERVAL=3 [Jan 4 Apr 4 Jul 4]
	// declining FREQ=WEEKLY            [Jan 4 Jan 11 Jan 18]
}
