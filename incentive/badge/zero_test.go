package badge_test

import (
	"encoding/json"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive/badge"
	"github.com/qunkit/qun/internal/sweep"
)

// The zero-value sweep: every exported entry point of the package, called
// with the zero value of its receiver (a type that should have been made
// with its constructor or Compile), nil and empty arguments, extreme
// counts and times, and names it does not know. None may panic or hang;
// each returns what its doc comment promises.

// oddHoldings are holdings as a damaged store might hold them.
func oddHoldings() []badge.Holding {
	var out []badge.Holding
	for _, id := range []string{"first-post", "reader", "weekly-champion", "on-fire", "regular", "nowhere", ""} {
		out = append(out,
			badge.Holding{Badge: id, Grade: math.MaxInt, Grants: math.MaxInt, Granted: math.MinInt, Held: true, Period: qun.Period{Grain: 200}, Since: sweep.Year9999},
			badge.Holding{Badge: id, Grade: math.MinInt, Grants: math.MinInt, Granted: math.MaxInt},
		)
	}
	return out
}

func TestZeroSweepBadge(t *testing.T) {
	facts := []badge.Facts{
		{},
		{Counters: map[string]int64{"posts": math.MaxInt64, "books": math.MinInt64}, Streaks: map[string]badge.StreakFact{"check-in": {Current: math.MaxInt64, Longest: math.MinInt64}},
			Ranks: map[string]int64{"weekly-reading": math.MinInt64}, Firsts: map[string]int64{"join": math.MaxInt64}, Tags: []string{"kol", ""}},
	}
	sweep.Run(t, []sweep.Case{
		{Name: "Compile/zero and extreme sets", Run: func(t *testing.T) {
			if _, err := badge.Compile(badge.Set{}); err != nil {
				t.Errorf("Compile(no badges) = %v", err)
			}
			s := set()
			s.Badges[2].Limit = math.MinInt
			s.Badges[1].Grades = append(s.Badges[1].Grades, make([]badge.Grade, 20)...)
			s.Badges[0].Grades[0].Criteria[0].Min = math.MinInt64
			_, err := badge.Compile(s)
			sweep.WantInvalid(t, err)
			_, err = badge.Parse(nil)
			sweep.WantInvalid(t, err)
			sweep.WantInvalid(t, badge.Criterion{}.Validate())
			sweep.WantInvalid(t, badge.Badge{}.Validate())
		}},
		{Name: "zero Engine", Run: func(t *testing.T) {
			var e badge.Engine
			hs, d := e.Evaluate(oddHoldings(), facts[1], sweep.Now)
			if len(hs) != len(oddHoldings()) || len(d.Grants)+len(d.Revokes) != 0 {
				t.Errorf("Evaluate of the zero Engine = %v, %+v", hs, d)
			}
			_, _, err := e.Grant(nil, "reader", sweep.Now)
			sweep.WantInvalid(t, err)
			_, _, err = e.Revoke(nil, "reader", sweep.Now)
			sweep.WantInvalid(t, err)
			if len(e.Set().Badges) != 0 {
				t.Error("the zero Engine has badges")
			}
		}},
		{Name: "Evaluate, Grant and Revoke/odd holdings, extreme facts and far times", Run: func(t *testing.T) {
			e := compile(t)
			for _, now := range []time.Time{{}, sweep.YearOne, sweep.Year9999} {
				for _, f := range facts {
					e.Evaluate(oddHoldings(), f, now)
					e.Evaluate(nil, f, now)
					for _, odd := range oddHoldings() {
						hs, _ := e.Evaluate([]badge.Holding{odd}, f, now)
						if h := hs[0]; h != odd && (h.Grade < 0 || h.Grants < 0 || h.Granted < 0) {
							t.Errorf("Evaluate(%+v) = %+v", odd, h)
						}
					}
				}
				for _, id := range []string{"first-post", "reader", "weekly-champion", "on-fire", "regular"} {
					if _, _, err := e.Grant(oddHoldings(), id, now); err != nil {
						t.Errorf("Grant(%s) = %v", id, err)
					}
					if _, d, err := e.Revoke(oddHoldings(), id, now); err != nil && !errors.Is(err, qun.ErrInvalid) {
						t.Errorf("Revoke(%s) = %v", id, err)
					} else if len(d.Revokes) > 1<<20 {
						t.Errorf("Revoke(%s) lists %d revocations", id, len(d.Revokes))
					}
				}
			}
			_, _, err := e.Revoke([]badge.Holding{{Badge: "on-fire", Grants: math.MaxInt}}, "on-fire", sweep.Now)
			sweep.WantInvalid(t, err)
			_, d, err := e.Revoke([]badge.Holding{{Badge: "on-fire", Grants: 3}}, "on-fire", sweep.Now)
			if err != nil || len(d.Revokes) != 3 {
				t.Errorf("Revoke(3 grants) = %+v, %v", d, err)
			}
			_, _, err = e.Grant(nil, "", sweep.Now)
			sweep.WantInvalid(t, err)
			_, _, err = e.Revoke(nil, "nowhere", sweep.Now)
			sweep.WantInvalid(t, err)
		}},
		{Name: "Criterion.Holds/nil facts", Run: func(t *testing.T) {
			for _, c := range []badge.Criterion{{}, {Counter: "x", Min: math.MinInt64}, {Rank: "x", Top: math.MaxInt64}, {Tag: "x"}} {
				c.Holds(badge.Facts{})
			}
			if (badge.Criterion{}).Holds(facts[1]) {
				t.Error("the zero Criterion holds")
			}
		}},
		{Name: "Census/zero value, odd holdings, extreme counts", Run: func(t *testing.T) {
			var c badge.Census
			if c.Rarity("reader", 1) != 0 || len(c.Rarities()) != 0 {
				t.Error("the zero Census counts someone")
			}
			c.Count([]badge.Holding{{Badge: "reader", Grade: math.MaxInt}})
			if len(c.Holders) != 10 {
				t.Errorf("a holding of grade 2^63−1 counts at %d levels, want the 10 a badge can have", len(c.Holders))
			}
			c = badge.Census{}
			c.Count(oddHoldings())
			c.Change(oddHoldings(), nil)
			c.Change(nil, oddHoldings())
			c.Leave(oddHoldings())
			c.Leave(nil)
			c.Count(nil)
			for _, r := range c.Rarities() {
				if math.IsNaN(r.Share) {
					t.Errorf("rarity %+v", r)
				}
			}
			big := badge.Census{Members: math.MinInt64, Holders: map[badge.Level]int64{{Badge: "x", Level: 1}: math.MaxInt64}}
			if r := big.Rarity("x", 1); math.IsNaN(r) {
				t.Error("a NaN rarity")
			}
		}},
	})
}

// TestZeroSweepJSON reads garbage into every type with a strict JSON form,
// and validates the zero value of every type with a Validate method: no
// panic, and every refusal matches qun.ErrInvalid.
func TestZeroSweepJSON(t *testing.T) {
	decoders := []json.Unmarshaler{
		new(badge.Holding),
		new(badge.Set),
	}
	validators := []interface{ Validate() error }{
		badge.Badge{},
		badge.Criterion{},
		badge.Set{},
	}
	sweep.JSON(t, decoders, validators)
}
