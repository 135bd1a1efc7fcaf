// Package badge is badges and achievements (徽章, 荣誉激励): criteria over
// the counters, streaks, firsts, tags and ranks a host supplies; badges
// granted once or multiple times up to a limit; tiered badges (bronze,
// silver, gold); automatic revocation when criteria stop holding; and
// rarity, the share of members holding each badge.
//
// A [Set] holds the badges; [Compile] it once. [Engine.Evaluate] measures
// a member's [Facts] against every badge and returns their new holdings
// and a [Decision]: the grants, each with an idempotency key under which
// the host records it once, and the revocations. [Engine.Grant] grants a
// badge by hand or as a reward (the Badge of an incentive.Reward paid by
// a quest, a streak milestone or a check-in plan), and [Engine.Revoke]
// takes one back. A [Census] keeps the count of holders of each badge and
// grade, for rarity.
//
// Semantics, case by case, after Discourse's badges (read in
// github.com/discourse/discourse, app/services/badge_granter.rb and
// app/models/badge.rb; its gold, silver and bronze badge types,
// app/models/badge_type.rb):
//
//   - A badge granted once is granted when its criteria hold, all of
//     them. Its grades are rungs: a member holds the highest grade whose
//     criteria hold with those of every grade below it, and reaching
//     gold at once grants bronze, silver and gold, each a grant of its
//     own (as Discourse's separate bronze, silver and gold badges would
//     be).
//   - Revoke takes a badge granted once back, grade by grade, when its
//     criteria stop holding, as Discourse's auto_revoke deletes the grants
//     its query no longer returns; earned again, it is granted again,
//     with a new key.
//   - Multiple grants a badge again each time its criteria newly hold
//     (they held not at the last evaluation and hold now), or, with Per,
//     once in each period of the set's calendar in which they hold: the
//     weekly champion, every week. Discourse's multiple_grant grants once
//     per post its query returns; a host that grants per item calls
//     [Engine.Grant] per item. Limit bounds the grants a member can hold;
//     a grant past it is reported Limited.
//   - A grade without criteria is granted only by hand. A grant of a badge
//     already held at its top grade is reported Held: a duplicate, not an
//     error.
//   - Rarity is the share of counted members holding a badge's grade: a
//     member at gold holds bronze and silver too (Discourse shows a
//     badge's grant_count beside it).
//
// Criteria read facts, never events: the host counts posts, books read or
// followers itself (or with package funnel or scoring), supplies streaks
// from package streak, tags from package segment and ranks from package
// board. Rank and first criteria hold for ranks 1 to Top; a board a member
// is not on holds for none.
package badge
