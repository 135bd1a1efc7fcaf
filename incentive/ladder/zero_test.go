package ladder_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive/ladder"
	"github.com/shopspring/decimal"
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

func TestZeroSweepLadder(t *testing.T) {
	huge := decimal.New(1, 1001)
	sweep(t, []sweepCase{
		{"Compile/zero and extreme ladders", func(t *testing.T) {
			_, err := ladder.Compile(ladder.Ladder{})
			wantInvalid(t, err)
			l := loyalty()
			l.MaxDrop = math.MinInt
			l.Levels[1].Need = math.MaxInt
			l.Levels[2].MinStay = math.MinInt64
			l.Metrics[0].Window = ladder.Window{Months: math.MaxInt}
			_, err = ladder.Compile(l)
			wantInvalid(t, err)
			_, err = ladder.Parse(nil)
			wantInvalid(t, err)
		}},
		{"zero Engine/accessors", func(t *testing.T) {
			var e ladder.Engine
			if e.Tier(ladder.State{}) != "" || e.Tier(ladder.State{Level: "gold"}) != "gold" {
				t.Error("the zero Engine has a tier")
			}
			if len(e.Levels()) != 0 || len(e.Needs()) != 0 || len(e.Multipliers()) != 0 || e.Privileges("") != nil || e.Privileges("gold") != nil {
				t.Error("the zero Engine has levels")
			}
			if len(e.Ladder().Levels) != 0 {
				t.Error("the zero Engine has a ladder")
			}
		}},
		{"zero Engine/Evaluate, Review and Distance", func(t *testing.T) {
			var e ladder.Engine
			_, err := e.Evaluate(ladder.State{}, nil, nowSweep)
			wantInvalid(t, err)
			_, err = e.Review(ladder.State{}, ladder.Metrics{}, nowSweep)
			wantInvalid(t, err)
			_, err = e.Distance("", nil)
			wantInvalid(t, err)
		}},
		{"Evaluate and Review/nil metrics, unknown levels, zero and far times", func(t *testing.T) {
			e := compile(t, loyalty())
			_, err := e.Evaluate(ladder.State{}, nil, nowSweep)
			if !errors.Is(err, ladder.ErrMissingMetric) {
				t.Errorf("Evaluate(nil metrics) = %v", err)
			}
			wantInvalid(t, err)
			_, err = e.Review(ladder.State{Level: "platinum"}, metrics("1", "1"), nowSweep)
			if !errors.Is(err, ladder.ErrUnknownLevel) {
				t.Errorf("Review(unknown level) = %v", err)
			}
			_, err = e.Review(ladder.State{Lock: &ladder.Lock{Level: "platinum"}}, metrics("1", "1"), nowSweep)
			wantInvalid(t, err)
			_, err = e.Review(ladder.State{}, metrics("1", "1"), time.Time{})
			wantInvalid(t, err)
			_, err = e.Review(ladder.State{}, ladder.Metrics{"growth": huge, "orders": dec("1")}, nowSweep)
			wantInvalid(t, err)
			for _, now := range []time.Time{yearOne, year9999} {
				for _, st := range []ladder.State{
					{},
					{Level: "gold", Since: yearOne, ValidUntil: yearOne.Add(time.Hour)},
					{Level: "gold", Since: year9999, ValidUntil: year9999},
					{Level: "silver", Lock: &ladder.Lock{Level: "gold", Until: yearOne}},
					{Level: "gold", Lock: &ladder.Lock{Level: "silver", Floor: true, Until: year9999}},
				} {
					for _, m := range []ladder.Metrics{metrics("0", "0"), metrics("-1e30", "-1"), metrics("1e30", "99999999999999999999")} {
						d, err := e.Review(st, m, now)
						if err != nil {
							t.Fatalf("Review(%+v, %v, %v) = %v", st, m, now, err)
						}
						if d.Change == ladder.Stay && d.To == "" || d.Explain() == "" {
							t.Errorf("decision %+v", d)
						}
						if d.State.ValidUntil.Before(d.State.Since) && !d.State.ValidUntil.IsZero() && d.Changed() {
							t.Errorf("valid until %v, before it was reached on %v", d.State.ValidUntil, d.State.Since)
						}
					}
				}
			}
		}},
		{"Review/renewal far past its validity", func(t *testing.T) {
			e := compile(t, loyalty())
			st := ladder.State{Level: "gold", Since: yearOne, ValidUntil: yearOne.Add(days(365))}
			d, err := e.Review(st, metrics("9000", "50"), year9999)
			if err != nil {
				t.Fatal(err)
			}
			if d.State.ValidUntil.Before(year9999) {
				t.Errorf("renewed until %v, before the review at %v", d.State.ValidUntil, year9999)
			}
		}},
		{"Distance, Tier and Privileges/unknown level", func(t *testing.T) {
			e := compile(t, loyalty())
			_, err := e.Distance("platinum", metrics("1", "1"))
			wantInvalid(t, err)
			_, err = e.Distance("gold", nil)
			wantInvalid(t, err)
			if e.Privileges("platinum") != nil {
				t.Error("privileges of an unknown level")
			}
			if e.Tier(ladder.State{}) != "member" {
				t.Error("the first level is not the tier of a new member")
			}
		}},
		{"Window/zero, invalid and far", func(t *testing.T) {
			for _, w := range []ladder.Window{{Last: math.MinInt64}, {Months: -1}, {Months: math.MaxInt}, {Period: 200}, {Last: 1, Months: 1}} {
				wantInvalid(t, w.Validate())
			}
			if !(ladder.Window{}).IsAllTime() || (ladder.Window{Months: math.MinInt}).IsAllTime() {
				t.Error("IsAllTime")
			}
			if _, err := ladder.Compile(ladder.Discourse()); err != nil {
				t.Error(err)
			}
			if _, ok := (ladder.Window{}).Start(nowSweep, qun.Calendar{}); ok {
				t.Error("the zero Window has a start")
			}
			for _, w := range []ladder.Window{{Last: math.MaxInt64}, {Months: 1200}, {Period: qun.Year}, {Months: math.MaxInt}, {Months: math.MinInt}, {Period: 200}} {
				for _, now := range []time.Time{{}, yearOne, year9999} {
					w.Start(now, calSH)
				}
			}
		}},
		{"text/unknown values", func(t *testing.T) {
			_, err := ladder.Change(200).MarshalText()
			wantInvalid(t, err)
			_, err = ladder.Code(200).MarshalText()
			wantInvalid(t, err)
			var c ladder.Change
			wantInvalid(t, c.UnmarshalText(nil))
			var k ladder.Code
			wantInvalid(t, k.UnmarshalText(nil))
			if ladder.Change(200).String() == "" || ladder.Code(200).String() == "" || (ladder.Decision{}).Explain() == "" {
				t.Error("an empty description")
			}
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
		new(ladder.Ladder),
		new(ladder.Lock),
		new(ladder.State),
	}
	validators := []interface{ Validate() error }{
		ladder.Ladder{},
		ladder.Window{},
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
