package draw_test

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
	"github.com/qunkit/qun/incentive/draw"
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
	sweep(t, []sweepCase{
		{"New/zero and extreme pools", func(t *testing.T) {
			_, err := draw.New("", draw.Pool{}, draw.Seed{})
			wantInvalid(t, err)
			p := sweepPool()
			p.Prizes[0].Weight = math.MaxInt64
			p.Prizes[1].Weight = math.MinInt64
			p.Blank = math.MaxInt64
			p.Limits[0].Entries = math.MinInt64
			p.Pity.After = math.MinInt64
			_, err = draw.New("wine-club", p, draw.Seed{})
			wantInvalid(t, err)
			_, err = draw.ParsePool(nil)
			wantInvalid(t, err)
		}},
		{"zero Draw/Enter, Decide and Apply", func(t *testing.T) {
			var d draw.Draw
			_, err := d.Enter(entry("k", "lin"), nowSweep)
			wantInvalid(t, err)
			if errors.Is(err, draw.ErrSoldOut) {
				t.Errorf("the zero Draw says it is sold out: %v", err)
			}
			_, err = d.Decide(entry("k", "lin"), nowSweep)
			wantInvalid(t, err)
			wantInvalid(t, d.Apply(draw.Result{Seq: 1, Key: "k", Member: "lin", Time: nowSweep}))
		}},
		{"zero Draw/reads", func(t *testing.T) {
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
		{"Enter, Decide and Apply/invalid entries, far times and forged results", func(t *testing.T) {
			d := newDraw(t, sweepPool())
			_, err := d.Enter(entry("", "lin"), nowSweep)
			wantInvalid(t, err)
			_, err = d.Enter(entry("k", ""), nowSweep)
			wantInvalid(t, err)
			_, err = d.Enter(entry("k", "lin"), time.Time{})
			wantInvalid(t, err)
			for i, at := range []time.Time{yearOne, nowSweep, year9999, yearOne} {
				key := fmt.Sprint("k", i)
				if _, err := d.Enter(entry(key, "lin"), at); err != nil && !errors.Is(err, draw.ErrLimit) && !errors.Is(err, draw.ErrSoldOut) {
					t.Errorf("Enter at %v = %v", at, err)
				}
				if _, err := d.Decide(entry(key+"d", "wei"), at); err != nil && !errors.Is(err, draw.ErrLimit) {
					t.Errorf("Decide at %v = %v", at, err)
				}
			}
			for _, r := range []draw.Result{{}, {Seq: math.MaxInt64, Key: "x", Member: "lin", Time: nowSweep}, {Seq: math.MinInt64}, {Seq: 5, Key: "x", Member: "lin", Time: year9999, Prize: "nowhere", Pity: math.MaxInt64}} {
				if err := d.Apply(r); !errors.Is(err, qun.ErrInvalid) {
					t.Errorf("Apply(%+v) = %v", r, err)
				}
			}
		}},
		{"Odds, Commit and Verify/zero, extreme and unknown", func(t *testing.T) {
			for _, p := range []draw.Pool{{}, {Prizes: []draw.Prize{{Weight: math.MaxInt64}, {Weight: math.MaxInt64, Stock: -1}}, Blank: math.MinInt64, Pity: &draw.Pity{After: math.MaxInt64, Prizes: []string{"nowhere"}}}} {
				o := p.Odds()
				for _, po := range o.Prizes {
					if math.IsNaN(po.Overall) && p.Pity == nil {
						t.Errorf("odds %+v", o)
					}
				}
			}
			_, err := draw.Commit(draw.Pool{}, draw.Reveal{})
			wantInvalid(t, err)
			_, err = draw.Commit(sweepPool(), draw.Reveal{Salt: draw.Salt("short")})
			wantInvalid(t, err)
			wantInvalid(t, draw.Commitment{}.Check(sweepPool(), draw.Reveal{}))
			wantInvalid(t, draw.Verify(draw.Pool{}, draw.Commitment{}, draw.Reveal{}, nil))
			if _, err := draw.Fingerprint(draw.Pool{}); err != nil {
				t.Errorf("Fingerprint(zero Pool) = %v", err)
			}
		}},
		{"text/zero, short and unknown", func(t *testing.T) {
			var s draw.Seed
			wantInvalid(t, s.UnmarshalText(nil))
			wantInvalid(t, s.UnmarshalText([]byte("zz")))
			var salt draw.Salt
			wantInvalid(t, salt.UnmarshalText([]byte("z")))
			_, err := draw.StockOut(200).MarshalText()
			wantInvalid(t, err)
			if draw.StockOut(200).String() == "" {
				t.Error("an empty name")
			}
			var so draw.StockOut
			wantInvalid(t, so.UnmarshalText([]byte("x")))
			wantInvalid(t, draw.Prize{}.Validate())
			wantInvalid(t, draw.Points{}.Validate())
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
			d := newDraw(t, sweepPool())
			d.Grow(math.MaxInt)
			if _, err := d.Enter(entry("k", "lin"), nowSweep); err != nil {
				t.Error(err)
			}
		}},
	})
}
