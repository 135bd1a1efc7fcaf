package board_test

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
	"github.com/qunkit/qun/incentive/board"
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

func TestZeroSweepBoard(t *testing.T) {
	sweep(t, []sweepCase{
		{"New/zero and extreme configs", func(t *testing.T) {
			_, err := board.New(board.Config{})
			wantInvalid(t, err)
			_, err = board.New(board.Config{ID: "b", Period: 200, Scale: math.MaxInt32, Ranking: 200, Teams: 200, Keep: math.MaxInt})
			wantInvalid(t, err)
			_, err = board.ParseConfig(nil)
			wantInvalid(t, err)
		}},
		{"zero Board/updates", func(t *testing.T) {
			var b board.Board
			_, err := b.Ref("lin")
			wantInvalid(t, err)
			wantInvalid(t, b.Add("lin", 1, nowSweep))
			wantInvalid(t, b.Set("lin", 1, nowSweep))
			wantInvalid(t, b.AddScore("lin", decimal.NewFromInt(1), nowSweep))
			wantInvalid(t, b.SetScore("lin", decimal.NewFromInt(1), nowSweep))
			wantInvalid(t, b.AddRef(0, 1, nowSweep))
			wantInvalid(t, b.SetRef(0, 1, nowSweep))
			wantInvalid(t, b.Join("lin", "red", nowSweep))
		}},
		{"zero Board/reads", func(t *testing.T) {
			var b board.Board
			b.Leave("lin", nowSweep)
			b.Remove("lin", nowSweep)
			if _, ok := b.Team("lin"); ok {
				t.Error("a team")
			}
			if _, ok := b.Member(0); ok {
				t.Error("a member")
			}
			if len(b.Periods()) != 0 || b.At(nowSweep) != nil || b.TeamsAt(nowSweep) != nil || b.Standings(qun.Period{}) != nil || b.Teams(qun.Period{}) != nil {
				t.Error("standings")
			}
			if b.PeriodOf(nowSweep) != (qun.Period{}) || b.Config().ID != "" {
				t.Error("a period or a config")
			}
		}},
		{"Standings/nil and zero value", func(t *testing.T) {
			for _, s := range []*board.Standings{nil, new(board.Standings)} {
				if s.Len() != 0 || s.Top(10) != nil || s.Range(math.MinInt, math.MaxInt) != nil || s.Around("lin", math.MaxInt) != nil {
					t.Errorf("standings %v hold entries", s)
				}
				if _, ok := s.Lookup("lin"); ok {
					t.Error("Lookup")
				}
				if _, ok := s.Rank("lin"); ok {
					t.Error("Rank")
				}
				if _, ok := s.RankOf(0); ok {
					t.Error("RankOf")
				}
				if _, ok := s.Period(); ok {
					t.Error("Period")
				}
				for range s.All() {
					t.Error("All yields")
				}
			}
		}},
		{"updates/extreme values, unknown refs and far times", func(t *testing.T) {
			for _, c := range []board.Config{
				{ID: "b"},
				{ID: "w", Period: qun.Week, Calendar: calSH, Ranking: board.Dense, Teams: board.Average, Scale: board.MaxScale, Keep: 1000},
				{ID: "d", Period: qun.Day, Ranking: board.Row, Keep: 1},
			} {
				b := mustBoard(t, c)
				wantInvalid(t, b.Add("", 1, nowSweep))
				wantInvalid(t, b.Add("lin", 1, time.Time{}))
				wantInvalid(t, b.AddRef(-1, 1, nowSweep))
				wantInvalid(t, b.AddRef(math.MaxInt32, 1, nowSweep))
				wantInvalid(t, b.Join("lin", "", nowSweep))
				wantInvalid(t, b.AddScore("lin", decimal.New(1, 100), nowSweep))
				wantInvalid(t, b.AddScore("lin", decimal.New(1, -100), nowSweep))
				for _, at := range []time.Time{yearOne, nowSweep, year9999} {
					for _, step := range []func() error{
						func() error { return b.Join("lin", "red", at) },
						func() error { return b.Join("max", "red", at) },
						func() error { return b.Add("lin", math.MaxInt64, at) },
						func() error { return b.Add("lin", math.MaxInt64, at) },
						func() error { return b.Set("max", math.MaxInt64, at) },
						func() error { return b.Set("min", math.MinInt64, at) },
						func() error { return b.Join("min", "red", at) },
						func() error { return b.Add("min", math.MinInt64, at) },
						func() error { return b.SetScore("lin", decimal.New(-1, 9), at) },
					} {
						if err := step(); err != nil && !errors.Is(err, qun.ErrInvalid) && !errors.Is(err, board.ErrClosed) {
							t.Errorf("%s at %v: %v", c.ID, at, err)
						}
					}
					for _, s := range []*board.Standings{b.At(at), b.TeamsAt(at)} {
						for _, e := range s.Top(math.MaxInt) {
							e.Score()
						}
						if _, ok := s.Lookup("lin"); ok && len(s.Around("lin", math.MaxInt)) != s.Len() {
							t.Errorf("Around(lin, 2^63−1) = %d entries, want all %d", len(s.Around("lin", math.MaxInt)), s.Len())
						}
						s.Around("lin", math.MinInt)
						s.Range(math.MaxInt, math.MaxInt)
					}
				}
				b.Leave("lin", year9999)
				b.Remove("max", yearOne)
				b.Remove("nowhere", nowSweep)
				b.Periods()
			}
		}},
		{"Entry.Score and text/extreme and unknown", func(t *testing.T) {
			for _, e := range []board.Entry{{}, {Units: math.MinInt64, Size: math.MaxInt64, Scale: math.MaxInt32}, {Units: math.MaxInt64, Size: -1, Scale: math.MinInt32}} {
				e.Score()
			}
			_, err := board.Ranking(200).MarshalText()
			wantInvalid(t, err)
			_, err = board.Aggregate(200).MarshalText()
			wantInvalid(t, err)
			var r board.Ranking
			wantInvalid(t, r.UnmarshalText([]byte("x")))
			var a board.Aggregate
			wantInvalid(t, a.UnmarshalText([]byte("x")))
			if board.Ranking(200).IsValid() || board.Aggregate(200).IsValid() || board.Ranking(200).String() == "" || board.Aggregate(200).String() == "" {
				t.Error("an empty name")
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
		new(board.Config),
	}
	validators := []interface{ Validate() error }{
		board.Config{},
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
