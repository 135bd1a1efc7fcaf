package board_test

import (
	"encoding/json"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive/board"
	"github.com/qunkit/qun/internal/sweep"
	"github.com/shopspring/decimal"
)

// The zero-value sweep: every exported entry point of the package, called
// with the zero value of its receiver (a type that should have been made
// with its constructor or Compile), nil and empty arguments, extreme
// counts and times, and names it does not know. None may panic or hang;
// each returns what its doc comment promises.

func TestZeroSweepBoard(t *testing.T) {
	sweep.Run(t, []sweep.Case{
		{Name: "New/zero and extreme configs", Run: func(t *testing.T) {
			_, err := board.New(board.Config{})
			sweep.WantInvalid(t, err)
			_, err = board.New(board.Config{ID: "b", Period: 200, Scale: math.MaxInt32, Ranking: 200, Teams: 200, Keep: math.MaxInt})
			sweep.WantInvalid(t, err)
			_, err = board.ParseConfig(nil)
			sweep.WantInvalid(t, err)
		}},
		{Name: "zero Board/updates", Run: func(t *testing.T) {
			var b board.Board
			_, err := b.Ref("lin")
			sweep.WantInvalid(t, err)
			sweep.WantInvalid(t, b.Add("lin", 1, sweep.Now))
			sweep.WantInvalid(t, b.Set("lin", 1, sweep.Now))
			sweep.WantInvalid(t, b.AddScore("lin", decimal.NewFromInt(1), sweep.Now))
			sweep.WantInvalid(t, b.SetScore("lin", decimal.NewFromInt(1), sweep.Now))
			sweep.WantInvalid(t, b.AddRef(0, 1, sweep.Now))
			sweep.WantInvalid(t, b.SetRef(0, 1, sweep.Now))
			sweep.WantInvalid(t, b.Join("lin", "red", sweep.Now))
		}},
		{Name: "zero Board/reads", Run: func(t *testing.T) {
			var b board.Board
			b.Leave("lin", sweep.Now)
			b.Remove("lin", sweep.Now)
			if _, ok := b.Team("lin"); ok {
				t.Error("a team")
			}
			if _, ok := b.Member(0); ok {
				t.Error("a member")
			}
			if len(b.Periods()) != 0 || b.At(sweep.Now) != nil || b.TeamsAt(sweep.Now) != nil || b.Standings(qun.Period{}) != nil || b.Teams(qun.Period{}) != nil {
				t.Error("standings")
			}
			if b.PeriodOf(sweep.Now) != (qun.Period{}) || b.Config().ID != "" {
				t.Error("a period or a config")
			}
		}},
		{Name: "Standings/nil and zero value", Run: func(t *testing.T) {
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
		{Name: "updates/extreme values, unknown refs and far times", Run: func(t *testing.T) {
			for _, c := range []board.Config{
				{ID: "b"},
				{ID: "w", Period: qun.Week, Calendar: calSH, Ranking: board.Dense, Teams: board.Average, Scale: board.MaxScale, Keep: 1000},
				{ID: "d", Period: qun.Day, Ranking: board.Row, Keep: 1},
			} {
				b := mustBoard(t, c)
				sweep.WantInvalid(t, b.Add("", 1, sweep.Now))
				sweep.WantInvalid(t, b.Add("lin", 1, time.Time{}))
				sweep.WantInvalid(t, b.AddRef(-1, 1, sweep.Now))
				sweep.WantInvalid(t, b.AddRef(math.MaxInt32, 1, sweep.Now))
				sweep.WantInvalid(t, b.Join("lin", "", sweep.Now))
				sweep.WantInvalid(t, b.AddScore("lin", decimal.New(1, 100), sweep.Now))
				sweep.WantInvalid(t, b.AddScore("lin", decimal.New(1, -100), sweep.Now))
				for _, at := range []time.Time{sweep.YearOne, sweep.Now, sweep.Year9999} {
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
				b.Leave("lin", sweep.Year9999)
				b.Remove("max", sweep.YearOne)
				b.Remove("nowhere", sweep.Now)
				b.Periods()
			}
		}},
		{Name: "Entry.Score and text/extreme and unknown", Run: func(t *testing.T) {
			for _, e := range []board.Entry{{}, {Units: math.MinInt64, Size: math.MaxInt64, Scale: math.MaxInt32}, {Units: math.MaxInt64, Size: -1, Scale: math.MinInt32}} {
				e.Score()
			}
			_, err := board.Ranking(200).MarshalText()
			sweep.WantInvalid(t, err)
			_, err = board.Aggregate(200).MarshalText()
			sweep.WantInvalid(t, err)
			var r board.Ranking
			sweep.WantInvalid(t, r.UnmarshalText([]byte("x")))
			var a board.Aggregate
			sweep.WantInvalid(t, a.UnmarshalText([]byte("x")))
			if board.Ranking(200).IsValid() || board.Aggregate(200).IsValid() || board.Ranking(200).String() == "" || board.Aggregate(200).String() == "" {
				t.Error("an empty name")
			}
		}},
	})
}

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
	sweep.JSON(t, decoders, validators)
}
