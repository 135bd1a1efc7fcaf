package lifecycle_test

import (
	"fmt"
	"time"

	"github.com/qunkit/qun/lifecycle"
)

// Members go silent and are recalled. The host classifies its members every
// week, stores each change (the new state, and the run's time as its
// Since), and acts on the moments that matter.
func ExampleClassifier_ClassifyAll() {
	c, err := lifecycle.NewClassifier(lifecycle.DefaultMemberRules())
	if err != nil {
		fmt.Println(err)
		return
	}
	day := func(m time.Month, d int) int64 { return time.Date(2026, m, d, 20, 0, 0, 0, time.UTC).Unix() }
	names := []string{"lin", "zhou", "wu"}
	members := lifecycle.Population{
		Joined:     []int64{day(9, 1), day(9, 1), day(10, 28)},
		LastActive: []int64{day(10, 30), day(10, 16), 0},
		State:      make([]lifecycle.MemberState, 3),
		Since:      make([]int64, 3),
	}
	act := map[lifecycle.MemberState]string{
		lifecycle.New: "send the newcomer coupon", lifecycle.Active: "",
		lifecycle.Silent: "send recall content", lifecycle.Churned: "send a win-back offer",
		lifecycle.Resurrected: "welcome back, invite to this week's tasting",
	}
	var changes []lifecycle.MemberChange
	for week := range 5 {
		now := time.Date(2026, 11, 1+7*week, 9, 0, 0, 0, time.UTC)
		switch week {
		case 2:
			members.LastActive[1] = day(11, 12) // zhou answers the recall push
			members.LastActive[2] = day(11, 14) // wu posts for the first time
		case 3:
			members.LastActive[1] = day(11, 20) // both stay
			members.LastActive[2] = day(11, 21)
		}
		changes, err = c.ClassifyAll(changes[:0], members, now)
		if err != nil {
			fmt.Println(err)
			return
		}
		for _, ch := range changes {
			line := fmt.Sprintf("%s %-4s %v → %v", now.Format("01-02"), names[ch.Member], ch.From, ch.To)
			if a := act[ch.To]; a != "" {
				line += ": " + a
			}
			fmt.Println(line)
			members.State[ch.Member] = ch.To
			members.Since[ch.Member] = now.Unix()
		}
	}
	// Output:
	// 11-01 lin  unclassified → active
	// 11-01 zhou unclassified → silent: send recall content
	// 11-01 wu   unclassified → new: send the newcomer coupon
	// 11-08 wu   new → silent: send recall content
	// 11-15 lin  active → silent: send recall content
	// 11-15 zhou silent → resurrected: welcome back, invite to this week's tasting
	// 11-15 wu   silent → resurrected: welcome back, invite to this week's tasting
	// 11-29 zhou resurrected → active
	// 11-29 wu   resurrected → active
}
