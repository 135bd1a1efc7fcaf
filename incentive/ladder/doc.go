// Package ladder is member tiers and levels (会员等级): one reusable ladder
// of levels, each with requirements over metrics the host supplies, rules
// for keeping it, and benefits. Loyalty tiers, Discourse's trust levels
// and Orbit-style levels are all ladders.
//
// # Metrics
//
// A [Ladder] declares the metrics it reads, each with the [Window] the host
// counts it over: all time, the last so much elapsed time ("100d"), the
// last so many calendar months ("近12个月"), or the current day, week,
// month, quarter or year in the ladder's calendar. [Window.Start] tells
// the host where the count begins. Metrics are decimals: growth value
// (成长值), qualifying points (read them from incentive's
// [incentive.Balance.Lifetime] of a qualifying kind, never from a spendable
// balance), days visited, posts, likes, a contribution score from package
// scoring. A metric a requirement reads must be supplied: a missing one is
// refused ([ErrMissingMetric]) rather than read as zero.
//
// # Levels
//
// Levels are listed lowest first; the first is where every member starts.
// A level's requirements are at-least (Min) or at-most (Max) thresholds,
// all of which must hold, or K of N ([Level.Need]). A threshold can be a
// share of another metric ([Requirement.Of], capped by Cap), as Discourse
// asks regulars to have read 25% of the recent posts. A member climbs rung
// by rung: they hold the highest level whose requirements hold together
// with those of every level below it, so that a member's level is monotone
// in their metrics.
//
// # Up at once, down at a review
//
// [Engine.Evaluate], called whenever a member's metrics change, raises the
// level as soon as a higher one's requirements hold, and never lowers it.
// [Engine.Review], run on the host's schedule (a nightly job, or a
// quarterly review, 定期复核), may also lower it. A member short of their
// level keeps it while, in order:
//
//   - an operator's lock holds it ([Lock]: pinned, or a floor);
//   - the level is for life ([Level.Lifetime]);
//   - they reached it less than [Level.MinStay] ago (Discourse's grace
//     period after promotion to trust level 3);
//   - the level is still valid ([Level.Validity]: a year after reaching
//     gold, whatever happens; the first review after, a member who still
//     keeps the level renews it for another year, counted from the end of
//     the last, so late reviews do not drift);
//   - their metrics stay above the low-water marks: at least
//     [Level.LowWater] (0.9: ninety percent) of each at-least requirement,
//     within each at-most one, K of N as for reaching it.
//
// Otherwise they leave it, for the highest lower level whose low-water
// marks they keep, but no lower than a lifetime level below, a floor lock,
// or [Ladder.MaxDrop] levels down (programs that step down one level at a
// time, 降一级). A [Decision] is a value: the levels before and after, the
// new [State] to store, the reasons, each with the requirements behind it
// ([Check]: the value, the threshold, and the gap), and the distance to
// the next level, so that a product can say "3 more days visited".
//
// # Benefits
//
// Each level's [Benefits] are a points multiplier and named privileges.
// [Engine.Multipliers] turns the multipliers into incentive.Multiplier
// values limited to each level's tier, for the host's earning rules, and
// [Engine.Tier] gives the member's tier for incentive.Member.Tier; a
// member has the privileges of every level up to theirs
// ([Engine.Privileges]).
//
// # Discourse's trust levels
//
// [Discourse] expresses trust levels 0 to 3 with Discourse's default
// thresholds, as a test that one mechanism can say them. Its values were
// read in Discourse's source (github.com/discourse/discourse):
// config/site_settings.yml (the tl1_requires_*, tl2_requires_* and
// tl3_requires_* settings, tl3_time_period 100 and
// tl3_promotion_min_duration 14); app/models/trust_level3_requirements.rb
// (requirements_met? and requirements_lost?, LOW_WATER_MARK 0.9 applied
// to the 100-day requirements but not to the all-time ones or the flag
// limits, the 25% shares capped by tl3_requires_topics_viewed_cap and
// tl3_requires_posts_read_cap, likes received across ⌈likes/4⌉ users and
// ⌈likes/3⌉ days, no suspension or silencing in the last 6 months);
// lib/promotion.rb (tl1_met?, tl2_met?, and levels reached one at a
// time); app/models/user.rb (on_tl3_grace_period?); and
// app/jobs/scheduled/tl3_promotions.rb (a daily job that demotes regulars
// outside the grace period who lost the requirements, then promotes).
// Discourse's own guide (blog.discourse.org, "Understanding Discourse
// Trust Levels") describes the same rules in words, with the likes spread
// over 1/5 of the users and 1/4 of the days; the code's ⌈/4⌉ and ⌈/3⌉ are
// what Discourse does, and what the preset follows.
//
// Orbit's levels (orbit.love's Orbit Model: levels by a member's
// "love", rising and falling with activity) belong to package scoring,
// which computes such scores; a ladder expresses them with the score as
// a host-supplied metric and thresholds per level, reviewed as often as
// the score is recomputed.
package ladder
