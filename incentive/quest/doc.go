// Package quest is tasks (任务) and quests: steps done by events that match
// a filter a number of times, in order or in any order, within deadlines
// counted from the start; daily and weekly tasks that start afresh at each
// member's local midnight or week start; progress per member as a value
// the host stores; and completions that pay rewards as decisions.
//
// A [Center] (任务中心) holds the quests; [Compile] it once. For each event
// a member does, [Engine.Apply] takes the member's progress in their
// quests and their calendar, and returns the new progress with a
// [Decision]: the steps the event counted for, the quests it completed or
// found past their deadline, and the rewards to pay, as
// [incentive.Payout] values (points through the ledger, with
// [incentive.Payout.EarnRequest]; badges through package badge).
//
// Semantics, case by case:
//
//   - A step is matched by [qun.EventFilter]: the event's name and
//     conditions on its properties. It takes Count events (1 by default);
//     its count never passes it.
//   - In an ordered quest an event counts only for the first step not yet
//     done, and one event advances one step; otherwise an event counts
//     for every step not yet done that it matches (a post in the wine
//     topic can be both "post" and "post about wine").
//   - A quest starts with the first event that counts for it, or, with
//     Enroll, only when the host starts it ([Engine.Start]: the member
//     accepted it, or joined). Within is the time from the start by which
//     it must be completed, and a step's Within the time by which that
//     step must be done; an event past a deadline fails the quest, and
//     [Engine.Status] shows a quest past its deadline as failed.
//   - A daily or weekly quest is for one day or week of the member's
//     calendar: their time zone, and the community's week start (Monday
//     in China). The first event of a new period starts it afresh; a
//     late event for a period gone by counts for nothing. Limit bounds
//     its completions over all periods.
//   - A replayed event (the same event ID) counts once. Events must come
//     in time order.
//   - Completing a quest pays its reward once per completion, keyed by
//     the occasion ("quest/newcomer/1", "quest/daily-reader/2026-11-18"),
//     so a replayed decision cannot pay twice through the ledger.
package quest
