// Package funnel measures a community the way its operators read it
// (数据复盘): funnels (漏斗), retention cohorts (留存), active users (DAU, WAU,
// MAU) and stickiness (粘性), the lifecycle of members (new, returning,
// resurrecting, dormant), growth and fission (裂变) with the viral
// coefficient, and, in the stats sub-package, the statistics that compare
// two periods or two variants with honest uncertainty.
//
// Its semantics are those analysts already trust: PostHog's funnels,
// retention and lifecycle, and ClickHouse's windowFunnel. Where they differ,
// or leave a case open, this documentation says which rule is taken and
// why, case by case, with the source it follows. Everything is pure: no
// clock (a "now" is a parameter), no goroutines, no I/O.
//
// # The event table
//
// Every measure reads a [Table]: a compact, columnar copy of the host's
// [qun.Event] values built with [Build] or [Table.Append] from an
// iter.Seq. Members, event names and property keys and values are interned;
// times are microseconds (PostHog and ClickHouse keep DateTime64(6)). Events
// live in pages of [PageMembers] consecutive members, each page in time
// order: events that arrive in time order are appended and never sorted,
// and a page that receives an older event is re-sorted alone, so no input
// pays for a global sort. A query groups each page by member with a
// counting sort that stays in cache, then measures member by member.
// [Table.AddProfiles] adds what the host knows of members beyond their
// events: when they joined, and member properties. [Table.Runs] yields each
// member's events in time order, for measures of the host's own. A built
// table may be read by any number of queries at once.
//
// # Funnels
//
// A [Funnel] is steps (each a [qun.EventFilter]: an event name and
// PostHog's property conditions), an order, a conversion window, exclusions
// and an optional breakdown; [Funnel.Compile] makes a [Query] that runs over
// any table and [Range] of time. Each case below cites its source:
// PostHog's docs (posthog.com/docs/product-analytics/funnels) and its funnel
// engine (funnel-udf/src/steps.rs and unordered_steps.rs, the UDF its
// funnels run on; posthog/hogql_queries/insights/funnels/*.py, the queries
// that feed it), and ClickHouse's windowFunnel (clickhouse.com/docs,
// "windowFunnel"; src/AggregateFunctions/AggregateFunctionWindowFunnel.cpp).
//
//   - Members, not events, are counted: step k counts the members whose best
//     attempt completed steps 1..k. Counts never increase from step to step.
//   - The conversion window runs from an attempt's first step, is inclusive
//     (a step exactly at its end counts: PostHog compares
//     "timestamp − entry <= window", ClickHouse "timestamp <= first + window")
//     and defaults to 14 days (PostHog). Units run from seconds to months; a
//     [Window] of "1mo" is a calendar month in the funnel's Zone (see
//     [Window] for how it ends, and why not PostHog's 31 days).
//   - Several attempts: each step-1 event opens an attempt and, for every
//     step, the attempt with the latest entry that reached it is kept
//     (PostHog's entered_timestamp, ClickHouse's events_timestamp); a later
//     entry never converts less, so this finds each member's furthest step.
//     Time to convert is that of the first attempt to get furthest, each
//     step at its first occurrence in the attempt (PostHog's
//     already_reached_this_step).
//   - The same event may be two steps ("check in" three times): one event
//     completes at most one step of an attempt (PostHog; ClickHouse's
//     strict_once), so the member must do it as many times.
//   - Ties: events at the same instant are no evidence of order, so they may
//     complete consecutive steps in any order among themselves, each event
//     one step (PostHog's SQL funnels compare "latest_0 <= latest_1";
//     ClickHouse sorts ties by condition). Among tied events the engine
//     finds the best assignment (a bipartite matching), so the result does
//     not depend on the order of the input.
//   - Order [Ordered]: other events may come between steps. [Strict] (PostHog
//     "strict order"): each step must be the member's very next event after
//     the previous step; any other event in between breaks the attempt (the
//     engine then sees all of the member's events, as PostHog's strict funnel
//     does). An event at the same instant as a step is neither before nor
//     after it. [Unordered] (PostHog "any order"): step k counts the members
//     who did k of the steps, in any order, within one window opened by the
//     first of them; each event counts for one step.
//   - A step may have a window of its own, [Step].Within, from the previous
//     step (per-step completion windows, as Statsig's Funnel++ has them;
//     PostHog and ClickHouse have none).
//   - Which occurrence may complete a step ([Occurrence], PostHog's step
//     "math"): any (the best attempt wins); [FirstEver], only the member's
//     first event of that name in the whole table, and only if it meets the
//     step's conditions (first_time_for_user); [FirstMatching], the member's
//     first event that meets name and conditions
//     (first_time_for_user_with_filters). Ties at that first instant all
//     qualify.
//   - The [Range] bounds every step: events before From or at or after To
//     are not seen (PostHog filters the funnel's events by its date range).
//     First-time steps still look at all history to find the first.
//   - [Exclusion] (PostHog exclusion steps): an excluded event after step
//     From and before step To of an attempt, within its window, marks the
//     attempt; a marked attempt goes no further, and a member whose
//     furthest attempt is marked is dropped from every step (counted in
//     [Result].Dropped) unless a clean attempt gets as far. An exclusion at
//     the same instant as a step is taken to come before it (PostHog's UDF
//     runs exclusions first). Unordered funnels exclude only across all
//     their steps, as PostHog requires, with the rule of its SQL engine
//     (funnel_unordered.py; its UDF leaves them a TODO): a window is
//     excluded when an exclusion falls after its first event and before it
//     completes every step (or before it closes), and a member counts at
//     the furthest window not excluded, or is dropped if every window is.
//   - ClickHouse windowFunnel's modes are options of ordered and strict
//     funnels: StrictOrder (strict_order: after the first step, any event
//     that completes no step, or a step whose previous step was never
//     reached, ends the search; "A→B→D→C stops at D, level 2"),
//     StrictDedup (strict_deduplication: a repeated event for a step
//     already reached ends the search; "A-B-C-B-D gives A-B-C, level 3")
//     and StrictIncrease (strict_increase: a step must come strictly after
//     the previous one; ties do not chain). Like ClickHouse, StrictOrder
//     and StrictDedup stop at the first offending event, so a wider window
//     can lower their counts, as it can where exclusions apply (a wider
//     window lets an exclusion reach an attempt); otherwise a wider window
//     never lowers a count.
//   - Breakdown ([Breakdown]) by an event property, with PostHog's
//     first-touch (the member's earliest step event that has the property)
//     or last-touch (latest) attribution, or by a member property from
//     [Profile]. Members without a value are counted under "". Step and
//     all-events attribution are not offered.
//   - Results ([Result]): members per step, conversion from the first and
//     from the previous step, drop-off, and time to convert from the
//     previous step: mean, exact median and 90th percentile (interpolated
//     between ranks, R's type 7), and a histogram with Sturges' number of
//     bins unless Bins says otherwise.
//
// # Retention, active users and lifecycle
//
// [Retention] follows PostHog's retention insight: a member's cohort is the
// period (day, week or month in a [qun.Calendar]) of their first start event
// ever, or of every period with one (Recurring), or of when they joined
// (FromJoined, from a [Profile]); period 0 counts the whole cohort; period N
// counts members with a return event in the Nth period after the cohort's
// ("on"), or in it or any later one followed (OnOrAfter, PostHog's
// cumulative). Each member is in exactly one first-time cohort. Cells whose
// period has not begun are marked unobserved; the averaged curve gives
// PostHog's weighted and simple means over the observed cells.
//
// [Activity] counts DAU, WAU and MAU (rolling 7 and 30 days ending on each
// day, as PostHog's weekly and monthly active users), DAU/MAU stickiness,
// and how many days of each period members were active. [Lifecycle] is
// PostHog's lifecycle: new, returning, resurrecting, and dormant counted
// once, negative, in the period after an active run; NewFromFirstActivity
// fixes its known pain point of taking "new" from account creation.
// Periods are [qun.Period] values of a [qun.Calendar], right across DST.
//
// # Growth and virality
//
// [GrowthRate] and [Compound] turn targets ("+55% in three months") into
// rates and back. [Viral] models fission: K = invites per member ×
// conversion, the viral cycle time, churn, projected members after n
// cycles (David Skok's model), and [Viral.KFor], the K a campaign needs to
// reach a target by a date. [Generations] measures the K each generation of
// a real invitation tree achieved, crediting each member to their first
// inviter and reporting self-invitations and cycles.
//
// # Nothing panics on data
//
// No entry point here panics or hangs on what it is handed. A nil *Table
// reads as an empty table wherever a table is read, and refuses appends
// with an error matching [qun.ErrInvalid]; a nil iterator adds nothing, as
// an empty one does. A nil or zero [Query] (one that [Funnel.Compile] did
// not make) counts nothing: its Run returns the zero Result. Definitions
// that do not validate, days outside the years 0001 to 9999, NaN and
// infinite numbers where a count or a rate is wanted, and sizes that are
// zero, negative or too large to be meant ([MaxCycles]) are refused with
// an error matching qun.ErrInvalid that names the problem. Where there is
// no error to return, the answer is documented: [Compound] and
// [Viral.Project] are plain arithmetic and carry a NaN through, as
// math.Pow does, and a [Range] or a now beyond the ±292,000 years of int64
// microseconds saturates. The stats sub-package refuses what its
// functions cannot use in the same way.
//
// # Performance
//
// A 5-step ordered funnel with a 7-day window over 10,000,000 events of
// 1,000,000 members in 30 days, grouping by member included, runs in about
// 125 ms on one core, 12.5 ns per event, with a fixed number of
// allocations per query and none per event (BenchmarkFunnel; measured on a
// shared, loaded 2-core machine). Building that table from events in time
// order is counted apart (BenchmarkBuild): it is dominated by interning
// member IDs, one hash lookup per event. A member with very many events in
// one window (a bot) does not cost an unordered funnel their square: a
// window offers the matching only the events that can enlarge it (for
// each distinct set of steps an event may complete, as many as the set
// has steps), or, when the funnel's steps overlap in so many ways that
// those would be more, every event of the window (up to the one that
// completes the funnel, when it has no exclusions); the funnel takes
// whichever its estimate finds cheaper. 200,000
// events of a bot cost a fraction of a second. The
// funneltest sub-package generates the benchmark's events and pins the
// answer, so a peer benchmark can load the same events and compare both
// answers and times.
//
// examples/funnelbench does so with DuckDB 1.5.6, in the same process, on
// the same rows, for the same answer: the same funnel in SQL takes DuckDB
// 1.27 s on one thread, 10 times qun's time measured in the same run, and
// 0.84 s on both cores of the machine (its README has the figures, and
// the SQL).
package funnel
