// Package board is leaderboards (排行榜) and team PK (团队PK): boards by any
// metric the host supplies, over days, weeks, months, quarters, years or
// all time in a time zone, updated incrementally in O(log n), with the
// top N, a member's rank and their neighbours, three ranking strategies,
// and team boards that sum or average their members' scores.
//
// # Periods
//
// A [Config] names the board's period grain and calendar: a weekly board
// in Asia/Shanghai with weeks from Monday starts afresh at Monday 00:00
// Shanghai time, DST-correct wherever the zone has DST ([qun.Calendar],
// [qun.Period]). Each update goes to the period that holds its time, and
// a [Board] keeps the latest few periods ([Config.Keep]), so last week's
// final standings can still be read, and prizes decided, after the week
// turns; an update for a period already dropped is refused with
// [ErrClosed]. A Config without a period is an all-time board.
//
// # Scores
//
// Scores are numbers the host supplies: points earned, books read,
// minutes practised, money spent. They are decimals with at most
// [Config.Scale] places, held as int64 multiples of 10^-Scale ("units"),
// which compare exactly and fast: the conversion is exact or refused
// ([ErrScale]), sums are checked for overflow ([ErrOverflow]), and no
// float ever orders a board (Redis sorted sets order by float64, which
// cannot tell 2^53 from 2^53+1). [Board.Add] adds to a member's score in a
// period, [Board.Set] sets it; [Board.AddScore] and [Board.SetScore] take
// decimals, and [Board.AddRef] takes a handle ([Board.Ref]) for hosts that
// update at a high rate and want no map lookup.
//
// # Order and ranks
//
// Entries are in one order: higher score first; on equal scores, the
// earlier achiever first (the one who reached the score at the earlier
// time: a member whose update leaves the score unchanged keeps their
// place); on equal times, the ID in byte order. (Redis sorted sets break
// ties by member name alone, redis.io/docs/data-types/sorted-sets; time
// first is what players expect: whoever got there first stays ahead.)
// The [Ranking] says which number each entry shows, for scores 100, 90,
// 90, 80: Competition 1, 2, 2, 4 (standard competition ranking, as in
// sports); Dense 1, 2, 2, 3; Row 1, 2, 3, 4, the row number, which the
// tie-break makes deterministic.
//
// # Teams
//
// [Board.Join] puts a member on a team. A team's score in a period is the
// [Sum] of its members' scores there, or their [Average] over the team's
// roster (members who scored nothing count as zero), compared exactly as
// fractions; a member who changes team takes their scores along. Teams
// have standings of their own ([Board.Teams]), in the same order and with
// the same ranking: the weekly team PK board.
//
// # Speed
//
// Each period's standings are a counted B+tree, an order-statistic tree
// whose inner nodes count the entries below each child (see tree.go): an
// update, a rank and the entry at a position each cost O(log n), and a
// page of the board O(log n + page). It is laid out for memory, which is
// what a board of a million members waits on: nodes in flat slices with
// no pointers for the collector, scores in a column of their own, leaves
// as unordered bags so that most small changes of score are one write in
// place, and an index from each member to their leaf so that a rank climbs
// from the leaf instead of searching from the root. BenchmarkUpdate and
// BenchmarkRank measure a board of 1,000,000 members.
package board
