// Quickstart is qun's main example: three months of a wine club's
// community, run through every package in the order the data flows.
//
//	events → scoring → lifecycle → segment → calendar / incentive
//	                     funnel measures the whole journey
//
// The club counts its days in Shanghai time. On Sunday evening, 22
// November 2026, the program scores each member's engagement, classifies
// who is new, active, silent or churned, sorts members into segments the
// operators act on, plans Monday's recall messages on each member's own
// clock, pays points for check-ins and purchases, and measures the
// onboarding funnel.
//
// Run it from the repository root:
//
//	go run ./examples/quickstart
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/calendar"
	"github.com/qunkit/qun/calendar/rrule"
	"github.com/qunkit/qun/funnel"
	"github.com/qunkit/qun/incentive"
	"github.com/qunkit/qun/lifecycle"
	"github.com/qunkit/qun/scoring"
	"github.com/qunkit/qun/segment"
	"github.com/shopspring/decimal"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// member is what the host keeps about a member besides events.
type member struct {
	id   qun.MemberID
	city string
	zone qun.Zone
}

func run(w io.Writer) error {
	club := qun.Calendar{Zone: qun.MustLoadZone("Asia/Shanghai"), WeekStart: time.Monday}
	shanghai := club.Location()
	now := time.Date(2026, time.November, 22, 21, 0, 0, 0, shanghai) // Sunday evening

	members := []member{
		{"lin", "Shanghai", club.Zone},
		{"zhou", "Hangzhou", club.Zone},
		{"wu", "Shanghai", club.Zone},
		{"chen", "Berlin", qun.MustLoadZone("Europe/Berlin")},
		{"bo", "Beijing", club.Zone},
	}
	events, err := history(shanghai)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%d events from %d members; the latest:\n", len(events), len(members))
	data, err := json.Marshal(events[len(events)-1])
	if err != nil {
		return err
	}
	fmt.Fprintln(w, " ", string(data))

	// 1. scoring: engagement that decays with a half-life of a week.
	// Check-ins count once a day in the club's calendar.
	engagement, err := scoring.EngagementRules{
		Decay:    qun.Decay{HalfLife: qun.Days(7)},
		Calendar: club,
		Kinds: []scoring.Kind{
			{Event: qun.EventFilter{Name: "post"}, Weight: 3},
			{Event: qun.EventFilter{Name: "check_in"}, Weight: 1, DailyCap: 1},
			{Event: qun.EventFilter{Name: "attend_tasting"}, Weight: 5},
			{Event: qun.EventFilter{Name: "purchase"}, Weight: 5},
		},
	}.Compile()
	if err != nil {
		return err
	}
	var table scoring.Table
	for _, e := range events {
		if err := table.Append(e); err != nil {
			return err
		}
	}
	var scores scoring.Scores
	if err := engagement.ScoreTable(&table, now, &scores); err != nil {
		return err
	}
	score := scores.Map()
	fmt.Fprintln(w, "\nEngagement now:")
	for _, m := range members {
		fmt.Fprintf(w, "  %-5s %5.1f\n", m.id, score[m.id])
	}

	// 2. lifecycle: new, active, silent (沉默), churned (流失), by join
	// time and the latest activity.
	classifier, err := lifecycle.NewClassifier(lifecycle.DefaultMemberRules())
	if err != nil {
		return err
	}
	state := map[qun.MemberID]lifecycle.MemberState{}
	fmt.Fprintln(w, "\nLifecycle:")
	for _, m := range members {
		var f lifecycle.Facts
		for _, e := range events {
			switch {
			case e.Member != m.id:
			case e.Name == "join":
				f.Joined = e.Time
			default:
				f.LastActive = e.Time
			}
		}
		state[m.id] = classifier.Classify(f, now)
		fmt.Fprintf(w, "  %-5s %-8v last active %s\n", m.id, state[m.id], f.LastActive.In(shanghai).Format("Jan 2"))
	}

	// 3. segment: interest tags grown from what members read and attend,
	// and the segments operators act on, as rules people can read.
	interests := segment.Interests{
		Decay:     qun.Decay{HalfLife: qun.Days(30)},
		Threshold: 2,
		Rules: []segment.InterestRule{
			{Event: qun.EventFilter{Name: "read_article"}, TagProp: "topic", Prefix: "wine/", Weight: 1},
			{Event: qun.EventFilter{Name: "attend_tasting", Where: []qun.Condition{{Prop: "region", Op: qun.OpExact, Values: []string{"italy"}}}},
				Tag: "wine/italian", Weight: 3},
		},
	}
	set, err := segment.Compile(segment.Schema{
		Attributes: []segment.Attribute{
			{Name: "city", Type: segment.TypeString},
			{Name: "lifecycle", Type: segment.TypeString},
			{Name: "engagement", Type: segment.TypeNumber},
		},
		Tags: []string{"wine/italian", "wine/french"},
	}, []segment.Segment{
		{Name: "recall", Version: 1, Rule: segment.MustParse(`lifecycle = "silent"`)},
		{Name: "italian_wine_fans", Version: 1, Rule: segment.MustParse(
			`has_tag("wine/italian", 3) and count("attend_tasting", 90d) >= 1`)},
		{Name: "core", Version: 1, Rule: segment.MustParse(`engagement >= 10 and not segment("recall")`)},
	})
	if err != nil {
		return err
	}
	var recordErr error // a record the schema refused, which stops the run
	population := func(yield func(*segment.Record) bool) {
		r := set.NewRecord("")
		for _, m := range members {
			r.Reset(m.id)
			var held []segment.Interest
			for _, e := range events {
				if e.Member == m.id {
					held = interests.Observe(held, e)
					recordErr = errors.Join(recordErr, r.AddEvent(e))
				}
			}
			recordErr = errors.Join(recordErr,
				r.SetString("city", m.city),
				r.SetString("lifecycle", state[m.id].String()),
				r.SetNumber("engagement", score[m.id]),
				r.AddTags(interests.Tags(held, now)...))
			if recordErr != nil || !yield(r) {
				return
			}
		}
	}
	snapshot, err := set.Evaluate(population, now)
	if err = errors.Join(recordErr, err); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nSegments:")
	for _, s := range snapshot.Segments() {
		fmt.Fprintf(w, "  %-17s %v\n", s.Name, snapshot.Members(s.Name))
	}

	// 4. calendar: the recall message goes out on Monday at 20:30 on each
	// silent member's own clock, outside quiet hours, at most one WeChat
	// message a day.
	recallTime, err := rrule.Parse("DTSTART;TZID=Asia/Shanghai:20261123T203000\nRRULE:FREQ=WEEKLY;BYDAY=MO")
	if err != nil {
		return err
	}
	sender, err := calendar.Policy{
		Calendar: club,
		Quiet:    calendar.QuietHours{Start: calendar.Clock{Hour: 22}, End: calendar.Clock{Hour: 8}},
		Caps:     []calendar.Cap{{Channel: "wechat", Limit: 1, Per: qun.Day}},
	}.Compile()
	if err != nil {
		return err
	}
	var recipients []calendar.Member
	for _, m := range members {
		if slices.Contains(snapshot.Members("recall"), m.id) {
			recipients = append(recipients, calendar.Member{ID: m.id, Zone: m.zone})
		}
	}
	recall := calendar.Message{ID: "recall-tasting-invite", Channel: "wechat", When: recallTime}
	sends, err := sender.PlanDay(qun.Date{Year: 2026, Month: 11, Day: 23}, recipients, []calendar.Message{recall}, calendar.NewLedger(), calendar.Profiles{})
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "\nMonday's sends:")
	for _, d := range sends {
		fmt.Fprintln(w, " ", d.Explain())
	}

	// 5. incentive: 10 points a check-in, once a day, with a 20-point
	// welcome bonus; a point per yuan spent, double for the core segment's
	// tier. The ledger keeps points in lots that expire at the end of the
	// year (积分年底清零), and a retried event never pays twice.
	program, err := incentive.ParseProgram([]byte(`{
	  "calendar": {"zone": "Asia/Shanghai", "week_start": "monday"},
	  "kinds": [{"name": "points", "spendable": true, "expiry": {"end": "year"}}],
	  "rules": [
	    {"id": "check-in", "kind": "points", "event": {"name": "check_in"},
	     "points": "10", "first_time_bonus": "20", "caps": {"day": "30"}},
	    {"id": "purchase", "kind": "points", "event": {"name": "purchase"},
	     "points": "1", "per": "1", "whole_units": true,
	     "multipliers": [{"name": "core member", "factor": "2", "tiers": ["core"]}]}
	  ]
	}`))
	if err != nil {
		return err
	}
	engine, err := incentive.Compile(program)
	if err != nil {
		return err
	}
	ledger, err := incentive.NewLedger(incentive.NewMemoryStore(), engine)
	if err != nil {
		return err
	}
	ctx := context.Background()
	core := snapshot.Members("core")
	replays := 0
	for _, e := range events {
		if e.Name != "check_in" && e.Name != "purchase" {
			continue
		}
		var tier incentive.Member
		if slices.Contains(core, e.Member) {
			tier.Tier = "core"
		}
		// The queue delivers every event twice; the second is a replay.
		for range 2 {
			res, err := ledger.EarnEvent(ctx, "wine-club", e, tier, e.Time)
			if err != nil {
				return err
			}
			for _, r := range res.Results {
				if r.Duplicate {
					replays++
				}
			}
		}
	}
	fmt.Fprintf(w, "\nPoints (%d redelivered events paid nothing):\n", replays)
	for _, m := range members {
		id := incentive.AccountID{Community: "wine-club", Member: m.id, Kind: "points"}
		b, err := ledger.Balance(ctx, id, now, 60*24*time.Hour)
		if err != nil {
			return err
		}
		line := fmt.Sprintf("  %-5s %4s available", m.id, b.Available)
		if b.Expiring.IsPositive() {
			line += fmt.Sprintf(", %s expire at %s", b.Expiring, b.NextExpiry.In(shanghai).Format("2006-01-02 15:04"))
		}
		fmt.Fprintln(w, line)
	}
	lin := incentive.AccountID{Community: "wine-club", Member: "lin", Kind: "points"}
	for e, err := range ledger.Statement(ctx, lin) {
		if err != nil {
			return err
		}
		if !e.Points.Equal(decimal.NewFromInt(10)) { // all but the plain check-ins
			fmt.Fprintf(w, "  lin's statement: %s %s on %s for %s\n", e.Type, e.Points, e.Time.In(shanghai).Format("Jan 2"), e.Reason)
		}
	}

	// 6. funnel: of the members who joined, how many posted, checked in
	// and bought within 30 days, in that order.
	ft, err := funnel.Build(slices.Values(events))
	if err != nil {
		return err
	}
	onboarding, err := funnel.Funnel{
		Window: funnel.Within(qun.Days(30)),
		Steps: []funnel.Step{
			{EventFilter: qun.EventFilter{Name: "join"}},
			{EventFilter: qun.EventFilter{Name: "post"}},
			{EventFilter: qun.EventFilter{Name: "check_in"}},
			{EventFilter: qun.EventFilter{Name: "purchase"}},
		},
	}.Compile()
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "\nOnboarding funnel, 30 days:")
	for _, s := range onboarding.Run(ft, funnel.Range{}).Steps {
		fmt.Fprintf(w, "  %-9s %d members  %3.0f%%\n", s.Name, s.Members, 100*s.FromFirst)
	}
	return nil
}

// history returns the club's events since September, in time order, each
// validated.
func history(loc *time.Location) ([]qun.Event, error) {
	at := func(month time.Month, day, hour, minute int) time.Time {
		return time.Date(2026, month, day, hour, minute, 0, 0, loc)
	}
	var events []qun.Event
	add := func(m qun.MemberID, name string, t time.Time, props ...string) {
		e := qun.Event{Member: m, Name: name, Time: t}
		for i := 0; i+1 < len(props); i += 2 {
			if e.Props == nil {
				e.Props = map[string]string{}
			}
			e.Props[props[i]] = props[i+1]
		}
		events = append(events, e)
	}

	// lin joined from a poster's QR code, checks in every morning, reads
	// about Italian wine, went to a tasting and bought a Barolo.
	add("lin", "join", at(11, 1, 20, 5), "channel", "poster_qr")
	add("lin", "post", at(11, 2, 21, 0))
	for d := 2; d <= 22; d++ {
		add("lin", "check_in", at(11, d, 7, 10))
	}
	for _, d := range []int{3, 8, 13, 18} {
		add("lin", "read_article", at(11, d, 12, 30), "topic", "italian")
	}
	add("lin", "attend_tasting", at(11, 15, 19, 30), "region", "italy")
	add("lin", "purchase", at(11, 22, 20, 15), "sku", "barolo-2019")
	events[len(events)-1].Value = decimal.NewNullDecimal(decimal.RequireFromString("299.00"))
	events[len(events)-1].ID = "order-881"

	// zhou was a regular until early November.
	add("zhou", "join", at(9, 10, 12, 0), "channel", "friend_invite")
	for d := 0; d < 50; d += 3 {
		add("zhou", "check_in", at(9, 15+d, 8, 0))
		if d%9 == 0 {
			add("zhou", "post", at(9, 15+d, 8, 30))
		}
	}
	// wu joined this week and has posted once.
	add("wu", "join", at(11, 18, 10, 0), "channel", "poster_qr")
	add("wu", "post", at(11, 19, 22, 40))
	// chen, in Berlin, checked in every other day until the start of
	// November, and read about French wine.
	add("chen", "join", at(10, 1, 16, 0), "channel", "search")
	for d := 2; d < 36; d += 2 {
		add("chen", "check_in", at(10, d, 15, 0))
	}
	add("chen", "read_article", at(10, 20, 15, 10), "topic", "french")
	// bo has not been seen since the summer.
	add("bo", "join", at(6, 1, 9, 0))
	add("bo", "post", at(6, 3, 9, 0))
	add("bo", "purchase", at(7, 30, 18, 0))
	events[len(events)-1].Value = decimal.NewNullDecimal(decimal.RequireFromString("88.50"))
	events[len(events)-1].ID = "order-512"

	for i := range events {
		if events[i].ID == "" {
			events[i].ID = fmt.Sprintf("%s-%s-%d", events[i].Member, events[i].Name, events[i].Time.Unix())
		}
		if err := events[i].Validate(); err != nil {
			return nil, err
		}
	}
	slices.SortStableFunc(events, func(a, b qun.Event) int { return a.Time.Compare(b.Time) })
	return events, nil
}
