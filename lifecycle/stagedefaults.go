package lifecycle

import "github.com/qunkit/qun"

// DefaultStageModel returns qun's default stage model. The package overview
// gives the reasoning behind each number; in brief:
//
//   - Building (建设期): staff still create at least half the activity
//     (member_share ≤ 0.5), kept while ≤ 0.6. Millington's inception ends
//     at critical mass, when members create more than half.
//   - Growth (发展期): members ≥ 100, net_growth ≥ 0.05 a month,
//     member_share ≥ 0.5; kept while members ≥ 80, net_growth ≥ 0.02,
//     member_share ≥ 0.4.
//   - Mature (成熟期): members ≥ 1000, net_growth in [−0.02, 0.03],
//     active_growth ≥ −0.02, stickiness ≥ 0.2, retention_30d ≥ 0.4,
//     member_share ≥ 0.9, core_share ≥ 0.01; kept while members ≥ 800,
//     net_growth in [−0.03, 0.08], active_growth ≥ −0.05,
//     stickiness ≥ 0.15, retention_30d ≥ 0.3, member_share ≥ 0.8,
//     core_share ≥ 0.005.
//   - Declining (衰退期): active_growth ≤ −0.05 and net_growth ≤ 0.01;
//     kept while active_growth ≤ 0 and net_growth ≤ 0.03.
//
// A community starts in Building; a stage is entered after its entry
// criteria held for 3 consecutive snapshots and left after its keep
// criteria failed for 3. Building leads to Growth; Growth to Declining or
// Mature; Mature to Declining or (renewed) Growth; Declining back to Growth
// or Mature.
func DefaultStageModel() StageModel {
	return StageModel{
		Start:      qun.Building,
		EnterAfter: 3,
		LeaveAfter: 3,
		Stages: []StageRule{
			{
				Stage: qun.Building,
				Entry: []Threshold{at(MetricMemberShare, qun.OpLTE, 0.5)},
				Keep:  []Threshold{at(MetricMemberShare, qun.OpLTE, 0.6)},
				Next:  []qun.Stage{qun.Growth},
				Playbook: Playbook{
					Focus:  []string{"member_growth", "early_activity"},
					Review: Cadence{Every: 1, Grain: qun.Week},
					Actions: []string{
						"Fix the positioning and the target members (定位)",
						"Set the rules and the culture: name, slogan, group rules, welcome ritual (群规与仪式)",
						"Recruit seed members one by one (种子用户)",
						"Start and answer conversations yourself until members carry them",
					},
				},
			},
			{
				Stage: qun.Growth,
				Entry: []Threshold{
					at(MetricMembers, qun.OpGTE, 100),
					at(MetricNetGrowth, qun.OpGTE, 0.05),
					at(MetricMemberShare, qun.OpGTE, 0.5),
				},
				Keep: []Threshold{
					at(MetricMembers, qun.OpGTE, 80),
					at(MetricNetGrowth, qun.OpGTE, 0.02),
					at(MetricMemberShare, qun.OpGTE, 0.4),
				},
				Next: []qun.Stage{qun.Declining, qun.Mature},
				Playbook: Playbook{
					Focus:  []string{"retention", "interaction_rate"},
					Review: Cadence{Every: 1, Grain: qun.Month},
					Actions: []string{
						"Scale membership through referral and fission led by core members (裂变)",
						"Raise activity and stickiness (粘性) with check-ins, themed days and events",
						"Find and grow core contributors and opinion leaders (意见领袖)",
						"Build the community's influence beyond its members",
					},
				},
			},
			{
				Stage: qun.Mature,
				Entry: []Threshold{
					at(MetricMembers, qun.OpGTE, 1000),
					at(MetricNetGrowth, qun.OpGTE, -0.02),
					at(MetricNetGrowth, qun.OpLTE, 0.03),
					at(MetricActiveGrowth, qun.OpGTE, -0.02),
					at(MetricStickiness, qun.OpGTE, 0.2),
					at(MetricRetention, qun.OpGTE, 0.4),
					at(MetricMemberShare, qun.OpGTE, 0.9),
					at(MetricCoreShare, qun.OpGTE, 0.01),
				},
				Keep: []Threshold{
					at(MetricMembers, qun.OpGTE, 800),
					at(MetricNetGrowth, qun.OpGTE, -0.03),
					at(MetricNetGrowth, qun.OpLTE, 0.08),
					at(MetricActiveGrowth, qun.OpGTE, -0.05),
					at(MetricStickiness, qun.OpGTE, 0.15),
					at(MetricRetention, qun.OpGTE, 0.3),
					at(MetricMemberShare, qun.OpGTE, 0.8),
					at(MetricCoreShare, qun.OpGTE, 0.005),
				},
				Next: []qun.Stage{qun.Declining, qun.Growth},
				Playbook: Playbook{
					Focus:  []string{"loyalty", "reach", "satisfaction"},
					Review: Cadence{Every: 1, Grain: qun.Quarter},
					Actions: []string{
						"Automate routine operations to cut their cost",
						"Keep members satisfied with tiers, points and member rights (会员制度)",
						"Let core members host sub-groups as the community divides",
						"Guard content quality and answer complaints early",
					},
				},
			},
			{
				Stage: qun.Declining,
				Entry: []Threshold{
					at(MetricActiveGrowth, qun.OpLTE, -0.05),
					at(MetricNetGrowth, qun.OpLTE, 0.01),
				},
				Keep: []Threshold{
					at(MetricActiveGrowth, qun.OpLTE, 0),
					at(MetricNetGrowth, qun.OpLTE, 0.03),
				},
				Next: []qun.Stage{qun.Growth, qun.Mature},
				Playbook: Playbook{
					Focus:  []string{"churn", "recall", "active_growth"},
					Review: Cadence{Every: 1, Grain: qun.Week},
					Actions: []string{
						"Find out why members fall silent: ask the silent and the churned",
						"Run recall campaigns for silent members (召回)",
						"Refresh themes and content; bring back what worked",
						"Re-engage core contributors first; they bring the rest",
					},
				},
			},
		},
	}
}

// at builds a Threshold.
func at(m Metric, op qun.Op, v float64) Threshold { return Threshold{Metric: m, Op: op, Value: v} }
