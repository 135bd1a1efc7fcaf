package lifecycle_test

import (
	"fmt"
	"time"

	"github.com/qunkit/qun/lifecycle"
)

// A community and one of its members, read the way operators read them:
// the member by join time and activity recency, the community by its
// metrics, each with the default rules.
func Example() {
	now := time.Date(2026, 11, 22, 20, 0, 0, 0, time.UTC)

	members, err := lifecycle.NewClassifier(lifecycle.DefaultMemberRules())
	if err != nil {
		fmt.Println(err)
		return
	}
	lin := lifecycle.Facts{Joined: now.AddDate(0, -3, 0), LastActive: now.AddDate(0, 0, -20), State: lifecycle.Active}
	fmt.Println("lin is", members.Classify(lin, now))

	stages, err := lifecycle.NewStageDetector(lifecycle.DefaultStageModel())
	if err != nil {
		fmt.Println(err)
		return
	}
	obs, err := stages.Observe(lifecycle.StageState{}, lifecycle.Snapshot{At: now, Members: 40, NetGrowth: 0.3, MemberShare: 0.3})
	if err != nil {
		fmt.Println(err)
		return
	}
	playbook, _ := stages.Playbook(obs.State.Stage)
	fmt.Println("the community is", obs.State.Stage, "- review", playbook.Review, "- watch", playbook.Focus)
	// Output:
	// lin is silent
	// the community is building - review every week - watch [member_growth early_activity]
}
