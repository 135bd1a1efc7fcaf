// Package referral is a community's referrals and fission (裂变): seed
// members invite others, each newcomer is attributed to at most one
// inviter, and inviters are rewarded, within caps and at most two levels
// up, when their invitees reach milestones. It measures how viral the whole
// is: the viral coefficient K of each cohort and each generation of the
// invite tree, and the tree's depth and breadth.
//
// A [Program] is the configuration, as data (JSON, [Program.Validate],
// [ParseProgram]); a [Graph] runs it for one community. The host feeds the
// graph what happened and persists what it decides:
//
//   - [Graph.Touch]: an invitation reached a prospective member (a shared
//     link clicked, a poster's QR code scanned, a code typed at sign up),
//     with any fraud signals the host found between the two;
//   - [Graph.Join]: a member joined; the decision is an [Attribution];
//   - [Graph.Observe]: an event of a member; the decision is a [Progress]:
//     milestones reached, and [Grants] of points, which
//     [Grants.EarnRequests] turns into the incentive ledger's
//     [incentive.EarnRequest]s;
//   - [Graph.Refund]: the purchase behind an event was refunded; the
//     decision is a [Reversal] with the ledger's [incentive.ReverseRequest]s;
//   - [Graph.Send]: invitations sent, for the metrics.
//
// The graph is deterministic: the same calls with the same times make the
// same decisions, so a host restores a graph after a restart by replaying
// its log of calls, and every decision can be audited.
//
// # Attribution
//
// When a member joins, the touches that reached them within the
// attribution window before joining are the candidates; touches after the
// join do not count. The model picks one: [LastTouch] the latest (the
// default, as app-install attribution does: AppMetrica, "App install
// attribution", appmetrica.yandex.com/docs/en/mobile-tracking/policy, which
// marks an install with no click in the interval as organic), [FirstTouch]
// the earliest (Tolt's "first click wins", docs.tolt.com/concepts/attribution;
// ReferralHero offers both, support.referralhero.com/campaign-builder/options/tracking).
// Ties in time go to the touch recorded last, or first. No candidate makes
// the member organic (自然流量). Then guards judge the pick, and refuse it
// with a [Reason]:
//
//   - a self-invite ([SelfInvite]): the inviter is the member;
//   - a cycle ([Cycle]): the inviter is someone the member invited,
//     directly or not (possible when a member invited others before
//     joining themself);
//   - a fraud signal ([Signal]): the host found the same device
//     ([SameDevice]), the same payment account ([SamePaymentAccount]) or a
//     signal of its own between the two.
//
// A refused member joins with no inviter, and the refusal is final: there
// is no fallback to another candidate, so a fraudster cannot try again by
// adding touches. A member is attributed once, when they first join, and
// never moves (Tolt: "the customer is bound once"); a second join, after
// leaving and coming back, is a duplicate of the first.
//
// # Milestones and rewards
//
// A [Milestone] is reached once: by joining, by the member's first event
// that matches a [qun.EventFilter] ("first purchase"), or by their first
// event at least a time after joining ("stayed 7 days"), optionally before
// a deadline (Within; later events are Late). A member who churned (an
// event matching the program's Churn filter) reaches no milestone with an
// event after the churn: an invitee who churns before the milestone earns
// the inviter nothing. Only an attributed member's milestones pay.
//
// A [Reward] pays fixed points to the invitee and to each level of
// inviter: level 1 the invitee's inviter, level 2 the inviter's inviter.
// [Cap]s bound what one member earns as an inviter in a period of the
// program's calendar (or over the lifetime), in points and in the number
// of grants; a grant that would pass a cap is cut and says which cap cut
// it. Caps count by the time of the grant (the now passed in), and a
// clock that goes back into an earlier period is counted in the latest, so
// no cap can be passed.
//
// Each grant's idempotency key in the ledger names the reward, the
// invitee, the event and the level ("referral/bring-a-buyer/bo/order-7/1"),
// so applying a decision twice earns once. A fraud signal on the event
// that reaches a milestone (a first purchase paid from the inviter's
// account) refuses the milestone: it counts as reached and pays no one.
// When a purchase is refunded, [Graph.Refund] reverses every grant the
// event made, with the ledger's reversal (the ledger's own policies decide
// what happens to points already spent), and reopens the milestones it
// reached, so a later purchase can reach them again; caps are not given
// back, as the ledger does not give back caps on reversals. This is what
// referral tools do with refunds: a negative commission record balancing
// the refunded one (UpPromote, docs.uppromote.com/management/referrals/refund),
// a review period in which a referred purchase is deleted on return
// (ReferralCandy, answers.referralcandy.com/en/articles/2457793).
//
// # Depth, and the law
//
// Rewards reach at most [MaxDepth] = 2 levels of inviters: [Program.Depth]
// defaults to 2 ([DefaultDepth]) and can be lowered to 1; a larger depth,
// or a reward with more levels than the depth, is refused by Validate with
// the field named. No configuration can raise the maximum.
//
// The reason is Chinese law on pyramid selling (传销). The Regulations on
// Prohibition of Pyramid Selling (《禁止传销条例》, State Council Decree
// No. 444, 2005) define it in article 2 as paying recruits by the number
// of people they recruit directly or indirectly, or by their sales, or
// charging a fee to join; article 7 lists the three forms: paying by the
// number of people recruited directly or indirectly (拉人头), charging an
// entry fee (入门费), and paying an upline by the sales of its downline
// (团队计酬). Criminal liability for organizing it (Criminal Law article
// 224-1, 组织、领导传销活动罪) attaches, by the Opinion of the Supreme
// People's Court, the Supreme People's Procuratorate and the Ministry of
// Public Security on organizing pyramid selling (公通字〔2013〕37号,
// article 1), to an organization of thirty or more people in three or
// more levels (层级在三级以上), and the Opinion counts levels by the
// upline-downline relation, the top member's own level included. WeChat
// bans accounts that pay commissions on a downline's sales or promise
// returns for rolling recruitment through its relationship chain
// (微信公众平台关于整顿非法分销模式行为的公告, 2015-02-26), and the industry
// reading since has been that two levels of commission (二级分销) is the
// most a mini program may pay.
//
// With a depth of 2, the longest chain a reward spans is the inviter's
// inviter, the inviter and the invitee: three members, which is three
// levels as the Opinion counts them. That is why 2 is the hard maximum and
// not a default a host could raise: a third level would pay members for
// what happens four levels down, which no reading allows. Rewards are
// fixed amounts per milestone, never a share of a downline's sales (the
// third form above), and the package has no notion of an entry fee. None
// of this makes a program lawful by itself: a program that pays for
// recruiting as such, or charges to take part, can be pyramid selling at
// any depth. Take legal advice for the program as a whole.
//
// # Metrics
//
// [Graph.Inviter] gives one member's funnel as an inviter: invitations
// sent (as the host recorded them with [Graph.Send]), touches, invitees
// accepted (attributed), activated (reached the program's activation
// milestone) and refused. [Viral] is the viral coefficient of a group:
// K = i × c, the invitations each member sends times the share that
// convert, as David Skok defines it ("Lessons Learned – Viral Marketing",
// 2009, www.forentrepreneurs.com/lessons-learnt-viral-marketing/), with the
// mean viral cycle time. [Graph.Cohort] gives it for the members who joined
// in a calendar period, [Graph.Generations] for each generation of the
// invite tree (seed and organic members are generation 0), [Graph.Viral]
// for any set of members, and [Graph.Tree] the tree's depth, breadth and
// fan-out. (Package funnel computes K from aggregate counts; this package
// computes it from the invite graph itself.)
package referral
