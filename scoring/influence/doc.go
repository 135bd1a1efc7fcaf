// Package influence finds who matters in a community's network of members
// (社交网络): their influence by PageRank, their reach, their Orbit level,
// the community's gravity, and the KOL candidates (意见领袖) an operator
// should invite to share and lead. It follows the Orbit Model
// (github.com/orbit-love/orbit-model), the vocabulary community builders
// use for love, reach and gravity.
//
// # The network
//
// [GraphRules] turn events into a [Network]. Orbit's reach
// (pages/reach/measure.mdx) connects members by direct interactions (one
// speaks to another: replies, mentions, shares, invitations) and indirect
// ones (both were in the same place at the same time: a meetup, a live
// session), each adding a weight to the connection's strength. A
// connection weakens by a factor for every whole idle period since the
// pair last interacted (Orbit's example: 10% a month, so 7 × 0.9³ = 5.1
// after three idle months). A member's [Reach] is the sum of their
// connections' strengths; the network's density is its connections over
// the n(n−1)/2 possible.
//
// Links are directed the way credit flows, from the member who gave it to
// the member who received it: a reply credits the member replied to, an
// invitation the member who invited. Gatherings link both ways.
//
// # PageRank
//
// [PageRank] is networkx's pagerank (networkx/algorithms/link_analysis/pagerank_alg.py)
// by power iteration on a [Graph] in compressed sparse rows: damping 0.85,
// weighted out-edges, dangling nodes' rank spread uniformly, uniform
// start, at most 100 iterations, ranks that sum to 1, the same results on
// networkx's own test graphs. The tolerance is the L1 norm of the change
// between iterations, not networkx's N × tol: for a million nodes
// networkx's default stops after one iteration at a change of up to 2, a
// known failure of its criterion (github.com/networkx/networkx/issues/4792,
// and the same bug in rustworkx, github.com/Qiskit/rustworkx/pull/1576).
// PageRank on a million members and ten million interactions takes well
// under a second on one core. A host may allow more iterations than 100, up
// to [MaxPageRankIterations], so that no configuration runs for ever.
//
// # KOL candidates
//
// [FindKOLs] ranks the members of a topic's network (the events whose
// properties meet a [qun.Condition], such as topic = italian_wine) by
// PageRank, leaves out the community's staff (Orbit leaves teammates out of
// its reports, pages/love/orbit-levels.mdx), and returns the top N with
// their followers.
//
// # Orbit levels and gravity
//
// [OrbitRules] place members in Orbit's four levels of three steps each
// (pages/love/orbit-levels.mdx) from their love: the weight (1 to 12) of
// their weightiest activity and their presence milestones (2 active days
// in a week, 7 in a month, 30 in a quarter, reached once, twice or three
// times), over a year's lookback. Gravity is the current Orbit Model's
// formula (pages/gravity/measure.mdx): the change in weighted commitment,
// Σ weight(level)² × members(level), per member, with the levels weighed
// 10, 7, 4 and 1. (The original README's gravity, Σ love × reach, predates
// it.)
package influence
