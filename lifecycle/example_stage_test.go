package lifecycle_test

import (
	"fmt"
	"time"

	"github.com/qunkit/qun/lifecycle"
)

// A wine club's community, read from a year of monthly snapshots with the
// default model: it leaves Building once members carry most of the
// conversation while it grows, and settles into Mature when growth levels
// off at a large, sticky, member-run community.
func ExampleStageDetector_Timeline() {
	detector, err := lifecycle.NewStageDetector(lifecycle.DefaultStageModel())
	if err != nil {
		fmt.Println(err)
		return
	}
	month := func(m int) time.Time { return time.Date(2026, time.Month(m), 1, 0, 0, 0, 0, time.UTC) }
	type row struct {
		members                    int64
		growth, share, stick, keep float64
	}
	year := []row{
		{40, 0.50, 0.30, 0.10, 0.20}, {90, 0.80, 0.45, 0.12, 0.25}, {150, 0.60, 0.65, 0.15, 0.30},
		{260, 0.70, 0.70, 0.18, 0.35}, {420, 0.60, 0.75, 0.20, 0.38}, {650, 0.50, 0.80, 0.22, 0.40},
		{900, 0.35, 0.85, 0.23, 0.42}, {1100, 0.20, 0.90, 0.24, 0.44}, {1180, 0.015, 0.92, 0.24, 0.45},
		{1200, 0.017, 0.92, 0.25, 0.46}, {1210, 0.008, 0.93, 0.25, 0.46}, {1215, 0.004, 0.93, 0.26, 0.47},
	}
	var snaps []lifecycle.Snapshot
	for i, r := range year {
		snaps = append(snaps, lifecycle.Snapshot{
			At: month(i + 1), Members: r.members, NetGrowth: r.growth, ActiveGrowth: r.growth,
			Stickiness: r.stick, Retention: r.keep, InteractionRate: 3, CoreShare: 0.012, MemberShare: r.share,
		})
	}
	changes, state, err := detector.Timeline(lifecycle.StageState{}, snaps)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range changes {
		fmt.Printf("%s %v → %v, review %v\n  because %s\n", c.At.Format("2006-01"), c.From, c.To, c.Playbook.Review, c.Reason())
	}
	fmt.Println("now", state.Stage, "since", state.Since.Format("2006-01"))
	// Output:
	// 2026-05 building → growth, review every month
	//   because growth entry criteria held for 3 snapshots (members 420 ≥ 100, net_growth 0.6 ≥ 0.05, member_share 0.75 ≥ 0.5); building keep criteria failed for 3 snapshots (member_share 0.75, not ≤ 0.6)
	// 2026-11 growth → mature, review every quarter
	//   because mature entry criteria held for 3 snapshots (members 1210 ≥ 1000, net_growth 0.008 ≥ -0.02, net_growth 0.008 ≤ 0.03, active_growth 0.008 ≥ -0.02, stickiness 0.25 ≥ 0.2, retention_30d 0.46 ≥ 0.4, member_share 0.93 ≥ 0.9, core_share 0.012 ≥ 0.01); growth keep criteria failed for 3 snapshots (net_growth 0.008, not ≥ 0.02)
	// now mature since 2026-11
}

// The default stage machine, drawn for operators: paste the output into any
// Markdown viewer that renders Mermaid.
func ExampleStageDetector_Mermaid() {
	detector, err := lifecycle.NewStageDetector(lifecycle.DefaultStageModel())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(detector.Mermaid())
	// Output:
	// stateDiagram-v2
	//     [*] --> building
	//     building --> growth : [building keep failed ×3, growth entry held ×3]
	//     growth --> declining : [growth keep failed ×3, declining entry held ×3]
	//     growth --> mature : [growth keep failed ×3, mature entry held ×3]
	//     mature --> declining : [mature keep failed ×3, declining entry held ×3]
	//     mature --> growth : [mature keep failed ×3, growth entry held ×3]
	//     declining --> growth : [declining keep failed ×3, growth entry held ×3]
	//     declining --> mature : [declining keep failed ×3, mature entry held ×3]
}
