package referral_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive/referral"
)

// The zero-value sweep: every exported entry point of the package, called
// with the zero value of its receiver (a type that should have been made
// with its constructor or Compile), nil and empty arguments, extreme
// counts and times, and names it does not know. None may panic or hang;
// each returns what its doc comment promises.

// sweepLimit is how long one case may run before it counts as a hang.
const sweepLimit = 5 * time.Second

// A sweepCase calls an entry point with one awkward input and checks the
// documented result.
type sweepCase struct {
	name string
	run  func(t *testing.T)
}

// sweep runs each case in a goroutine of its own, and fails it if it
// panics or is still running after sweepLimit.
func sweep(t *testing.T, cases []sweepCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			done := make(chan string, 1)
			go func() {
				defer func() {
					if p := recover(); p != nil {
						done <- fmt.Sprintf("%v\n%s", p, debug.Stack())
						return
					}
					done <- ""
				}()
				c.run(t)
			}()
			select {
			case msg := <-done:
				if msg != "" {
					t.Fatalf("panicked: %s", msg)
				}
			case <-time.After(sweepLimit):
				t.Fatalf("still running after %v: it hangs", sweepLimit)
			}
		})
	}
}

// wantInvalid fails t unless err refuses the input as invalid.
func wantInvalid(t *testing.T, err error) {
	t.Helper()
	if !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("error %v, want one matching qun.ErrInvalid", err)
	}
}

var (
	yearOne  = time.Date(1, 1, 2, 0, 0, 0, 0, time.UTC)
	year9999 = time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC)
	nowSweep = time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
)

func TestZeroSweepReferral(t *testing.T) {
	purchase := qun.Event{ID: "p1", Member: "bo", Name: "purchase", Time: nowSweep}
	sweep(t, []sweepCase{
		{"NewGraph/zero and extreme programs", func(t *testing.T) {
			_, err := referral.NewGraph("", referral.Program{})
			wantInvalid(t, err)
			p := program()
			p.Depth = math.MaxInt
			p.Attribution.Window = math.MinInt64
			p.Caps[0].Rewards = math.MinInt64
			_, err = referral.NewGraph("wine-club", p)
			wantInvalid(t, err)
			_, err = referral.ParseProgram(nil)
			wantInvalid(t, err)
		}},
		{"zero Graph/writes", func(t *testing.T) {
			var g referral.Graph
			wantInvalid(t, g.Send("ann", 1))
			wantInvalid(t, g.Touch(referral.Touch{Inviter: "ann", Invitee: "bo", Time: nowSweep}))
			_, err := g.Join("bo", nowSweep)
			wantInvalid(t, err)
			_, err = g.Observe(purchase, nil, nowSweep)
			wantInvalid(t, err)
			_, err = g.Refund("p1", "r1", nowSweep)
			wantInvalid(t, err)
		}},
		{"zero Graph/reads", func(t *testing.T) {
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
		{"writes/invalid, extreme and far", func(t *testing.T) {
			g := newGraph(t, program())
			wantInvalid(t, g.Send("", 1))
			wantInvalid(t, g.Send("ann", -1))
			if err := g.Send("ann", math.MaxInt64); err != nil {
				t.Fatal(err)
			}
			if err := g.Send("ann", math.MaxInt64); err != nil && !errors.Is(err, qun.ErrInvalid) {
				t.Fatal(err)
			}
			if s := g.Inviter("ann"); s.Sent != 1<<32-1 {
				t.Errorf("sent %d invitations, want the 2^32−1 a count stops at", s.Sent)
			}
			for _, at := range []time.Time{{}, yearOne, year9999} {
				wantInvalid(t, g.Touch(referral.Touch{Inviter: "ann", Invitee: "bo", Time: at}))
				_, err := g.Join("bo", at)
				wantInvalid(t, err)
				e := purchase
				e.Time = at
				_, err = g.Observe(e, nil, nowSweep)
				wantInvalid(t, err)
				_, err = g.Observe(purchase, nil, at)
				wantInvalid(t, err)
				_, err = g.Refund("p1", "r1", at)
				wantInvalid(t, err)
			}
			wantInvalid(t, g.Touch(referral.Touch{}))
			_, err := g.Observe(purchase, []string{""}, nowSweep)
			wantInvalid(t, err)
			_, err = g.Observe(qun.Event{Member: "bo", Name: "purchase", Time: nowSweep}, nil, nowSweep)
			wantInvalid(t, err)
			_, err = g.Refund("", "", nowSweep)
			wantInvalid(t, err)
			if rev, err := g.Refund("nowhere", "r0", nowSweep); err != nil || len(rev.Requests) != 0 {
				t.Errorf("Refund of an unknown event = %+v, %v", rev, err)
			}
			if pr, err := g.Observe(qun.Event{ID: "x", Member: "stranger", Name: "purchase", Time: nowSweep}, nil, nowSweep); err != nil || len(pr.Reached) != 0 {
				t.Errorf("Observe of a stranger = %+v, %v", pr, err)
			}
		}},
		{"metrics/nil, unknown and far periods", func(t *testing.T) {
			g := newGraph(t, program())
			if err := g.Touch(referral.Touch{Inviter: "ann", Invitee: "bo", Time: nowSweep.Add(-time.Hour)}); err != nil {
				t.Fatal(err)
			}
			if _, err := g.Join("bo", nowSweep); err != nil {
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
		{"grants and text/zero and unknown", func(t *testing.T) {
			if _, ok := (referral.Grant{}).Earn(); ok {
				t.Error("the zero Grant earns")
			}
			if referral.Grants(nil).EarnRequests() != nil {
				t.Error("requests of no grants")
			}
			for _, m := range []interface{ MarshalText() ([]byte, error) }{referral.Model(200), referral.Reason(200)} {
				_, err := m.MarshalText()
				wantInvalid(t, err)
			}
			if referral.Model(200).String() == "" || referral.Reason(200).String() == "" {
				t.Error("an empty name")
			}
			var m referral.Model
			wantInvalid(t, m.UnmarshalText([]byte("x")))
			var r referral.Reason
			wantInvalid(t, r.UnmarshalText([]byte("x")))
			wantInvalid(t, referral.Touch{}.Validate())
			wantInvalid(t, referral.Milestone{}.Validate())
			wantInvalid(t, referral.Cap{}.Validate())
		}},
	})
}

// garbageJSON is text that no configuration or state reads: empty, the
// wrong kind of value, an unknown field, a number beyond float64, cut
// short, and nested far deeper than any real document.
var garbageJSON = []string{"", "[]", `"x"`, "1e999", `{"nowhere":1}`, "{", strings.Repeat("[", 100000), `{"a":` + strings.Repeat(`{"a":`, 100000)}

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
	sweep(t, []sweepCase{
		{"UnmarshalJSON/garbage", func(t *testing.T) {
			for _, d := range decoders {
				for _, in := range garbageJSON {
					if err := d.UnmarshalJSON([]byte(in)); !errors.Is(err, qun.ErrInvalid) {
						t.Errorf("%T.UnmarshalJSON(%.20q) = %v, want an error matching qun.ErrInvalid", d, in, err)
					}
				}
				for _, in := range []string{"null", "{}"} {
					if err := d.UnmarshalJSON([]byte(in)); err != nil && !errors.Is(err, qun.ErrInvalid) {
						t.Errorf("%T.UnmarshalJSON(%s) = %v", d, in, err)
					}
				}
			}
		}},
		{"Validate/zero values", func(t *testing.T) {
			for _, v := range validators {
				if err := v.Validate(); err != nil && !errors.Is(err, qun.ErrInvalid) {
					t.Errorf("%T{}.Validate() = %v", v, err)
				}
			}
		}},
	})
}

func TestZeroSweepGrow(t *testing.T) {
	sweep(t, []sweepCase{
		{"Grow/extreme", func(t *testing.T) {
			g := newGraph(t, program())
			g.Grow(math.MaxInt, math.MaxInt)
			if _, err := g.Join("bo", nowSweep); err != nil {
				t.Error(err)
			}
		}},
	})
}
