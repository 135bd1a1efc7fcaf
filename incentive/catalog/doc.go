// Package catalog is a community's rewards catalog (积分商城) and
// redemption (积分兑换): items priced in points, optionally with a cash
// co-payment (积分+现金), with stock, per-member limits per period,
// eligibility by tier and segment, and windows in which they are on offer.
//
// A [Catalog] is the configuration, as data (JSON, [Catalog.Validate],
// [ParseCatalog]); [Compile] turns it into an [Engine] for one community.
// [Engine.Redeem] is pure: from a [Request], the [State] the host reads
// (the item's live stock, the member's tier, segments, available points
// and earlier redemptions) and the time, it returns a [Redemption] that
// holds the incentive ledger's [incentive.SpendRequest] and the item's
// [StockChange] together, so that the host applies both in one
// transaction: spend the points, take the stock with a conditional update,
// record the redemption. If either fails, the transaction rolls back and
// nothing is taken; the host decides again on fresh state. This is what
// keeps stock from being oversold and points from being overspent when
// members redeem concurrently: the engine decides, the host's transaction
// makes the decision atomic.
//
// A refusal is an error: a [*Refusal] with a reason in words, wrapping the
// sentinel to branch on: [ErrUnavailable] (outside the item's window),
// [ErrNotEligible] (tier below the minimum, or not in the segment),
// [ErrOverLimit], [ErrOutOfStock], [ErrInsufficientPoints] (the ledger's
// own sentinel, so one check covers both places). Requests are idempotent
// by their key: a key in the member's history returns that redemption,
// flagged Duplicate.
//
// Limits count the units of an item a member redeemed in the same period
// of the catalog's calendar as now (the member's local day, week, month,
// quarter or year, right across DST), or over all time; cancelled
// redemptions ([Engine.Cancel], which returns the points as a ledger
// adjustment and the units to stock) do not count. [Engine.HistorySince]
// tells the host how far back the history it passes must go.
//
// Points are exact decimals at the catalog's scale (the ledger kind's),
// and cash an exact decimal of at most two places; a redemption's totals
// are price × quantity, exactly, with no rounding. The catalog knows
// tiers only as names in ascending order ([Catalog.Tiers]) and segments
// only as names the host resolves, so it works with any tier or segment
// engine, qun's own or the host's.
package catalog
