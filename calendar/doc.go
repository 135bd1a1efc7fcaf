// Package calendar decides what goes out when (内容日历 and 触达): the
// founder's voice message every morning at 06:20, the persona's good
// morning and good night (早安/晚安), a content calendar whose mix is mostly
// value and sells last, sends timed to when each member is active and
// never in their quiet hours, more posts on holidays, and event campaigns
// (活动) on a timeline. Time zones and daylight saving are where peer
// systems send at the wrong hour or twice; here every computation is on
// the member's own wall clock and right across DST.
//
// The package has four parts, each configuration that round-trips through
// JSON (strictly: unknown fields are refused), validates with field paths,
// and compiles into an evaluator that returns decisions as values.
//
// # Recurrence
//
// Sub-package [github.com/qunkit/qun/calendar/rrule] reads, writes and
// expands RFC 5545 recurrence rules; see its documentation for the
// semantics. Slots, messages and review cadences here are rrule
// Recurrences.
//
// # Content plans
//
// A [Plan] has [Slot]s (recurrences: "weekdays at 20:00"), [Mix] rules,
// [Holiday]s, [Season]s and blackout dates; [Planner.Fill] places backlog
// [Item]s into the slot occurrences of a span, in time order and
// deterministically. An item fits a slot when the slot takes its kind and
// segment, the day is within its dates, it keeps the gaps (the least time
// between two posts of a kind, or of a topic), the period limits ("no two
// promotions in a week") and the maximum shares over the rolling window
// ("promotion at most 10%": a promotion goes only if it would be at most
// a tenth of the window's posts, counting itself). Of the items that fit,
// the one whose topics include the day's holiday or the month's season
// theme goes first, then the one whose kind is furthest below its target
// share, then the earliest in the backlog. Every post says why it was
// chosen, every empty slot why nothing fit, and every item left out why.
//
// A maximum share is a trailing-window rule, checked as each post of the
// kind is placed. In the finished plan it holds for the window ending on
// the day of every post of the kind, counting every post on those days
// (published history, and posts placed later that day). It is not
// promised for windows ending on other days: after the posts that made
// room for a promotion roll out of the window, a day that posts less (a
// blackout, an empty slot) can see a larger share, since the planner,
// filling in time order, cannot know at the promotion how many posts will
// follow (see [Share]).
//
// A holiday's multiplier scales the number of posts that day: above 1 the
// extra posts take holiday-only slots in time order; below 1 the day keeps
// its earliest slots.
//
// # Sending to members
//
// A [Policy] holds the [QuietHours], the member [Cap]s, the channel
// [Quota]s and the [BestTime] estimator; [Sender.NextSendTime] and
// [Sender.PlanDay] combine them with a [Message]'s recurrence, which is
// read on each member's own clock (local time delivery): its start, its
// added and excluded dates and the UNTIL of its rule are each taken as the
// wall clock reading they have in the message's zone, so "daily at 06:20
// until 5 January 06:20 Shanghai time" ends with 5 January 06:20 for a
// member in Berlin too (RFC 5545 §3.3.10 makes UNTIL a local time when
// DTSTART is one). In the message's own zone nothing moves.
//
// Occurrences that would go to a member at the same instant are one send:
// those that quiet hours hold to the same end, and all of a day's
// occurrences of a best-time message, which go at the member's best hour.
// A best-time message is thus one send per member per day, however often
// its recurrence occurs that day. The send keeps the first occurrence as
// its identity ([Decision.Occurrence], with the member and the message a
// host's idempotency key) and counts the others in [Decision.Merged]. The
// merging is within one call: planning two days with two calls, a send
// held past midnight and one due the next morning inside the same quiet
// hours both go at the window's end.
//
// Quiet hours follow Braze (braze.com/docs/user_guide/messaging/
// messaging_fundamentals/quiet_hours): a send due inside the window is held
// and goes out when the window ends, in each member's zone; a window may
// cross midnight. On DST nights the window is read on the wall clock: it
// ends when the clock first reads its end or jumps past it, and a clock
// that falls back into it holds sends again.
//
// Caps follow Braze's global frequency capping (braze.com/docs/user_guide/
// messaging/messaging_fundamentals/frequency_capping and its FAQ): per
// member, per channel or across channels, counted by calendar day (or
// week, month) in the member's zone rather than a rolling 24 hours, or
// over a rolling window such as 7 days, of at most [MaxWindow] (ten
// years; longer is refused, so that no window arithmetic can overflow);
// when sends compete, "the first message processed counts toward the cap"
// and the rest are capped. A capped send is returned as a [Decision] with
// its reason and the cap that refused it, never dropped. Quotas limit a
// channel's sends to all members per period of the community's calendar
// (a platform's broadcast limit). The [Ledger] is the state caps count:
// the host records what it delivered ([Sender.Record] counts a send
// against member caps and channel quotas alike, so a ledger restored from
// the host's send log is the one planning left), and planning records what
// it admits. PlanDay therefore needs a ledger and refuses a nil one with
// [qun.ErrInvalid]; NextSendTime, which records nothing, reads nil as no
// sends so far. The zero Ledger is an empty one.
//
// The best time is the peak hour of the member's own activity for that
// weekday ([HourProfile]), smoothed toward the segment's profile (or the
// community's) by a number of pseudo-events, so a member with little
// history gets the segment's peak and one with much gets their own; with
// too little data anywhere it falls back to a fixed hour, the community's
// known peak (one brand found 20:00 to 22:00). [BestHour] says which
// source decided and how much the member's own data weighed.
//
// # Event timelines
//
// A [Timeline] of [Phase]s at day offsets from an event day (announce −7,
// warm-up −3, reminder −1, live, review +1, follow-up +3: [LaunchTimeline])
// turns an event day into dated [Task]s in a zone. [ReviewCadence] gives a
// community's review recurrence by its stage: weekly while Building,
// monthly in Growth, quarterly when Mature, and weekly again when
// Declining, since decline shows first in metrics that move week to week
// and a declining community can still turn back to growth.
//
// # Speed
//
// [Sender.PlanDay] compiles each message's recurrence once per zone,
// works out each send time (a best hour on the zone's clock, the end of
// quiet hours) once per zone, and finds each member in the ledger once;
// the ledger keeps each member's sends as pointer-free (instant, channel
// number) pairs. Planning a day of two messages for 100,000 members in
// eight zones takes about 100 ms on one core, and under 600 allocations
// in all (BenchmarkPlanDay -cpu 1: median of 24 runs on a shared two-core
// machine under a load of 4 to 5; its quieter runs took 55 to 65 ms).
package calendar
