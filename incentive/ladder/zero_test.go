package ladder_test

import (
	"encoding/json"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive/ladder"
	"github.com/qunkit/qun/internal/sweep"
	"github.com/shopspring/decimal"
)

// The zero-value sweep: every exported entry point of the package, called
// with the zero value of its receiver (a type that should have been made
// with its constructor or Compile), nil and empty arguments, extreme
// counts and times, and names it does not know. None may panic or hang;
// each returns what its doc comment promises.

func TestZeroSweepLadder(t *testing.T) {
	huge := decimal.New(1, 1001)
	sweep.Run(t, []sweep.Case{
		{Name: "Compile/zero and extreme ladders", Run: func(t *testing.T) {
			_, err := ladder.Compile(ladder.Ladder{})
			sweep.WantInvalid(t, err)
			l := loyalty()
			l.MaxDrop = math.MinInt
			l.Levels[1].Need = math.MaxInt
			l.Levels[2].MinStay = math.MinInt64
			l.Metrics[0].Window = ladder.Window{Months: math.MaxInt}
			_, err = ladder.Compile(l)
			sweep.WantInvalid(t, err)
			_, err = ladder.Parse(nil)
			sweep.WantInvalid(t, err)
		}},
		{Name: "zero Engine/accessors", Run: func(t *testing.T) {
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
		{Name: "zero Engine/Evaluate, Review and Distance", Run: func(t *testing.T) {
			var e ladder.Engine
			_, err := e.Evaluate(ladder.State{}, nil, sweep.Now)
			sweep.WantInvalid(t, err)
			_, err = e.Review(ladder.State{}, ladder.Metrics{}, sweep.Now)
			sweep.WantInvalid(t, err)
			_, err = e.Distance("", nil)
			sweep.WantInvalid(t, err)
		}},
		{Name: "Evaluate and Review/nil metrics, unknown levels, zero and far times", Run: func(t *testing.T) {
			e := compile(t, loyalty())
			_, err := e.Evaluate(ladder.State{}, nil, sweep.Now)
			if !errors.Is(err, ladder.ErrMissingMetric) {
				t.Errorf("Evaluate(nil metrics) = %v", err)
			}
			sweep.WantInvalid(t, err)
			_, err = e.Review(ladder.State{Level: "platinum"}, metrics("1", "1"), sweep.Now)
			if !errors.Is(err, ladder.ErrUnknownLevel) {
				t.Errorf("Review(unknown level) = %v", err)
			}
			_, err = e.Review(ladder.State{Lock: &ladder.Lock{Level: "platinum"}}, metrics("1", "1"), sweep.Now)
			sweep.WantInvalid(t, err)
			_, err = e.Review(ladder.State{}, metrics("1", "1"), time.Time{})
			sweep.WantInvalid(t, err)
			_, err = e.Review(ladder.State{}, ladder.Metrics{"growth": huge, "orders": dec("1")}, sweep.Now)
			sweep.WantInvalid(t, err)
			for _, now := range []time.Time{sweep.YearOne, sweep.Year9999} {
				for _, st := range []ladder.State{
					{},
					{Level: "gold", Since: sweep.YearOne, ValidUntil: sweep.YearOne.Add(time.Hour)},
					{Level: "gold", Since: sweep.Year9999, ValidUntil: sweep.Year9999},
					{Level: "silver", Lock: &ladder.Lock{Level: "gold", Until: sweep.YearOne}},
					{Level: "gold", Lock: &ladder.Lock{Level: "silver", Floor: true, Until: sweep.Year9999}},
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
		{Name: "Review/renewal far past its validity", Run: func(t *testing.T) {
			e := compile(t, loyalty())
			st := ladder.State{Level: "gold", Since: sweep.YearOne, ValidUntil: sweep.YearOne.Add(days(365))}
			d, err := e.Review(st, metrics("9000", "50"), sweep.Year9999)
			if err != nil {
				t.Fatal(err)
			}
			if d.State.ValidUntil.Before(sweep.Year9999) {
				t.Errorf("renewed until %v, before the review at %v", d.State.ValidUntil, sweep.Year9999)
			}
		}},
		{Name: "Distance, Tier and Privileges/unknown level", Run: func(t *testing.T) {
			e := compile(t, loyalty())
			_, err := e.Distance("platinum", metrics("1", "1"))
			sweep.WantInvalid(t, err)
			_, err = e.Distance("gold", nil)
			sweep.WantInvalid(t, err)
			if e.Privileges("platinum") != nil {
				t.Error("privileges of an unknown level")
			}
			if e.Tier(ladder.State{}) != "member" {
				t.Error("the first level is not the tier of a new member")
			}
		}},
		{Name: "Window/zero, invalid and far", Run: func(t *testing.T) {
			for _, w := range []ladder.Window{{Last: math.MinInt64}, {Months: -1}, {Months: math.MaxInt}, {Period: 200}, {Last: 1, Months: 1}} {
				sweep.WantInvalid(t, w.Validate())
			}
			if !(ladder.Window{}).IsAllTime() || (ladder.Window{Months: math.MinInt}).IsAllTime() {
				t.Error("IsAllTime")
			}
			if _, err := ladder.Compile(ladder.Discourse()); err != nil {
				t.Error(err)
			}
			if _, ok := (ladder.Window{}).Start(sweep.Now, qun.Calendar{}); ok {
				t.Error("the zero Window has a start")
			}
			for _, w := range []ladder.Window{{Last: math.MaxInt64}, {Months: 1200}, {Period: qun.Year}, {Months: math.MaxInt}, {Months: math.MinInt}, {Period: 200}} {
				for _, now := range []time.Time{{}, sweep.YearOne, sweep.Year9999} {
					w.Start(now, calSH)
				}
			}
		}},
		{Name: "text/unknown values", Run: func(t *testing.T) {
			_, err := ladder.Change(200).MarshalText()
			sweep.WantInvalid(t, err)
			_, err = ladder.Code(200).MarshalText()
			sweep.WantInvalid(t, err)
			var c ladder.Change
			sweep.WantInvalid(t, c.UnmarshalText(nil))
			var k ladder.Code
			sweep.WantInvalid(t, k.UnmarshalText(nil))
			if ladder.Change(200).String() == "" || ladder.Code(200).String() == "" || (ladder.Decision{}).Explain() == "" {
				t.Error("an empty description")
			}
		}},
	})
}

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
	sweep.JSON(t, decoders, validators)
}
