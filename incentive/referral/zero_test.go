package referral_test

import (
	"encoding/json"
	"errors"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive/referral"
	"github.com/qunkit/qun/internal/sweep"
)

// The zero-value sweep: every exported entry point of the package, called
// with the zero value of its receiver (a type that should have been made
// with its constructor or Compile), nil and empty arguments, extreme
// counts and times, and names it does not know. None may panic or hang;
// each returns what its doc comment promises.

func TestZeroSweepReferral(t *testing.T) {
	purchase := qun.Event{ID: "p1", Member: "bo", Name: "purchase", Time: sweep.Now}
	sweep.Run(t, []sweep.Case{
		{Name: "NewGraph/zero and extreme programs", Run: func(t *testing.T) {
			_, err := referral.NewGraph("", referral.Program{})
			sweep.WantInvalid(t, err)
			p := program()
			p.Depth = math.MaxInt
			p.Attribution.Window = math.MinInt64
			p.Caps[0].Rewards = math.MinInt64
			_, err = referral.NewGraph("wine-club", p)
			sweep.WantInvalid(t, err)
			_, err = referral.ParseProgram(nil)
			sweep.WantInvalid(t, err)
		}},
		{Name: "zero Graph/writes", Run: func(t *testing.T) {
			var g referral.Graph
			sweep.WantInvalid(t, g.Send("ann", 1))
			sweep.WantInvalid(t, g.Touch(referral.Touch{Inviter: "ann", Invitee: "bo", Time: sweep.Now}))
			_, err := g.Join("bo", sweep.Now)
			sweep.WantInvalid(t, err)
			_, err = g.Observe(purchase, nil, sweep.Now)
			sweep.WantInvalid(t, err)
			_, err = g.Refund("p1", "r1", sweep.Now)
			sweep.WantInvalid(t, err)
		}},
		{Name: "zero Graph/reads", Run: func(t *testing.T) {
			var g referral.Graph
			g.Grow(math.MinInt, math.MinInt)
			if _, ok := g.Attribution("bo"); ok {
				t.Error("an attribution")
			}
			if _, ok := g.InviterOf("bo"); ok {
				t.Error("an inviter")
			}
			if g.Inviter("ann") != (referral.Stats{}) || g.Viral(slices.Values([]qun.MemberID{"ann"})).Sent != 0 || g.Cohort(qun.Period{}) != (referral.Viral{}) {
				t.Error("stats of no one")
			}
			if len(g.Generations()) != 0 || g.Tree().Members != 0 || g.Community() != "" {
				t.Error("a tree")
			}
			g.Program()
		}},
		{Name: "writes/invalid, extreme and far", Run: func(t *testing.T) {
			g := newGraph(t, program())
			sweep.WantInvalid(t, g.Send("", 1))
			sweep.WantInvalid(t, g.Send("ann", -1))
			if err := g.Send("ann", math.MaxInt64); err != nil {
				t.Fatal(err)
			}
			if err := g.Send("ann", math.MaxInt64); err != nil && !errors.Is(err, qun.ErrInvalid) {
				t.Fatal(err)
			}
			if s := g.Inviter("ann"); s.Sent != 1<<32-1 {
				t.Errorf("sent %d invitations, want the 2^32−1 a count stops at", s.Sent)
			}
			for _, at := range []time.Time{{}, sweep.YearOne, sweep.Year9999} {
				sweep.WantInvalid(t, g.Touch(referral.Touch{Inviter: "ann", Invitee: "bo", Time: at}))
				_, err := g.Join("bo", at)
				sweep.WantInvalid(t, err)
				e := purchase
				e.Time = at
				_, err = g.Observe(e, nil, sweep.Now)
				sweep.WantInvalid(t, err)
				_, err = g.Observe(purchase, nil, at)
				sweep.WantInvalid(t, err)
				_, err = g.Refund("p1", "r1", at)
				sweep.WantInvalid(t, err)
			}
			sweep.WantInvalid(t, g.Touch(referral.Touch{}))
			_, err := g.Observe(purchase, []string{""}, sweep.Now)
			sweep.WantInvalid(t, err)
			_, err = g.Observe(qun.Event{Member: "bo", Name: "purchase", Time: sweep.Now}, nil, sweep.Now)
			sweep.WantInvalid(t, err)
			_, err = g.Refund("", "", sweep.Now)
			sweep.WantInvalid(t, err)
			if rev, err := g.Refund("nowhere", "r0", sweep.Now); err != nil || len(rev.Requests) != 0 {
				t.Errorf("Refund of an unknown event = %+v, %v", rev, err)
			}
			if pr, err := g.Observe(qun.Event{ID: "x", Member: "stranger", Name: "purchase", Time: sweep.Now}, nil, sweep.Now); err != nil || len(pr.Reached) != 0 {
				t.Errorf("Observe of a stranger = %+v, %v", pr, err)
			}
		}},
		{Name: "metrics/nil, unknown and far periods", Run: func(t *testing.T) {
			g := newGraph(t, program())
			if err := g.Touch(referral.Touch{Inviter: "ann", Invitee: "bo", Time: sweep.Now.Add(-time.Hour)}); err != nil {
				t.Fatal(err)
			}
			if _, err := g.Join("bo", sweep.Now); err != nil {
				t.Fatal(err)
			}
			if v := g.Viral(nil); v != (referral.Viral{}) {
				t.Errorf("Viral(nil) = %+v", v)
			}
			g.Viral(slices.Values([]qun.MemberID{"", "nowhere", "ann", "ann"}))
			for _, p := range []qun.Period{{}, {Grain: 200}, {Grain: qun.Year, First: qun.Date{Year: math.MaxInt32, Month: 1, Day: 1}}, {Grain: qun.Day, First: qun.Date{Year: -5000, Month: 1, Day: 1}}} {
				v := g.Cohort(p)
				if math.IsNaN(v.K) || math.IsNaN(v.Conversion) {
					t.Errorf("Cohort(%v) = %+v", p, v)
				}
			}
			g.Grow(math.MinInt, -1)
			g.Tree()
			g.Generations()
		}},
		{Name: "grants and text/zero and unknown", Run: func(t *testing.T) {
			if _, ok := (referral.Grant{}).Earn(); ok {
				t.Error("the zero Grant earns")
			}
			if referral.Grants(nil).EarnRequests() != nil {
				t.Error("requests of no grants")
			}
			for _, m := range []interface{ MarshalText() ([]byte, error) }{referral.Model(200), referral.Reason(200)} {
				_, err := m.MarshalText()
				sweep.WantInvalid(t, err)
			}
			if referral.Model(200).String() == "" || referral.Reason(200).String() == "" {
				t.Error("an empty name")
			}
			var m referral.Model
			sweep.WantInvalid(t, m.UnmarshalText([]byte("x")))
			var r referral.Reason
			sweep.WantInvalid(t, r.UnmarshalText([]byte("x")))
			sweep.WantInvalid(t, referral.Touch{}.Validate())
			sweep.WantInvalid(t, referral.Milestone{}.Validate())
			sweep.WantInvalid(t, referral.Cap{}.Validate())
		}},
	})
}

// TestZeroSweepJSON reads garbage into every type with a strict JSON form,
// and validates the zero value of every type with a Validate method: no
// panic, and every refusal matches qun.ErrInvalid.
func TestZeroSweepJSON(t *testing.T) {
	decoders := []json.Unmarshaler{
		new(referral.Cap),
		new(referral.Credit),
		new(referral.Milestone),
		new(referral.Program),
		new(referral.Reward),
		new(referral.Touch),
	}
	validators := []interface{ Validate() error }{
		referral.Cap{},
		referral.Credit{},
		referral.Milestone{},
		referral.Program{},
		referral.Touch{},
	}
	sweep.JSON(t, decoders, validators)
}

func TestZeroSweepGrow(t *testing.T) {
	sweep.Run(t, []sweep.Case{
		{Name: "Grow/extreme", Run: func(t *testing.T) {
			g := newGraph(t, program())
			g.Grow(math.MaxInt, math.MaxInt)
			if _, err := g.Join("bo", sweep.Now); err != nil {
				t.Error(err)
			}
		}},
	})
}
