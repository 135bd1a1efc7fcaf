// Package incentive is a community's points (积分): a ledger that members
// earn into and spend from, the earning rules that decide what each action
// is worth, and the storage contract a host implements to keep it.
//
// Points are money-like: a member who loses points, or a brand that pays
// twice, stops trusting the program. The failures peers are known for are
// exactly these, and each is ruled out here by construction and pinned by
// rapid properties (see incentive/incentivetest):
//
//   - Points awarded twice when an event is redelivered (as in
//     AnthropicBots/compressor#1476, "points are awarded again every time
//     ORDER_CREATED is replayed"). Every operation carries an idempotency
//     key, recorded atomically with its entries; the key of points earned
//     from an event is the event's ID ([qun.Event.ID]). A replay returns the
//     original result flagged Duplicate; the same key with a different
//     request fails with [ErrIdempotencyConflict].
//   - Expiry that subtracts points already spent (FreeOpenSourcePOS/FloCafe#78,
//     where expired credits dropped out of the balance while the debits
//     spent from them stayed in). Points live in lots, as Open Loyalty's
//     points transfers do; a spend consumes lots, and expiry takes only what
//     remains of a lot.
//   - Levels computed from the wrong balance (DivanteLtd/open-loyalty#131,
//     "loyalty levels promotion is based on points balances"). Qualifying
//     points are a [Kind] of their own (成长值, growth value), and
//     [Balance.Lifetime] is what tiers read: earned points less reversals,
//     never lowered by spending, and without points still pending.
//
// # The ledger
//
// An account ([AccountID]) is one member's points of one kind in one
// community, the host's tenant. Each earn creates a [Lot] with its amount,
// the time it was earned, when it becomes available (after the kind's
// pending period: points locked during a return window) and when it expires
// ([Expiry]: never, a time after, or the end of a day, month or year in the
// program's [qun.Calendar], so "积分年底清零" is {"end":"year"}). The
// operations are pure functions of the account's state and a request,
// returning the entries to append ([Engine.Earn], [Engine.Spend],
// [Engine.Reverse], [Engine.Adjust], [Engine.Expire]); the [Ledger] loads,
// applies and appends them through a [Store], retrying on version
// conflicts.
//
//   - Spending consumes available lots soonest-expiring first, then oldest,
//     so that members lose as little as possible to expiry (the order Odoo
//     adopted in odoo/odoo#206048). Within one expiry policy this is Open
//     Loyalty's oldest-first order; it differs only when a program's policy
//     changes, since lots keep the terms they were earned under.
//   - Expiry takes what remains of each lot past its expiry. Balances treat
//     such lots as expired the instant they expire, before any job writes
//     it, and every operation writes due expiries first, so nothing expired
//     can be spent.
//   - Pending points ([Kind.Pending]) cannot be spent, are shown as
//     [Balance.Pending], and do not count in [Balance.Lifetime] until they
//     become available, as Open Loyalty's locked points do not count toward a
//     level. The expiry clock starts when they are earned ("N days after
//     earning", "the end of the year they were earned in"), or, if the
//     kind says so ([ExpiryFromAvailable]), when they become available, as
//     in later Open Loyalty releases, whose lots expire a number of days
//     after they are unlocked; either way no lot expires before it can be
//     spent.
//   - Reversing an earn (a refund) claws back what remains of its lot. What
//     was already spent from it is the kind's documented choice
//     ([Reversal]): CapAtZero takes it from the member's other available
//     points down to zero and records the rest as a shortfall; Debt does the
//     same and records the rest as debt, which future earnings repay before
//     they can be spent; LotOnly takes nothing else, as Open Loyalty's
//     cancellation of a points transfer does. In every policy, from the
//     reversal on, the lifetime points are what they would have been had
//     the points never been earned, and the balance differs only by what
//     was spent on those points, less what the reversal wrote off, even
//     when the rest of the history depended on them (spends that only
//     they made possible); as long as nothing expired in between, since
//     which lot a spend took can change what expires. Reversals do not
//     give back cap usage or campaign budget.
//   - Overdraft is impossible: a spend or deduction beyond the available
//     points fails with [ErrInsufficientPoints]; only a reversal under the
//     Debt policy takes the balance below zero.
//   - Every change is an [Entry] of the statement, with the balance after it
//     and what it did to each lot; the balance is the sum of the entries.
//
// Amounts are decimal.Decimal at each kind's scale ([Kind.Scale]), with the
// kind's rounding ([Rounding]) applied once, to exact values; no float64
// touches a point.
//
// # Storage
//
// [Store] is four ideas: load an account with its version, append an
// operation's outcome atomically if the version still matches (together
// with its idempotency record, its lots and any campaign budget draws),
// list the statement a page at a time, and keep communities apart. A SQL
// store implements Append as one transaction. [MemoryStore] is the
// reference; incentive/ledgertest checks any Store against the contract,
// including concurrent spenders under the race detector.
//
// # Earning rules
//
// A [Program] (configuration as data: JSON, [Program.Validate],
// [ParseProgram]) holds the calendar, the kinds and the [Rule]s. A rule
// says which events earn ([qun.EventFilter], plus conditions on member
// attributes and tiers), how much (fixed, or per unit of the event's value:
// "1 point per ¥10, whole tens only"), with which [Multiplier]s (a tier, a
// campaign window such as double points on a holiday, counted in the
// program's time zone), within which [Caps] (per member per day, week,
// month and lifetime, and a campaign budget shared by all members), with
// what cooldown and first-time bonus, in which priority, and whether it
// stops the rules below it. [Compile] turns a program into an [Engine];
// [Engine.Evaluate] returns a [Decision] whose [Award]s say which rule gave
// what, which multipliers applied and which limit cut it, so rules stay
// transparent to members (积分规则透明). [Ledger.EarnEvent] evaluates and earns
// in one step, reading each rule's usage from the member's accounts so that
// caps hold even under concurrent events.
//
// # Performance
//
// Evaluation dispatches by event name; tests each distinct condition of the
// program at most once per event, however many rules and multipliers
// share it, and remembers the outcome; and computes awards in exact int64
// arithmetic, falling back to decimal only when a step would overflow
// (fixed.go says why, and how it stays exact: rapid properties pin it to
// decimal and to exact rational arithmetic). BenchmarkEvaluate, with -cpu
// 1, medians of -count 6, on a 2-core machine shared with other work (load
// average about 1 while it ran), gives per event:
//
//	1 rule, matching                                     0.17 µs   160 B   1 alloc
//	5 rules, all matching                                0.76 µs   968 B   4 allocs
//	50 rules, all matching                               5.5 µs  8.7 KB  22 allocs
//	50 rules, 5 matching                                0.82 µs   968 B   4 allocs
//	50 rules, 5 matching, 45 failing on own conditions  0.85 µs   968 B   4 allocs
//	50 rules over 10 event names, 1 taking the event    0.17 µs   160 B   1 alloc
//
// So the target, 50 rules for one event under 1 µs, holds when a
// few of them match, whether the rest fail on a condition they share (a
// channel) or each on one of its own (a rule per SKU); it does not hold
// when many match, since each award is work. A rule that takes the event
// but fails a condition costs about 2 ns when another rule tested that
// condition already, and about 6 ns when it is the first to; when eight
// or more rules each test one property against a value of their own,
// the first of them to be tested decides them all from one lookup of the
// property's value (for the program's first 128 distinct conditions, on
// the first 8 properties and 8 attributes its conditions name; the rest
// are tested one by one, with the same outcome). Each matching rule costs about 100 ns: finding its
// usage, computing its amounts and caps, and allocating, filling and
// later collecting its award of 160 bytes, which is most of it. Fifty
// matching rules, fifty awards to compute and return, take about
// 5.5 µs. Evaluation allocates only its result: the awards, one slice of the
// names of the multipliers that applied, and two small allocations for
// each amount that is not among the engine's ready-made amounts of 0 to
// 2047 units (in the benchmark, the unrounded base of each per-unit award
// that rounding changed); [Engine.Evaluate] lists the rarer cases, and a
// test pins the count.
//
// Caps and cooldowns count by the time an award is made (the now passed
// in), so a late event cannot reopen a day that is over; campaign windows
// read the event's own local date, so a purchase made on the holiday earns
// double even if it arrives the next day.
//
// # References
//
// Open Loyalty's semantics were read in its source (the Open Loyalty
// framework's src/OpenLoyalty/Component/Account/Domain/Account.php and
// Model/AddPointsTransfer.php: lots with an available amount, locked until
// a date, expiring "after X days" at the end of a day, "at the end of the
// month" or "at the end of the year") and its user guide
// (docs.openloyalty.io: userguide/getting_started/settings/Configuration/settings.html
// and userguide/customers/profile_details/loyalty/loyalty.html: "Locked
// points are not used to calculate customer level").
//
// # Sub-packages
//
// The rest of a community's incentives, its game layer (游戏化), live in
// sub-packages, each a pure rule engine over data the host supplies, which
// pay points through this package's ledger ([Reward], [Payout]):
//
//   - incentive/ladder: member tiers and levels (会员等级): requirements
//     over host metrics, up at once and down at a review, with low water,
//     minimum stays, validity and locks; Discourse's trust levels as a
//     preset; benefits that become earning-rule multipliers.
//   - incentive/streak: check-in streaks (打卡) in each member's own days,
//     freezes and make-up cards (补签卡), milestones, and check-in plans
//     such as the 7-day growth plan.
//   - incentive/quest: tasks (任务) of ordered or any-order steps, with
//     deadlines, daily and weekly resets, and rewards.
//   - incentive/badge: badges (徽章) over counters, streaks, firsts, tags
//     and ranks; tiered, repeated or revoked; rarity.
//   - incentive/board: leaderboards (排行榜) over periods in a time zone,
//     three rankings, and team PK (团队PK), in O(log n) per update.
//   - incentive/referral: referrals and fission (裂变).
//   - incentive/draw: fair, auditable prize draws (抽奖).
//   - incentive/catalog: the rewards catalog and redemption (积分兑换).
//   - incentive/incentivetest and incentive/ledgertest: rapid generators
//     and invariants for hosts' rules, and the Store conformance kit.
package incentive
