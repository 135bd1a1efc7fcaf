package calendar

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/calendar/rrule"
)

// Policy is how sends reach members: the quiet hours, the caps per member,
// the quotas per channel, and how to find each member's best time. It is
// configuration: it round-trips through JSON and compiles into a [Sender].
type Policy struct {
	// Calendar is the community's calendar: channel quotas count its
	// periods, and member caps count periods in each member's zone with
	// its week start.
	Calendar qun.Calendar `json:"calendar"`
	// Quiet is the window, on each member's clock, in which nothing is
	// sent.
	Quiet QuietHours `json:"quiet_hours"`
	// Caps limit each member's sends, in order: the first broken is the
	// one reported.
	Caps []Cap `json:"caps,omitempty"`
	// Quotas limit each channel's sends to everyone.
	Quotas []Quota `json:"quotas,omitempty"`
	// BestTime finds each member's hour.
	BestTime BestTime `json:"best_time"`
}

// Validate reports every problem with p, joined, with field paths.
func (p Policy) Validate() error {
	errs := []error{
		qun.Within("calendar", p.Calendar.Validate()),
		qun.Within("quiet_hours", p.Quiet.Validate()),
		qun.Within("best_time", p.BestTime.Validate()),
	}
	for i, c := range p.Caps {
		errs = append(errs, qun.Within("caps["+strconv.Itoa(i)+"]", c.Validate()))
	}
	for i, q := range p.Quotas {
		errs = append(errs, qun.Within("quotas["+strconv.Itoa(i)+"]", q.Validate()))
	}
	return errors.Join(errs...)
}

// Message is something to send to members on a channel, on a recurrence
// read on each member's own clock: "every morning at 06:20" is 06:20 in
// Shanghai for a member there and 06:20 in New York for one there (local
// time delivery). With BestTime, the recurrence gives the days and each
// member's best hour the time.
type Message struct {
	// ID names the message in its [Decision]s, and with the member and
	// the occurrence makes a send's identity. It must not be empty.
	ID string `json:"id"`
	// Channel is the channel the message goes out on ("wechat", "app",
	// "sms"), the host's own name, matched exactly by [Cap.Channel] and
	// [Quota.Channel]. It must not be empty.
	Channel string `json:"channel"`
	// When is the message's recurrence, in its own zone. For each member
	// it is read on the member's clock: its start, added and excluded
	// dates and UNTIL keep their wall clock readings in the member's zone
	// (see the package doc). In JSON it is the recurrence's text,
	// "DTSTART;TZID=Asia/Shanghai:20261123T062000\nRRULE:FREQ=DAILY".
	When rrule.Recurrence `json:"when"`
	// BestTime, if set, sends at each member's best hour ([Policy]'s
	// BestTime estimate for the weekday) on each day the recurrence
	// occurs on the member's clock, instead of at the occurrence's time
	// of day: one send per member per day, however often the recurrence
	// occurs that day. The best hour may come before the occurrence.
	BestTime bool `json:"best_time,omitempty"`
}

// Validate reports whether the message has an ID, a channel and a valid
// recurrence.
func (m Message) Validate() error {
	var errs []error
	if m.ID == "" {
		errs = append(errs, qun.Invalid("id", "must not be empty"))
	}
	if m.Channel == "" {
		errs = append(errs, qun.Invalid("channel", "must not be empty"))
	}
	errs = append(errs, qun.Within("when", m.When.Validate()))
	return errors.Join(errs...)
}

// Member is who a send goes to: an ID, a time zone, and optionally an
// activity profile and the key of a segment profile to smooth it toward.
type Member struct {
	// ID is the member's key in the [Ledger]: caps count the sends
	// recorded under it. Planning does not validate it.
	ID qun.MemberID
	// Zone is the member's time zone: the clock on which the message's
	// recurrence, quiet hours, cap periods and the best time's weekday
	// and hour are read. The zero Zone is UTC.
	Zone qun.Zone
	// Activity is the member's hour-of-week activity, counted on the
	// member's clock (see [HourProfile.Add]); nil is no history. Only
	// best-time messages read it.
	Activity *HourProfile
	// Segment is the key of the member's segment in [Profiles.Segments],
	// the profile the best time is smoothed toward. It is looked up as is,
	// "" too; with no profile there, or one with less than
	// [BestTime.MinEvents] of activity, the community's is used.
	Segment string
}

// Profiles are the activity profiles best times are smoothed toward: one
// per segment, keyed as [Member.Segment] names them, and the community's.
type Profiles struct {
	// Community is the whole community's activity profile, smoothed
	// toward when a member's segment has no usable one; nil is none.
	Community *HourProfile
	// Segments are the segments' activity profiles, keyed by
	// [Member.Segment]; a nil map or a nil profile is none.
	Segments map[string]*HourProfile
}

// Refusal says why a send was not made. The zero Refusal is none.
type Refusal uint8

// The refusals.
const (
	// Admitted: the send goes out.
	Admitted Refusal = iota
	// CappedMember: a member cap is full (Decision.Cap says which).
	CappedMember
	// CappedChannel: a channel quota is full (Decision.Cap says which).
	CappedChannel
	// NoOccurrence: the message's recurrence has no occurrence in reach.
	NoOccurrence
)

var refusalNames = [...]string{"admitted", "capped_member", "capped_channel", "no_occurrence"}

// String returns the refusal's name.
func (r Refusal) String() string {
	if int(r) < len(refusalNames) {
		return refusalNames[r]
	}
	return fmt.Sprintf("Refusal(%d)", uint8(r))
}

// Decision is one send, planned: when it was due, when it goes out, or
// why it does not. It is a value; the host delivers and records it.
type Decision struct {
	// Member is the [Member.ID] the send is for.
	Member qun.MemberID
	// Message is the [Message.ID] of the message sent.
	Message string
	// Channel is the message's channel.
	Channel string
	// Due is when the recurrence (or the best time) wanted the send.
	Due time.Time
	// At is when it goes out: Due, or the end of quiet hours. It is set
	// for refused sends too, as the time the send would have had.
	At time.Time
	// Deferred reports that quiet hours moved the send.
	Deferred bool
	// Refused is why the send is not made; Admitted when it is.
	Refused Refusal
	// Cap is the index of the cap (CappedMember) or quota
	// (CappedChannel) that refused it; -1 otherwise.
	Cap int
	// BestTime reports that the message went at the member's best time,
	// and Best how that was found.
	BestTime bool
	Best     BestHour
	// Skipped counts sends NextSendTime passed over because a cap was
	// full, before the one it chose.
	Skipped int
	// Occurrence is the occurrence of the message's recurrence, on the
	// member's clock, that the send is for: with the member and the
	// message, the send's identity (a host's idempotency key). When
	// occurrences are merged into one send, it is the first of them.
	Occurrence time.Time
	// Merged counts the later occurrences merged into this send because
	// they would have gone at the same instant: held by quiet hours to
	// the same end, or, for a best-time message, on the same day.
	Merged int
}

// Explain says, in a sentence, what was decided and why.
func (d Decision) Explain() string {
	s := fmt.Sprintf("%s to %s on %s: ", d.Message, d.Member, d.Channel)
	switch d.Refused {
	case Admitted:
		s += "send at " + d.At.Format(time.RFC3339)
	case CappedMember:
		s += fmt.Sprintf("refused at %s: member cap %d is full", d.At.Format(time.RFC3339), d.Cap)
	case CappedChannel:
		s += fmt.Sprintf("refused at %s: channel quota %d is full", d.At.Format(time.RFC3339), d.Cap)
	case NoOccurrence:
		return s + "refused: no occurrence"
	}
	if d.Deferred {
		s += " (due " + d.Due.Format(time.RFC3339) + ", held for quiet hours)"
	}
	if d.BestTime {
		s += "; best time " + d.Best.String()
	}
	if d.Merged > 0 {
		s += fmt.Sprintf("; %d later occurrences merged into it", d.Merged)
	}
	if d.Skipped > 0 {
		s += fmt.Sprintf("; %d earlier sends capped", d.Skipped)
	}
	return s
}

// Sender is a compiled [Policy]. It holds no state of its own: caps count
// in the [Ledger] passed to each call. It is safe for concurrent use with
// distinct Ledgers.
type Sender struct {
	p Policy
}

// Compile validates p and compiles it.
func (p Policy) Compile() (*Sender, error) {
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("calendar: compile policy: %w", err)
	}
	return &Sender{p: p}, nil
}

// Policy returns the policy s was compiled from.
func (s *Sender) Policy() Policy { return s.p }

// inZone returns the message's recurrence read on a clock in zone: the
// same wall readings for the start, the added and excluded dates and the
// UNTIL of the rule. Each instant the recurrence holds is read on the
// message's own clock and that reading taken on the member's, as the start
// is, so that a member in any zone gets the occurrences up to the same
// reading (RFC 5545 §3.3.10 makes UNTIL a local time when DTSTART is one,
// and a message planned on each member's clock is that). In the message's
// own zone nothing moves, so an instant in a repeated hour keeps its
// offset.
func inZone(rec rrule.Recurrence, zone qun.Zone) rrule.Recurrence {
	if rec.Zone.Equal(zone) {
		return rec
	}
	from, to := rec.Zone.Location(), zone.Location()
	move := func(list []time.Time) []time.Time {
		out := make([]time.Time, 0, len(list))
		for _, t := range list {
			// A reading past the years a recurrence can hold cannot be
			// an occurrence, nor remove one.
			if dt := rrule.DateTimeOf(t.In(from)); dt.IsValid() {
				out = append(out, dt.In(to))
			}
		}
		return out
	}
	rec.Zone = zone
	rec.RDates, rec.ExDates = move(rec.RDates), move(rec.ExDates)
	if u := rec.Rule.Until; !u.IsZero() {
		// The instant stays in the member's zone, where its year is that
		// of the reading; a reading past the years is held at their end.
		dt := rrule.DateTimeOf(u.In(from))
		switch {
		case dt.Date.Year < 1:
			dt = rrule.DateTime{Date: qun.Date{Year: 1, Month: time.January, Day: 1}}
		case dt.Date.Year > 9999:
			dt = rrule.DateTime{Date: qun.Date{Year: 9999, Month: time.December, Day: 31}, Hour: 23, Minute: 59, Second: 59}
		}
		rec.Rule.Until = dt.In(to)
	}
	return rec
}

// maxLookahead is how many occurrences NextSendTime tries before it gives
// up on caps.
const maxLookahead = 400

// NextSendTime returns the next send of msg to member after now: the next
// occurrence of the message's recurrence on the member's clock (at the
// member's best time, for a best-time message), held to the end of quiet
// hours, and passed over while a cap or quota is full. Occurrences that
// would go at the same instant are one send, as in [Sender.PlanDay]. It
// records nothing in the ledger; a nil ledger is an empty one (no sends so
// far): the host records what it delivers.
func (s *Sender) NextSendTime(member Member, msg Message, now time.Time, ledger *Ledger, profiles Profiles) (Decision, error) {
	if err := msg.Validate(); err != nil {
		return Decision{}, fmt.Errorf("calendar: next send time: %w", err)
	}
	sched, err := inZone(msg.When, member.Zone).Compile()
	if err != nil {
		return Decision{}, fmt.Errorf("calendar: next send time: %w", err)
	}
	if ledger == nil {
		ledger = NewLedger()
	}
	pr := s.p.BestTime.makePrior(profiles.Segments[member.Segment], profiles.Community)
	loc := member.Zone.Location()
	after := now.Add(-1)
	if msg.BestTime {
		// The best hour may come before the occurrence's own time: look
		// from the start of today.
		after = qun.DateOf(now.In(loc)).Start(loc).Add(-1)
	}
	// Reading only: a member the ledger does not know has no sends, and
	// is not added (slot -1).
	slot, known := ledger.index[member.ID]
	if !known {
		slot = -1
	}
	times := newSendTimes(member.Zone, s.p.Quiet)
	// cur is the send being gathered: later occurrences at its instant
	// merge into it, and it is settled when the next send begins. An
	// admitted send is the answer; a capped one is passed over, and the
	// first of those is the answer if none is admitted.
	var cur, first Decision
	have, skipped, tries := false, 0, 0
	settle := func() bool {
		if cur.Refused == Admitted {
			cur.Skipped = skipped
			return true
		}
		if skipped == 0 {
			first = cur
		}
		skipped++
		return false
	}
	for occ := range sched.After(after) {
		if tries++; tries > maxLookahead {
			break
		}
		d := s.timing(member, msg, occ, &pr, times)
		if d.Due.Before(now) {
			continue
		}
		if have && d.At.Equal(cur.At) {
			cur.Merged++
			continue
		}
		if have && settle() {
			return cur, nil
		}
		s.check(&d, member.Zone, ledger, slot)
		cur, have = d, true
	}
	if have && settle() {
		return cur, nil
	}
	if skipped > 0 {
		first.Skipped = skipped
		return first, nil
	}
	return Decision{Member: member.ID, Message: msg.ID, Channel: msg.Channel, Refused: NoOccurrence, Cap: -1}, nil
}

// timing plans when one occurrence goes to one member: its due time (the
// best hour of its day, for a best-time message) and the time quiet hours
// allow. It does not look at caps.
func (s *Sender) timing(member Member, msg Message, occ time.Time, pr *prior, times *sendTimes) Decision {
	d := Decision{Member: member.ID, Message: msg.ID, Channel: msg.Channel, Occurrence: occ, Due: occ, Cap: -1}
	if msg.BestTime {
		day := qun.DateOf(occ)
		d.BestTime = true
		d.Best = s.p.BestTime.estimate(member.Activity, pr, day.Weekday())
		d.Due = times.on(day, d.Best.Clock)
	}
	d.At = times.held(d.Due)
	d.Deferred = !d.At.Equal(d.Due)
	return d
}

// sendTimes works out the instants of sends on one zone's clock: when a
// clock time falls on a day, and when quiet hours let a send due at an
// instant go. Both are the same for every member in the zone, so it
// remembers them: PlanDay works each out once per zone, not once per
// member.
type sendTimes struct {
	loc   *time.Location
	quiet QuietHours
	ons   map[dayClock]time.Time
	helds map[int64]time.Time // by the due instant in Unix seconds
}

type dayClock struct {
	day   qun.Date
	clock Clock
}

func newSendTimes(zone qun.Zone, quiet QuietHours) *sendTimes {
	return &sendTimes{loc: zone.Location(), quiet: quiet, ons: map[dayClock]time.Time{}, helds: map[int64]time.Time{}}
}

// on returns the instant the zone's clock reads c on day.
func (st *sendTimes) on(day qun.Date, c Clock) time.Time {
	t, ok := st.ons[dayClock{day, c}]
	if !ok {
		t = c.On(day, st.loc)
		st.ons[dayClock{day, c}] = t
	}
	return t
}

// held returns when a send due at due goes, after quiet hours. Due
// instants are whole seconds (occurrences and clock times are).
func (st *sendTimes) held(due time.Time) time.Time {
	t, ok := st.helds[due.Unix()]
	if !ok {
		t = st.quiet.Defer(due, st.loc)
		st.helds[due.Unix()] = t
	}
	return t
}

// check refuses d if a member cap or a channel quota is full at d.At,
// without recording it.
func (s *Sender) check(d *Decision, zone qun.Zone, ledger *Ledger, slot int32) {
	cal := qun.Calendar{Zone: zone, WeekStart: s.p.Calendar.WeekStart}
	if i := ledger.capped(s.p.Caps, slot, d.Channel, d.At, cal); i >= 0 {
		d.Refused, d.Cap = CappedMember, i
		return
	}
	ch, ok := ledger.channels[d.Channel]
	if !ok {
		return // no send on the channel yet: no quota is used
	}
	for i, q := range s.p.Quotas {
		if q.Channel != d.Channel {
			continue
		}
		if ledger.quotas[quotaKey{ch, q.Per, s.p.Calendar.Index(q.Per, d.At)}] >= q.Limit {
			d.Refused, d.Cap = CappedChannel, i
			return
		}
	}
}

// admit records an admitted decision in the ledger.
func (s *Sender) admit(d Decision, ledger *Ledger, slot int32) {
	ch := ledger.channel(d.Channel)
	ledger.record(slot, ch, unixOf(d.At))
	s.use(ledger, ch, d.Channel, d.At)
}

// use counts a send on channel (numbered ch in the ledger) at t against
// the policy's quotas on that channel, once for each distinct period.
func (s *Sender) use(ledger *Ledger, ch int32, channel string, t time.Time) {
	for i, q := range s.p.Quotas {
		if q.Channel != channel || slices.ContainsFunc(s.p.Quotas[:i], func(o Quota) bool { return o.Channel == channel && o.Per == q.Per }) {
			continue
		}
		if ledger.quotas == nil {
			ledger.quotas = map[quotaKey]int64{}
		}
		ledger.quotas[quotaKey{ch, q.Per, s.p.Calendar.Index(q.Per, t)}]++
	}
}

// Record counts a send the host made to a member on a channel at an
// instant, as [Ledger.Record] does, and against the policy's channel
// quotas too: what a host calls for each send in its log when it restores
// a ledger. It refuses a nil ledger, an empty member or channel, and a
// zero time with an error matching [qun.ErrInvalid], recording nothing.
// A send recorded twice counts twice.
func (s *Sender) Record(ledger *Ledger, member qun.MemberID, channel string, at time.Time) error {
	var errs []error
	if ledger == nil {
		errs = append(errs, qun.Invalid("ledger", "must not be nil"))
	}
	if member == "" {
		errs = append(errs, qun.Invalid("member", "must not be empty"))
	}
	if channel == "" {
		errs = append(errs, qun.Invalid("channel", "must not be empty"))
	}
	if at.IsZero() {
		errs = append(errs, qun.Invalid("at", "must not be zero"))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("calendar: record: %w", err)
	}
	ch := ledger.channel(channel)
	ledger.record(ledger.slot(member), ch, unixOf(at))
	s.use(ledger, ch, channel, at)
	return nil
}

// PlanDay plans every send of the messages to the members on the local day
// day (each member's own day, in the member's zone), with its time or its
// refusal: one Decision per occurrence of each message's recurrence that
// falls on that day, except that occurrences that would go to a member at
// the same instant are one send. A best-time message is thus one send per
// member on the day, at the best hour, however many times its recurrence
// occurs that day; occurrences that quiet hours hold to the same end are
// one send at the end. The send keeps the first of them as its
// [Decision.Occurrence] and counts the rest in [Decision.Merged].
//
// Messages are processed in order, each for every member in order, and
// the first processed wins what a cap has left (as in Braze). Admitted
// sends are recorded in the ledger. The ledger must not be nil, since
// planning records into it (a nil one is refused with [qun.ErrInvalid]; an
// empty one is [NewLedger]() or a zero Ledger), and day must be a valid
// date.
//
// Sends are merged within one call: a send held past midnight by quiet
// hours and a send due the next morning in the same quiet hours are two
// sends at the window's end when the two days are planned by two calls.
//
// Recurrences are compiled once per message and zone, so a population in
// a handful of zones costs little more than its members.
func (s *Sender) PlanDay(day qun.Date, members []Member, messages []Message, ledger *Ledger, profiles Profiles) ([]Decision, error) {
	if ledger == nil {
		return nil, fmt.Errorf("calendar: plan day: %w", qun.Invalid("ledger", "must not be nil: planning records the sends it admits"))
	}
	if !day.IsValid() {
		return nil, fmt.Errorf("calendar: plan day: %w", qun.Invalid("day", "must be a date"))
	}
	for i, m := range messages {
		if err := m.Validate(); err != nil {
			return nil, fmt.Errorf("calendar: plan day: %w", qun.Within("messages["+strconv.Itoa(i)+"]", err))
		}
	}
	type zoneDay struct {
		occ   []time.Time
		times *sendTimes
	}
	priors := map[string]*prior{}
	priorOf := func(segment string) *prior {
		if p, ok := priors[segment]; ok {
			return p
		}
		p := s.p.BestTime.makePrior(profiles.Segments[segment], profiles.Community)
		priors[segment] = &p
		return &p
	}
	out := make([]Decision, 0, len(members)*len(messages))
	ledger.reserve(len(members))
	slots := make([]int32, len(members)) // each member's place in the ledger, found once
	for i := range slots {
		slots[i] = -1
	}
	for _, msg := range messages {
		byZone := map[string]*zoneDay{}
		for mi, member := range members {
			zname := member.Zone.String()
			zd, ok := byZone[zname]
			if !ok {
				sched, err := inZone(msg.When, member.Zone).Compile()
				if err != nil {
					return nil, fmt.Errorf("calendar: plan day: message %s: %w", msg.ID, err)
				}
				loc := member.Zone.Location()
				zd = &zoneDay{times: newSendTimes(member.Zone, s.p.Quiet)}
				for occ := range sched.Between(day.Start(loc), day.AddDays(1).Start(loc)) {
					zd.occ = append(zd.occ, occ)
				}
				byZone[zname] = zd
			}
			var pr *prior
			if msg.BestTime {
				pr = priorOf(member.Segment)
			}
			sends := len(out) // this member's sends of msg begin here
			for _, occ := range zd.occ {
				d := s.timing(member, msg, occ, pr, zd.times)
				// Send times never go back as occurrences go forward (a
				// best-time message's are all the day's best hour; quiet
				// hours give the earliest instant outside the window), so
				// a send at the same instant is the last one.
				if n := len(out); n > sends && out[n-1].At.Equal(d.At) {
					out[n-1].Merged++
					continue
				}
				if slots[mi] < 0 {
					slots[mi] = ledger.slot(member.ID)
				}
				s.check(&d, member.Zone, ledger, slots[mi])
				if d.Refused == Admitted {
					s.admit(d, ledger, slots[mi])
				}
				out = append(out, d)
			}
		}
	}
	return out, nil
}
