// Package draw runs fair prize draws (抽奖): a pool of prizes with weights
// and stock, entry limits per member, a guarantee after a run of losing
// draws (保底), odds disclosed from the configuration, and randomness that
// comes only from a seed the host commits to before the draw and reveals
// after it, so that anyone can check every result. Operators are told to
// run draws in the open (抽奖活动公开); this package makes that checkable.
//
// A [Pool] is the configuration, as data (JSON, [Pool.Validate],
// [ParsePool]); a [Draw] runs it. The life of a draw:
//
//  1. Before it opens, the host draws a secret [Seed] and a [Salt] from
//     crypto/rand, and publishes the pool's JSON, its odds ([Pool.Odds])
//     and the [Commitment] ([Commit]): a SHA-256 hash binding the seed and
//     salt to the draw's ID and the pool's fingerprint.
//  2. While it is open, each member's [Entry] is decided ([Draw.Decide])
//     and applied ([Draw.Apply]) once the host has written the [Result]
//     (with the points it spends and earns, as incentive ledger requests,
//     in the same transaction), or both at once ([Draw.Enter]). A replayed
//     entry key returns the same result flagged Duplicate; a refusal is an
//     error: [ErrClosed], [ErrLimit], [ErrSoldOut].
//  3. After it closes, the host reveals the seed and salt ([Reveal]) and
//     publishes the results ([Draw.Results]); anyone runs [Verify], which
//     checks the commitment and recomputes every result.
//
// # Fairness
//
// An ordinary draw picks a prize with probability its weight over the
// pool's total, the blank (谢谢参与) included; weights are integers, so
// the odds are exact ratios. Stock is never oversold: a prize that has run
// out is never won. What happens instead is the pool's [StockOut] policy,
// and the disclosure says which: under Lose (the default) a draw that lands
// on a sold-out prize wins nothing and says what it landed on, so every
// prize in stock keeps exactly its disclosed odds; under Redistribute the
// sold-out prize leaves the pool and the others' odds grow, and
// [Draw.Odds] publishes the odds in force. When every prize has run out
// the draw refuses entries rather than take entries that can only lose.
//
// Entry limits ([Limit]) count a member's accepted entries per day, week,
// month, quarter or year of the pool's calendar, or over the draw; an
// entry is counted at the time it is made, and a clock that goes back is
// counted in the latest period seen. Replays do not count again.
//
// The guarantee ([Pity]) works as games' pity timers do: a member who has
// drawn After times in a row without one of the pity prizes gets one, by
// their weights among those in stock, on the next draw; the run ends with
// any pity prize, won by luck or by the guarantee. [Odds] gives each
// prize's base chance, its chance in a guaranteed draw, and its overall
// rate counting the guarantee (from the renewal-reward theorem: a pity
// prize comes once in E[T] = Σ_{k=0..N} (1-p)^k draws); when the pity
// prizes run out, the guarantee lapses, and the disclosure says so.
//
// The odds disclosure is what Chinese rules ask of prize promotions:
// 规范促销行为暂行规定 (SAMR Order No. 32, 2020) 第十三条 has the organizer
// publish, before the draw, the kinds of prizes, the number of prizes or
// the odds of winning, and how the draw is made, and forbids changing them
// after; 反不正当竞争法 (2019) 第十条 forbids unclear prize information,
// rigged draws (内定人员中奖), and a top prize above ¥50,000 in a lottery-
// style promotion (this package does not know what prizes are worth: keep
// within it). For online games, the Ministry of Culture's 文市发〔2016〕32号
// notice asks for the odds of every item a random draw gives. WeChat's
// rules on external links (微信外部链接内容管理规范, 2019) forbid extra draw
// chances for sharing: give entries for taking part, not for sharing.
//
// # Randomness and verification
//
// Randomness comes only from the seed. The draw's generator is ChaCha8
// from math/rand/v2 (the C2SP chacha8rand algorithm,
// https://c2sp.org/chacha8rand; the Go project pins its output with test
// vectors, math/rand/v2's chacha8_test.go, "so that its use in
// math/rand/v2 stays stable"), keyed with the SHA-256 of a domain string,
// the draw's ID and the seed. It is a cryptographic generator, so the
// results members see while the draw runs tell nothing about the draws to
// come. Each accepted entry takes the generator's next values in order,
// each XORed with a hash of the entry's key and member, so that a result
// cannot be moved to another entry or member without ceasing to follow
// from the seed; a number below n is drawn from them by Lemire's
// multiply-and-reject method, written here so that results never depend
// on how the standard library reduces random numbers. Every step is
// specified in the doc comments of this package's source (commit.go), so
// that a verifier can be written in any language; [Verify] is one.
// A result depends on the draw's whole history before it (stock, limits
// and runs), so verification replays the results in order.
//
// The commit-and-reveal scheme is the one "provably fair" games use: the
// hash of a server seed is published before play and the seed after, and
// every outcome is recomputed from it. Here the commitment also binds the
// salt and the pool's rules, so the host cannot change the odds, the stock
// or the guarantee after publishing them either. What it does not prove:
// that the log holds every real entry with its real time, since entries
// come from the host. A host that wants members to trust that it did not
// time its own entries against a seed it knows can let each member choose
// part of their entry key (a client seed, as those games do): the entry's
// hash then depends on a value the host did not know when it committed.
package draw
