// Package lifecycle models how a community and each of its members move
// through stages, and returns the moments of change as values for the host
// to act on: "the community entered its growth stage: switch to the growth
// playbook, review monthly"; "this member became silent: send recall
// content". It holds no state: hosts store each community's and member's
// state and pass it in with the time, now, as a parameter.
//
// It has four parts: a typed, pure state machine ([Machine]); the
// community stage model ([StageModel], [StageDetector]); the member
// lifecycle ([MemberRules], [Classifier]); and the AARRR journey and value
// ladder ([Journey], [Ladder]).
//
// # The state machine
//
// A [Definition] lists states, triggers, transitions and named guards,
// typed by the state type S, the trigger type T and the context type C that
// guards read; no interface values, no reflection. [NewMachine] checks it
// and names every problem: undeclared states, triggers or guards; two
// transitions that could both fire (same state, same trigger, same
// priority); a transition that never fires because an unguarded one of
// higher priority always does; a state with no way out that is not marked
// final; a final state that is left; a state unreachable from the initial
// one; an automatic transition to itself, which would fire forever.
//
// [Machine.Fire] takes the current state, a trigger, the context and now,
// and returns a [Transition]: from, to, trigger, time, the guards that
// passed, and the effects due (the exit effects of the old state, the
// transition's own, the entry effects of the new), as names. Nothing is
// called back: the host performs the effects. A self-transition is a
// result, flagged by [Transition.Self], not an error. A trigger whose every
// candidate has a failing guard returns a [*GuardError] naming each failed
// guard. [Machine.Step] and [Machine.Settle] follow automatic (eventless)
// transitions; Settle stops after as many transitions as there are states,
// which, guards being pure, proves a cycle, and returns a [*CycleError]
// instead of hanging. [Machine.Replay] verifies a stored history against
// the definition; [Machine.Mermaid] and [Machine.DOT] draw the machine.
//
// The peers shaped these choices. github.com/qmuntal/stateless types states
// as interface values and panics at fire time when two guards pass
// ("Guard clauses must be mutually exclusive"); here priorities decide, and
// a tie is refused when the machine is built. Its PermitReentry is
// [TransitionSpec.Reenter]. github.com/looplab/fsm reports a
// self-transition as a NoTransitionError
// (https://github.com/looplab/fsm/issues/19, /issues/110) and deadlocks
// when a callback fires an event (/issues/36, /issues/102); here there are
// no callbacks to deadlock.
//
// A Machine numbers states and triggers densely when it is built and keeps,
// for each (state, trigger) pair, a priority-ordered run of transitions
// with their guard functions and their guard and effect names precomputed.
// Fire is two index lookups, the guard calls and a copy: it allocates
// nothing (the returned Effects and Guards are shared; read them, do not
// modify them).
//
// # Community stages
//
// The stages are [qun.Stage]: Building (建设期), Growth (发展期), Mature
// (成熟期) and Declining (衰退期). They follow Richard Millington's online
// community lifecycle (FeverBee; the series is reposted at
// https://cultivate.ning.com/ning-blog/the-online-community-lifecycle-stage-two-establishment):
// inception ends at critical mass, when members rather than staff create
// more than half of the activity; establishment ends, and maturity begins,
// when members create 90% or more; a mature community that grows too large
// loses its sense of community and declines unless it divides into
// sub-groups (mitosis, https://www.feverbee.com/mitosis/), which the Mature
// playbook recommends rather than a stage models.
//
// A stage is read from a [Snapshot] of metrics: member count, net growth
// and active-base growth over the trailing 30 days, DAU/MAU stickiness,
// monthly retention, interactions per active member, the share of core
// contributors, and the share of activity created by members
// ([MetricMemberShare]). A [StageModel] gives each stage entry criteria and
// looser keep criteria, as thresholds on those metrics, the stages that may
// follow it, and a [Playbook]. A community in stage C moves to a next stage
// N when N's entry criteria have held for EnterAfter consecutive snapshots
// and C's keep criteria have failed for LeaveAfter consecutive snapshots.
// "Looser" is exact: every snapshot that meets a stage's entry criteria
// meets its keep criteria, which for conjunctions of bounds means that, metric
// by metric, keep's range of values contains entry's; [StageModel.Validate]
// checks it. Between the two lies a dead band; with the run lengths it
// keeps noisy metrics from making the stage flap, and it guarantees at most
// one move per snapshot. [StageDetector.Observe] reads one snapshot;
// [StageDetector.Timeline] a series, returning each [StageChange] with its
// reasons, threshold by threshold.
//
// The defaults ([DefaultStageModel]) and why:
//
//   - Building: member_share ≤ 0.5 to enter, ≤ 0.6 to stay. Staff still
//     create at least half the activity: Millington's inception, before
//     critical mass.
//   - Growth: members ≥ 100, net_growth ≥ 0.05 a month, member_share ≥ 0.5;
//     kept while members ≥ 80, net_growth ≥ 0.02, member_share ≥ 0.4. Past
//     critical mass; a hundred members hold, by the 90-9-1 rule of
//     participation (https://www.nngroup.com/articles/participation-inequality/),
//     about ten who post, the fewest that keep a conversation going without
//     staff; 5% a month (80% a year) makes growth the story, and below 2% a
//     month (27% a year) it no longer is.
//   - Mature: members ≥ 1000, net_growth between −0.02 and 0.03,
//     active_growth ≥ −0.02, stickiness ≥ 0.2, retention_30d ≥ 0.4,
//     member_share ≥ 0.9, core_share ≥ 0.01; kept while members ≥ 800,
//     net_growth between −0.03 and 0.08, active_growth ≥ −0.05,
//     stickiness ≥ 0.15, retention_30d ≥ 0.3, member_share ≥ 0.8,
//     core_share ≥ 0.005. A thousand members hold, by 90-9-1, about ten
//     heavy contributors and ninety occasional ones; growth has levelled
//     off (Millington's plateau) without the active base shrinking; DAU/MAU
//     of 20% is the bar Sequoia's benchmarks call good for SaaS and average
//     for consumer products (https://help.june.so/en/articles/4752354-stickiness-benchmark),
//     a floor for a community its members visit by habit; members create
//     90% of activity (Millington's maturity); at least 1% are core
//     contributors (the 1 of 90-9-1). Monthly retention of 40% is our
//     judgment of "loyal", the first KPI of maturity, with no published
//     benchmark behind it: calibrate it on your own communities.
//   - Declining: active_growth ≤ −0.05 and net_growth ≤ 0.01; kept while
//     active_growth ≤ 0 and net_growth ≤ 0.03. In a chat group members
//     rarely leave, they fall silent, so decline shows first in the active
//     base: a twentieth lost in a month, not made up by new members.
//   - Hysteresis: 3 snapshots to enter and 3 to leave: three weeks of
//     weekly snapshots, or a quarter of monthly ones.
//   - Succession: Building → Growth; Growth → Declining or Mature; Mature →
//     Declining or Growth (renewed growth above 8% a month); Declining →
//     Growth or Mature. Declining is listed first wherever it may follow,
//     so that a risk is never masked.
//
// No default bounds interaction_rate: we found no benchmark to trust, and
// its scale depends on what a host counts as an interaction.
//
// Each stage's [Playbook] carries its focus KPIs, its review cadence and
// recommended actions, from the operators' methodology: Building is
// reviewed weekly, Growth monthly, Mature quarterly (half-yearly is
// [Cadence]{Every: 2, Grain: qun.Quarter}), and Declining, not in the
// methodology, weekly, since a turnaround needs a short loop. A [Cadence]
// is a count of [qun.Grain]s, which package calendar turns into a
// recurrence.
//
// # The member lifecycle
//
// A member is New (新用户), Active (活跃用户), Silent (沉默用户),
// Churned (流失用户) or Resurrected (召回), by [MemberRules] windows,
// relative to now:
//
//  1. New: joined less than NewFor ago, active or not: onboarding is
//     about when they came, not what they did yet. A member who leaves
//     and rejoins is New again.
//  2. Active: past that, and last active less than SilentAfter ago; but
//     Resurrected if they were Silent or Churned, and still Resurrected,
//     while active, until RecalledFor after they were recalled (the
//     Since the host stored with that change).
//  3. Silent: not active for at least SilentAfter, or never active since
//     joining; measured from the last sign of life, the later of the last
//     activity and joining.
//  4. Churned: no sign of life for at least ChurnedAfter.
//
// A window's boundary belongs to the state beyond it: last active exactly
// 14 days ago is Silent, and joined exactly 7 days ago is no longer New.
// With LocalDays, windows count calendar days in each member's own time
// zone (a member last active on the 1st is Silent from the start of the
// 15th, local time, whatever the hour), right across DST changes.
//
// The defaults ([DefaultMemberRules]) and why:
//
//   - NewFor 7 days: the onboarding week, when operators run the welcome
//     ritual, the newcomer coupon and "7-day growth plan" check-ins; it is
//     also PostHog's weekly interval for "new".
//   - SilentAfter 14 days: a community is a high-frequency product, and
//     Chinese growth practice sets silence at 7 to 14 days for
//     high-frequency social and content products, 30 for mid-frequency and
//     60 to 90 for low-frequency ones (for example
//     https://www.rlut.cn/news/cu-huo-yong-hu-zeng-zhang-lu-jing-you-hua-ru-he-jing-zhun-ji-huo-chen-mo-yong-hu-bing-ti-sheng-liu-c.html).
//     Any 14 days hold a whole calendar week, so a Silent member is
//     dormant in PostHog's weekly lifecycle, whichever day weeks begin on.
//   - ChurnedAfter 90 days: a full quarter, the review cadence of a mature
//     community, so each review sees a fresh churned cohort; any 90 days
//     hold a whole calendar month, so a Churned member is dormant even in
//     PostHog's coarsest, monthly lifecycle; and 90 days without a
//     purchase is the most common churn definition in e-commerce, where
//     many private-domain communities sell.
//   - RecalledFor 14 days: a recall is judged over the span that called
//     the member silent; one active throughout it has come back.
//
// PostHog's lifecycle insight (https://posthog.com/docs/product-analytics/lifecycle)
// answers a different question with similar words. Per interval (a day, a
// week, a month) it splits the users active in that interval into new
// (created in it), returning (active in the previous interval too) and
// resurrecting (not active in the previous interval), and counts as dormant
// those active in the previous interval but not in this one. That is the
// composition of a period's activity, for judging the quality of growth.
// This package answers "what state is this member in now?", with windows
// relative to now, for acting on the member. Roughly: New is PostHog's new
// with NewFor as the interval, but needs no activity; Active is returning;
// Resurrected is resurrecting, kept for RecalledFor instead of one interval;
// Silent is dormant, but lasts until churn where PostHog counts a user
// dormant only in the one interval after their last active one; Churned has
// no PostHog counterpart. An account created long before its first activity
// is resurrecting to PostHog; here it is Active if the host never
// classified it, and Resurrected if the host had stored it Silent or
// Churned.
//
// [Classifier.ClassifyAll] classifies a population held as columns of Unix
// seconds, returning the members whose state changed. The rules are turned
// into cut-off instants once per call (per time zone, for local days), so
// a member costs a few integer comparisons and nothing is allocated per
// member; it decides exactly as [Classifier.Classify] does for whole-second
// instants.
//
// # The journey and the value ladder
//
// [Journey] holds the bars of the AARRR milestones (acquisition 获取,
// activation 激活, retention 留存, revenue 转化, referral 裂变).
// [Journey.Reached] is the last milestone of the longest run met from
// acquisition, so it is monotone in a member's facts and a [JourneyFunnel]
// never widens; [Journey.Met] reports each milestone on its own. The
// defaults: activated on the first active day, retained when active 7 days
// or more after joining on at least 2 days (week-one retention), revenue at
// the first purchase, referral at the first member brought in.
//
// [Ladder] places the host's products on the rungs of the value ladder
// (三端策略): front-end lead products (引流品), profit products (利润品) and
// high-margin products (爆利品). [TrueFan.Count] counts members by their top
// rung and counts the true fans (铁杆粉丝), after Kevin Kelly's "1,000 true
// fans" (https://kk.org/thetechnium/1000-true-fans/): by default, members
// who reached the premium rung with at least two purchases in all.
package lifecycle
