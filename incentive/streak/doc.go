// Package streak is check-ins (打卡) and streaks: consecutive days counted
// in each member's own calendar, freeze and make-up tokens (补签卡),
// milestones that pay rewards, and fixed-length check-in plans such as the
// "7-day growth plan" (7天成长计划).
//
// # Days
//
// A member's day is their local calendar day in the time zone they check
// in from: the [qun.Calendar] date of the instant, so a day is a day
// across DST changes (a 23-hour spring-forward day and a 25-hour
// fall-back day each count once) and a check-in at 00:30 belongs to the
// new day. Consecutive days are dates one apart, which is what
// [qun.Period.Index] of [qun.Day] numbers consecutively.
//
// A member who moves between time zones neither breaks a streak nor
// counts a day twice. The rule: a check-in counts its date in the zone it
// is made in, and counts only if that date is after the last counted
// one, so a westward move that repeats a date (back from Sydney to Los
// Angeles) counts it once; and the gap since the last counted day is
// measured in the old zone or the new one, whichever is smaller, so an
// eastward move that skips a date (Los Angeles to Sydney skips a day)
// continues the streak, the skipped date kept without counting. See
// [Engine.CheckIn].
//
// # Freezes, make-ups and milestones
//
// [Rules] configure a streak. Freezes work as Duolingo's streak freezes
// do (support.duolingo.com, "What is a streak?": a freeze protects a
// streak for a missed day, and a member holds at most 2): each missed day
// spends one, automatically, and a member who misses more days than they
// hold spends them all and loses the streak. A frozen day keeps the
// streak alive without growing it. Make-up cards (补签卡) are the Chinese
// apps' remedy instead: a member spends a card to check in on a missed
// day after the fact, within a number of days back and a limit per week
// or month; a made-up day counts as checked in, and can join the streaks
// on either side of it. (SpanishDict's "streak repair", which counts a
// repaired day as its own day of activity, works the same way.)
//
// A milestone pays its reward (an [incentive.Reward]: points, a badge)
// when the current streak reaches its day: once per member, or, with
// Repeat, once per streak. A streak joined to an earlier one by a make-up
// is one streak and is not paid twice. Rewards come back as
// [incentive.Payout] values, each keyed by its occasion, which the host
// pays through its ledger ([incentive.Payout.EarnRequest]) and grants
// through package badge.
//
// # State
//
// A member's [State] is a value the host stores: the zone of their last
// check-in, their recent runs of kept days (only those a make-up can still
// reach, so the state stays small however long the streak), their
// longest streak and total days, and the tokens they hold. Operations
// take a state and return the new one with a [Result]; [Engine.Status]
// reads a state as of an instant without changing it (is the streak alive,
// at risk, or broken).
//
// # Plans
//
// A [Plan] is a fixed run of days, each with tasks ([qun.EventFilter]
// with a count): day 1 is the member's first local day in the plan. An
// event counts for its own day's tasks (and, with CatchUp, for an earlier
// unfinished day's); finishing a day or the plan pays their rewards, and
// a replayed event (by ID) counts once. [PlanEngine.Status] says which
// days are done or missed and whether the plan can still be completed.
package streak
