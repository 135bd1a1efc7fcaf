package draw_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive/draw"
	"github.com/qunkit/qun/internal/sweep"
)

// The zero-value sweep: every exported entry point of the package, called
// with the zero value of its receiver (a type that should have been made
// with its constructor or Compile), nil and empty arguments, extreme
// counts and times, and names it does not know. None may panic or hang;
// each returns what its doc comment promises.

// sweepPool is a small valid pool with stock, a pity and limits.
func sweepPool() draw.Pool {
	return draw.Pool{
		ID: "sweep", Calendar: calSH,
		Prizes: []draw.Prize{{ID: "wine", Weight: 1, Stock: 2}, {ID: "card", Weight: 5, Unlimited: true}},
		Blank:  10,
		Limits: []draw.Limit{{Per: qun.Day, Entries: 3}},
		Pity:   &draw.Pity{After: 4, Prizes: []string{"wine"}},
	}
}

func TestZeroSweepDraw(t *testing.T) {
	sweep.Run(t, []sweep.Case{
		{Name: "New/zero and extreme pools", Run: func(t *testing.T) {
			_, err := draw.New("", draw.Pool{}, draw.Seed{})
			sweep.WantInvalid(t, err)
			p := sweepPool()
			p.Prizes[0].Weight = math.MaxInt64
			p.Prizes[1].Weight = math.MinInt64
			p.Blank = math.MaxInt64
			p.Limits[0].Entries = math.MinInt64
			p.Pity.After = math.MinInt64
			_, err = draw.New("wine-club", p, draw.Seed{})
			sweep.WantInvalid(t, err)
			_, err = draw.ParsePool(nil)
			sweep.WantInvalid(t, err)
		}},
		{Name: "zero Draw/Enter, Decide and Apply", Run: func(t *testing.T) {
			var d draw.Draw
			_, err := d.Enter(entry("k", "lin"), sweep.Now)
			sweep.WantInvalid(t, err)
			if errors.Is(err, draw.ErrSoldOut) {
				t.Errorf("the zero Draw says it is sold out: %v", err)
			}
			_, err = d.Decide(entry("k", "lin"), sweep.Now)
			sweep.WantInvalid(t, err)
			sweep.WantInvalid(t, d.Apply(draw.Result{Seq: 1, Key: "k", Member: "lin", Time: sweep.Now}))
		}},
		{Name: "zero Draw/reads", Run: func(t *testing.T) {
			var d draw.Draw
			d.Grow(math.MinInt)
			if _, ok := d.Remaining("wine"); ok {
				t.Error("a prize")
			}
			for range d.Results() {
				t.Error("a result")
			}
			if o := d.Odds(); len(o.Prizes) != 0 || o.Total != 0 {
				t.Errorf("Odds = %+v", o)
			}
			if d.Pool().ID != "" {
				t.Error("a pool")
			}
		}},
		{Name: "Enter, Decide and Apply/invalid entries, far times and forged results", Run: func(t *testing.T) {
			d := newDraw(t, sweepPool())
			_, err := d.Enter(entry("", "lin"), sweep.Now)
			sweep.WantInvalid(t, err)
			_, err = d.Enter(entry("k", ""), sweep.Now)
			sweep.WantInvalid(t, err)
			_, err = d.Enter(entry("k", "lin"), time.Time{})
			sweep.WantInvalid(t, err)
			for i, at := range []time.Time{sweep.YearOne, sweep.Now, sweep.Year9999, sweep.YearOne} {
				key := fmt.Sprint("k", i)
				if _, err := d.Enter(entry(key, "lin"), at); err != nil && !errors.Is(err, draw.ErrLimit) && !errors.Is(err, draw.ErrSoldOut) {
					t.Errorf("Enter at %v = %v", at, err)
				}
				if _, err := d.Decide(entry(key+"d", "wei"), at); err != nil && !errors.Is(err, draw.ErrLimit) {
					t.Errorf("Decide at %v = %v", at, err)
				}
			}
			for _, r := range []draw.Result{{}, {Seq: math.MaxInt64, Key: "x", Member: "lin", Time: sweep.Now}, {Seq: math.MinInt64}, {Seq: 5, Key: "x", Member: "lin", Time: sweep.Year9999, Prize: "nowhere", Pity: math.MaxInt64}} {
				if err := d.Apply(r); !errors.Is(err, qun.ErrInvalid) {
					t.Errorf("Apply(%+v) = %v", r, err)
				}
			}
		}},
		{Name: "Odds, Commit and Verify/zero, extreme and unknown", Run: func(t *testing.T) {
			for _, p := range []draw.Pool{{}, {Prizes: []draw.Prize{{Weight: math.MaxInt64}, {Weight: math.MaxInt64, Stock: -1}}, Blank: math.MinInt64, Pity: &draw.Pity{After: math.MaxInt64, Prizes: []string{"nowhere"}}}} {
				o := p.Odds()
				for _, po := range o.Prizes {
					if math.IsNaN(po.Overall) && p.Pity == nil {
						t.Errorf("odds %+v", o)
					}
				}
			}
			_, err := draw.Commit(draw.Pool{}, draw.Reveal{})
			sweep.WantInvalid(t, err)
			_, err = draw.Commit(sweepPool(), draw.Reveal{Salt: draw.Salt("short")})
			sweep.WantInvalid(t, err)
			sweep.WantInvalid(t, draw.Commitment{}.Check(sweepPool(), draw.Reveal{}))
			sweep.WantInvalid(t, draw.Verify(draw.Pool{}, draw.Commitment{}, draw.Reveal{}, nil))
			if _, err := draw.Fingerprint(draw.Pool{}); err != nil {
				t.Errorf("Fingerprint(zero Pool) = %v", err)
			}
		}},
		{Name: "text/zero, short and unknown", Run: func(t *testing.T) {
			var s draw.Seed
			sweep.WantInvalid(t, s.UnmarshalText(nil))
			sweep.WantInvalid(t, s.UnmarshalText([]byte("zz")))
			var salt draw.Salt
			sweep.WantInvalid(t, salt.UnmarshalText([]byte("z")))
			_, err := draw.StockOut(200).MarshalText()
			sweep.WantInvalid(t, err)
			if draw.StockOut(200).String() == "" {
				t.Error("an empty name")
			}
			var so draw.StockOut
			sweep.WantInvalid(t, so.UnmarshalText([]byte("x")))
			sweep.WantInvalid(t, draw.Prize{}.Validate())
			sweep.WantInvalid(t, draw.Points{}.Validate())
		}},
	})
}

// TestZeroSweepJSON reads garbage into every type with a strict JSON form,
// and validates the zero value of every type with a Validate method: no
// panic, and every refusal matches qun.ErrInvalid.
func TestZeroSweepJSON(t *testing.T) {
	decoders := []json.Unmarshaler{
		new(draw.Commitment),
		new(draw.Entry),
		new(draw.Limit),
		new(draw.Pity),
		new(draw.Points),
		new(draw.Pool),
		new(draw.Prize),
		new(draw.Reveal),
	}
	validators := []interface{ Validate() error }{
		draw.Points{},
		draw.Pool{},
		draw.Prize{},
	}
	sweep.JSON(t, decoders, validators)
}

func TestZeroSweepGrow(t *testing.T) {
	sweep.Run(t, []sweep.Case{
		{Name: "Grow/extreme", Run: func(t *testing.T) {
			d := newDraw(t, sweepPool())
			d.Grow(math.MaxInt)
			if _, err := d.Enter(entry("k", "lin"), sweep.Now); err != nil {
				t.Error(err)
			}
		}},
	})
}
