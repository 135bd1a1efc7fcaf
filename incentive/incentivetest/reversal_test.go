package incentivetest

import (
	"testing"
	"time"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive"
	"pgregory.net/rapid"
)

// TestReversalReachesEveryPath runs the reversal property on a kind of
// each policy and requires it to reach each policy's own path: a
// reversal that writes points off (CapAtZero, LotOnly), one that leaves
// debt and an earn that repays it (Debt), histories whose operations
// depended on the earn's points, and reversals in two parts.
func TestReversalReachesEveryPath(t *testing.T) {
	cal := qun.Calendar{Zone: qun.MustLoadZone("Asia/Shanghai"), WeekStart: time.Monday}
	for _, k := range []incentive.Kind{
		{Name: "cap-at-zero", Spendable: true, Expiry: incentive.Expiry{End: qun.Year}},
		{Name: "debt", Scale: 2, Spendable: true, Pending: qun.Days(2), Expiry: incentive.Expiry{After: qun.Days(30)}, Reversal: incentive.Debt},
		{Name: "lot-only", Scale: 1, Spendable: true, Reversal: incentive.LotOnly},
	} {
		t.Run(k.Reversal.String(), func(t *testing.T) {
			eng, err := incentive.Compile(incentive.Program{Calendar: cal, Kinds: []incentive.Kind{k}})
			if err != nil {
				t.Fatal(err)
			}
			var s reversalStats
			rapid.Check(t, func(rt *rapid.T) { checkReversal(rt, eng, k, &s) })
			t.Log(s)
			reached := map[string]bool{
				"histories depending on the earn": s.dependent > 0,
				"reversals in two parts":          s.partial > 0,
			}
			switch k.Reversal {
			case incentive.CapAtZero, incentive.LotOnly:
				reached["a reversal writing points off"] = s.writeOff > 0
				reached["no debt"] = s.debt == 0 && s.repaid == 0
			case incentive.Debt:
				reached["a reversal leaving debt"] = s.debt > 0
				reached["an earn repaying it"] = s.repaid > 0
				reached["no write-off"] = s.writeOff == 0
			}
			for what, ok := range reached {
				if !ok {
					t.Errorf("the reversal property did not reach %s: %v", what, s)
				}
			}
		})
	}
}
