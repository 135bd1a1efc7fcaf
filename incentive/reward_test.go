package incentive_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive"
)

func TestReward(t *testing.T) {
	for _, in := range []string{
		`{"kind":"points","points":"50"}`,
		`{"badge":"reader"}`,
		`{"kind":"points","points":"50","badge":"reader"}`,
	} {
		var r incentive.Reward
		if err := json.Unmarshal([]byte(in), &r); err != nil {
			t.Errorf("%s: %v", in, err)
		} else if err := r.Validate(); err != nil {
			t.Errorf("%s: %v", in, err)
		}
	}
	for _, tc := range []struct{ json, field string }{
		{`{}`, ""},
		{`{"badge":""}`, ""},
		{`{"points":"50"}`, "kind"},
		{`{"kind":"points"}`, "points"},
		{`{"kind":"points","points":"-1"}`, "points"},
		{`{"kind":"points","points":"1","bagde":"x"}`, "bagde"},
	} {
		var r incentive.Reward
		err := json.Unmarshal([]byte(tc.json), &r)
		if err == nil {
			err = r.Validate()
		}
		var ve *qun.ValidationError
		if !errors.As(err, &ve) || ve.Field != tc.field || !errors.Is(err, qun.ErrInvalid) {
			t.Errorf("%s: %v, want an error at %q", tc.json, err, tc.field)
		}
	}
}

func TestPayout(t *testing.T) {
	p := incentive.Payout{Member: "lin", Key: "quest/newcomer/1", Reason: "quest newcomer",
		Reward: incentive.Reward{Kind: "points", Points: dec("50"), Badge: "newcomer"}}
	r, ok := p.EarnRequest("wine-club")
	want := incentive.AccountID{Community: "wine-club", Member: "lin", Kind: "points"}
	if !ok || r.Account != want || r.Key != p.Key || !r.Points.Equal(dec("50")) || r.Reason != p.Reason {
		t.Errorf("EarnRequest = %+v, %v", r, ok)
	}
	if _, ok := (incentive.Payout{Reward: incentive.Reward{Badge: "b"}}).EarnRequest("c"); ok {
		t.Errorf("a badge alone earns points")
	}
	if k := incentive.PayoutKey("quest", "a", "1"); k != "quest/a/1" {
		t.Errorf("short key %q", k)
	}
	long := incentive.PayoutKey("quest", strings.Repeat("x", 300), "1")
	if len(long) > qun.MaxNameLen || !strings.HasPrefix(long, "quest/") || qun.ValidateName(long) != nil {
		t.Errorf("long key %q", long)
	}
	if long == incentive.PayoutKey("quest", strings.Repeat("x", 300), "2") {
		t.Errorf("two occasions share a key")
	}
}

// A payout earned through the ledger twice earns once.
func TestPayoutThroughLedger(t *testing.T) {
	l := newLedger(t, []incentive.Kind{{Name: "points", Spendable: true}})
	p := incentive.Payout{Member: "lin", Key: "streak/check-in/day-7", Reason: "streak", Reward: incentive.Reward{Kind: "points", Points: dec("70")}}
	req, _ := p.EarnRequest("wine-club")
	for range 2 {
		if _, err := l.Earn(t.Context(), req, t0); err != nil {
			t.Fatal(err)
		}
	}
	if b := mustBalance(t, l, acct("points"), t0); !b.Available.Equal(dec("70")) {
		t.Errorf("balance %s after a replayed payout, want 70", b.Available)
	}
}
