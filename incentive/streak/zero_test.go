package streak_test

import (
	"encoding/json"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive/streak"
	"github.com/qunkit/qun/internal/sweep"
)

// The zero-value sweep: every exported entry point of the package, called
// with the zero value of its receiver (a type that should have been made
// with its constructor or Compile), nil and empty arguments, extreme
// counts and times, and names it does not know. None may panic or hang;
// each returns what its doc comment promises.

// oddStates are streak states as a damaged store might hold them.
func oddStates() []streak.State {
	far := qun.Date{Year: 9999, Month: 12, Day: 31}
	first := qun.Date{Year: 1, Month: 1, Day: 1}
	return []streak.State{
		{},
		{Runs: []streak.Run{{}}},
		{Runs: []streak.Run{{From: far, To: first, Days: math.MinInt}}, Longest: math.MinInt, Total: math.MaxInt, Freezes: math.MaxInt, MakeUps: math.MinInt},
		{Runs: []streak.Run{{From: first, To: far, Days: math.MaxInt}}, Freezes: math.MinInt, MakeUps: math.MaxInt, Used: streak.Used{Count: math.MaxInt}},
		{Runs: []streak.Run{{From: far, To: far, Days: 1}, {From: first, To: first, Days: 1}}, Reached: []streak.Reached{{Day: 3, On: far}, {Day: math.MaxInt}}},
		{Zone: newYork, Runs: []streak.Run{{From: date(2026, 11, 20), To: date(2026, 11, 22), Days: 3}}, MakeUps: 2},
	}
}

func TestZeroSweepStreak(t *testing.T) {
	sweep.Run(t, []sweep.Case{
		{Name: "Compile/zero and extreme rules", Run: func(t *testing.T) {
			_, err := streak.Compile(streak.Rules{})
			sweep.WantInvalid(t, err)
			r := rules()
			r.Freezes.MaxHeld = math.MaxInt
			r.MakeUps = streak.MakeUps{MaxHeld: math.MinInt, DaysBack: math.MaxInt, Limit: -1, Per: 200}
			r.Milestones = append(r.Milestones, streak.Milestone{Day: math.MaxInt}, streak.Milestone{Day: math.MinInt})
			_, err = streak.Compile(r)
			sweep.WantInvalid(t, err)
			_, err = streak.ParseRules(nil)
			sweep.WantInvalid(t, err)
		}},
		{Name: "zero Engine/CheckIn and MakeUp", Run: func(t *testing.T) {
			var e streak.Engine
			_, _, err := e.CheckIn(streak.State{}, "lin", sweep.Now, shanghai)
			sweep.WantInvalid(t, err)
			_, _, err = e.MakeUp(streak.State{MakeUps: 1}, "lin", date(2026, 11, 22), sweep.Now, shanghai)
			sweep.WantInvalid(t, err)
		}},
		{Name: "zero Engine/Status, grants and rules", Run: func(t *testing.T) {
			var e streak.Engine
			if st := e.Status(streak.State{}, sweep.Now, qun.Zone{}); st != (streak.Status{}) {
				t.Errorf("Status = %+v", st)
			}
			if _, n := e.GrantFreezes(streak.State{}, math.MaxInt); n != 0 {
				t.Errorf("the zero Engine granted %d freezes", n)
			}
			if _, n := e.GrantMakeUps(streak.State{}, math.MaxInt); n != 0 {
				t.Errorf("the zero Engine granted %d make-ups", n)
			}
			if e.Rules().ID != "" {
				t.Error("the zero Engine has rules")
			}
		}},
		{Name: "CheckIn/invalid member and zero time", Run: func(t *testing.T) {
			e := compile(t, rules())
			_, _, err := e.CheckIn(streak.State{}, "", sweep.Now, shanghai)
			sweep.WantInvalid(t, err)
			_, _, err = e.CheckIn(streak.State{}, "lin", time.Time{}, shanghai)
			sweep.WantInvalid(t, err)
		}},
		{Name: "CheckIn, MakeUp and Status/odd states and far times", Run: func(t *testing.T) {
			e := compile(t, rules())
			for _, s := range oddStates() {
				for _, at := range []time.Time{sweep.YearOne, sweep.Now, sweep.Year9999} {
					for _, z := range []qun.Zone{{}, shanghai, sydney} {
						ns, res, err := e.CheckIn(s, "lin", at, z)
						if err != nil {
							t.Fatalf("CheckIn(%+v, %v) = %v", s, at, err)
						}
						if res.Current < 0 || ns.Current() < 0 {
							t.Errorf("CheckIn(%+v, %v): a negative streak %d", s, at, res.Current)
						}
						e.Status(s, at, z)
						e.GrantFreezes(s, math.MaxInt)
						e.GrantMakeUps(s, math.MinInt)
						for _, day := range []qun.Date{{}, {Year: 1, Month: 1, Day: 1}, date(2026, 11, 21), {Year: 9999, Month: 12, Day: 30}} {
							_, _, err := e.MakeUp(s, "lin", day, at, z)
							if err != nil && !errors.Is(err, qun.ErrInvalid) && !errors.Is(err, streak.ErrNoMakeUps) &&
								!errors.Is(err, streak.ErrTooFarBack) && !errors.Is(err, streak.ErrNotMissed) && !errors.Is(err, streak.ErrMakeUpLimit) {
								t.Errorf("MakeUp(%+v, %v, %v) = %v", s, day, at, err)
							}
						}
					}
				}
			}
		}},
		{Name: "MakeUp/invalid member, day and time", Run: func(t *testing.T) {
			e := compile(t, rules())
			_, _, err := e.MakeUp(streak.State{MakeUps: 1}, "", date(2026, 11, 22), sweep.Now, shanghai)
			sweep.WantInvalid(t, err)
			_, _, err = e.MakeUp(streak.State{MakeUps: 1}, "lin", qun.Date{Year: 2026, Month: 13, Day: 40}, sweep.Now, shanghai)
			sweep.WantInvalid(t, err)
			_, _, err = e.MakeUp(streak.State{MakeUps: 1}, "lin", date(2026, 11, 22), time.Time{}, shanghai)
			sweep.WantInvalid(t, err)
		}},
	})
}

func TestZeroSweepPlan(t *testing.T) {
	ev := event("e1", "check_in", date(2026, 11, 16), 9)
	sweep.Run(t, []sweep.Case{
		{Name: "CompilePlan/zero and extreme plans", Run: func(t *testing.T) {
			_, err := streak.CompilePlan(streak.Plan{})
			sweep.WantInvalid(t, err)
			p := growthPlan(false)
			p.Days[0].Tasks[0].Count = math.MaxInt
			p.Days = append(p.Days, make([]streak.PlanDay, 400)...)
			_, err = streak.CompilePlan(p)
			sweep.WantInvalid(t, err)
			_, err = streak.ParsePlan(nil)
			sweep.WantInvalid(t, err)
		}},
		{Name: "zero PlanEngine", Run: func(t *testing.T) {
			var c streak.PlanEngine
			_, _, err := c.Apply(c.Start(date(2026, 11, 16), shanghai), ev)
			sweep.WantInvalid(t, err)
			_, err = c.Status(streak.Progress{}, sweep.Now)
			sweep.WantInvalid(t, err)
			if c.Plan().ID != "" {
				t.Error("the zero PlanEngine has a plan")
			}
		}},
		{Name: "Apply and Status/odd progress and far times", Run: func(t *testing.T) {
			c := compilePlan(t, growthPlan(true))
			_, _, err := c.Apply(streak.Progress{}, ev)
			sweep.WantInvalid(t, err)
			_, _, err = c.Apply(c.Start(date(2026, 11, 16), shanghai), qun.Event{})
			sweep.WantInvalid(t, err)
			odd := c.Start(date(2026, 11, 16), shanghai)
			odd.Counts[0][0] = math.MinInt
			odd.Counts[1][1] = math.MaxInt
			_, _, err = c.Apply(streak.Progress{Plan: "growth", Counts: [][]int{{0}, {0}, {0, 0, 0}}}, ev)
			sweep.WantInvalid(t, err)
			for _, start := range []qun.Date{{}, {Year: 1, Month: 1, Day: 1}, {Year: 9999, Month: 12, Day: 31}, date(2026, 11, 16)} {
				for _, at := range []time.Time{sweep.YearOne, sweep.Now, sweep.Year9999} {
					pr := c.Start(start, shanghai)
					e := ev
					e.Time = at
					if _, _, err := c.Apply(pr, e); err != nil {
						t.Errorf("Apply at %v from %v = %v", at, start, err)
					}
					if _, _, err := c.Apply(odd, e); err != nil {
						t.Errorf("Apply(odd) = %v", err)
					}
					st, err := c.Status(pr, at)
					if err != nil || st.Today < 0 || st.Today > 4 {
						t.Errorf("Status at %v from %v = %+v, %v", at, start, st, err)
					}
				}
			}
		}},
	})
}

// TestZeroSweepJSON reads garbage into every type with a strict JSON form,
// and validates the zero value of every type with a Validate method: no
// panic, and every refusal matches qun.ErrInvalid.
func TestZeroSweepJSON(t *testing.T) {
	decoders := []json.Unmarshaler{
		new(streak.Plan),
		new(streak.Progress),
		new(streak.Rules),
		new(streak.State),
	}
	validators := []interface{ Validate() error }{
		streak.Plan{},
		streak.Rules{},
	}
	sweep.JSON(t, decoders, validators)
}
