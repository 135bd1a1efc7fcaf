// Package scoring turns a community's activity into numbers operators act
// on (DOMAIN.md §6), and every number explains itself as a list of
// [Term]s or [Factor]s. The wine magazine in DOMAIN.md scored its members'
// interaction and sent recall content to those whose score fell, and
// raised activity 55% in three months; operators find likely buyers from
// activity and participation, and find their first 100 KOLs.
//
//   - Engagement (活跃度打分): [EngagementRules] weigh each kind of event,
//     let credit decay with a half-life, and cap what one kind earns on a
//     member's local day. A member's [Score] is an O(1) state that
//     [Engagement.Add] updates event by event and [Engagement.Merge]
//     combines across shards; [Engagement.ScoreTable] scores a columnar
//     [Table] of ten million events in a fraction of a second, and [Fell]
//     lists the members whose score fell below a threshold: the recall
//     list (召回).
//   - Participation and contribution (参与度, 贡献值): [MeasureRules] count
//     a member's own actions, and what others did in response to them,
//     with weights, windows and limits as data.
//   - Churn risk (流失): a [ChurnModel] reads recency, the trend of a
//     member's frequency against their own baseline, and the slope of
//     their weekly activity, through an interpretable logistic form; the
//     host supplies coefficients or fits them ([ChurnModel.Fit],
//     [FitLogistic]) and checks calibration ([Calibrate]).
//   - Buying intent (精准识别): [IntentRules] weigh signals and pick the
//     top K leads for one-to-one follow-up.
//   - Community health: [HealthRules] weigh growth, activity (DAU/MAU),
//     retention, interaction, reach and loyalty by the community's
//     [qun.Stage], and warn (预警) when a component falls.
//
// Package [github.com/qunkit/qun/scoring/influence] builds the interaction
// network between members, ranks it by PageRank, measures Orbit's reach,
// levels and gravity, and finds KOL candidates.
//
// # Engagement: decay, caps and merging
//
// A member's engagement at an instant now is
//
//	Σ over events e at or before now:  share(e) · weight(kind(e)) · 2^(−(now − time(e)) / half-life)
//
// where share(e) is 1, except on a local day when a capped kind had n
// events, more than its cap c: then each of that day's events of the kind
// counts c/n. The day's credit is thus exactly weight × min(n, c), spread
// over its events in proportion, so it does not depend on the order in
// which they arrive. Decay is the root's [qun.Decay] (and
// [qun.Decayed] the state of each kind): lazy, O(1), never projected
// backwards, a clock going backwards clamped. Local days are those of the
// rules' [qun.Calendar], right across DST changes.
//
// A [Score] keeps, per kind, the decayed credit of its closed days and,
// for a capped kind, its latest (open) day, so it is exact while each
// kind's days arrive in order, in any order within a day. An event for an
// earlier day than the open one is late: it is credited in full and
// counted in [Score.Late], because the day's earlier credit is no longer
// known. Two scores merge exactly when their capped kinds' days overlap
// at most on their common latest day, as when a member's events are split
// in time at a local midnight; otherwise the overlap is counted in Late.
// Merge is commutative bit for bit, and associative and equal to scoring
// the union up to float64 rounding (a relative 1e-15 per operation).
// Swapping events with equal times changes nothing, bit for bit; other
// reorderings within a day change the score by rounding only.
//
// # Bulk scoring
//
// [Engagement.ScoreTable] scores a [Table]: five columns, the minimal
// columnar form of an event log (members and event names interned as
// uint32 indexes into two dictionaries, times as int64 Unix nanoseconds,
// rows in time order). It is a point-in-time score: each member's score at
// now from the rows at or before now, so that scoring one table at the
// start of the week and now shows whose score fell. Its arithmetic mirrors
// qun.Decay with int64 instants, so a member's bulk score is bit for bit
// the [Engagement.Value] of the [Score] that Add builds from the same rows.
// It allocates nothing per row, and nothing at all once its [Scores] has
// grown. It partitions rows by blocks of members whose states fit in the
// processor's cache, and keeps the states of one block at a time, so the
// members' states never travel through memory: ten million events take
// about 0.3 s on one core over 20,000 members and about 0.36 s over a
// million (BenchmarkScoreTable, medians of 5 on a shared 2-core machine,
// November 2026). [Engagement.ScoreEvents] takes
// any iter.Seq of events, in any order, with property conditions.
//
// # Participation, contribution and intent
//
// A [Rule] counts the events its [qun.EventFilter] selects within a window
// before now, credits them to the member who acted (participation) or to
// the member an event property names (contribution: "to" on a reply,
// "author" on a like, "inviter" on a join), up to a limit, at a weight.
// Crediting oneself (liking one's own post) counts for nothing. Every rule
// an event meets counts it. Intent is the same sum over buying signals,
// plus a signal for members whose engagement reaches a threshold.
//
// # Churn risk
//
// The features follow Orbit's presence gauge (github.com/orbit-love/orbit-model,
// pages/love.mdx: presence is frequency and recency, read against each
// member's own baseline): recency in days; trend =
// log2((r/R + p)/(b/B + p)), the member's rate of active days in the last
// R days over their rate in the B days before, with p = 1/28 so that two
// empty windows read 0; slope = the least-squares slope of active days per
// week over the last W weeks, divided by 7. Risk = σ(intercept + Σ
// coefficient × feature); each [Factor] is one coefficient × feature, so
// the factors of a member active today at their usual pace are all zero.
//
// [FitLogistic] fits coefficients deterministically: features standardised
// as scikit-learn's StandardScaler does, the objective of scikit-learn's
// LogisticRegression (Σ log-loss + ‖β‖²/(2C), intercept unpenalised, C = 1
// by default; scikit-learn.org, sklearn.linear_model.LogisticRegression),
// minimised by Newton's method (IRLS) with step halving, so the same data
// gives the same coefficients bit for bit. [Calibrate] compares predicted
// and observed rates by decile, as scikit-learn's calibration_curve with
// strategy="quantile" does (sklearn.calibration.calibration_curve), but
// cutting bins by rank so ties never empty a bin.
//
// # Community health
//
// Each component scores its value over a target, capped at 1; the
// composite is 100 × the weighted mean, with weights per [qun.Stage]
// following DOMAIN.md §1: growth and early activity while building,
// retention and interaction while growing, loyalty and reach when mature.
// [DefaultHealthRules] documents the starting targets and weights. A
// component that fell, relative to its baseline, by more than its
// threshold raises a [Warning] that names it and the change.
package scoring
