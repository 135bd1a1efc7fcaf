package streak_test

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
	"github.com/qunkit/qun/incentive/streak"
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
	sweep(t, []sweepCase{
		{"Compile/zero and extreme rules", func(t *testing.T) {
			_, err := streak.Compile(streak.Rules{})
			wantInvalid(t, err)
			r := rules()
			r.Freezes.MaxHeld = math.MaxInt
			r.MakeUps = streak.MakeUps{MaxHeld: math.MinInt, DaysBack: math.MaxInt, Limit: -1, Per: 200}
			r.Milestones = append(r.Milestones, streak.Milestone{Day: math.MaxInt}, streak.Milestone{Day: math.MinInt})
			_, err = streak.Compile(r)
			wantInvalid(t, err)
			_, err = streak.ParseRules(nil)
			wantInvalid(t, err)
		}},
		{"zero Engine/CheckIn and MakeUp", func(t *testing.T) {
			var e streak.Engine
			_, _, err := e.CheckIn(streak.State{}, "lin", nowSweep, shanghai)
			wantInvalid(t, err)
			_, _, err = e.MakeUp(streak.State{MakeUps: 1}, "lin", date(2026, 11, 22), nowSweep, shanghai)
			wantInvalid(t, err)
		}},
		{"zero Engine/Status, grants and rules", func(t *testing.T) {
			var e streak.Engine
			if st := e.Status(streak.State{}, nowSweep, qun.Zone{}); st != (streak.Status{}) {
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
		{"CheckIn/invalid member and zero time", func(t *testing.T) {
			e := compile(t, rules())
			_, _, err := e.CheckIn(streak.State{}, "", nowSweep, shanghai)
			wantInvalid(t, err)
			_, _, err = e.CheckIn(streak.State{}, "lin", time.Time{}, shanghai)
			wantInvalid(t, err)
		}},
		{"CheckIn, MakeUp and Status/odd states and far times", func(t *testing.T) {
			e := compile(t, rules())
			for _, s := range oddStates() {
				for _, at := range []time.Time{yearOne, nowSweep, year9999} {
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
		{"MakeUp/invalid member, day and time", func(t *testing.T) {
			e := compile(t, rules())
			_, _, err := e.MakeUp(streak.State{MakeUps: 1}, "", date(2026, 11, 22), nowSweep, shanghai)
			wantInvalid(t, err)
			_, _, err = e.MakeUp(streak.State{MakeUps: 1}, "lin", qun.Date{Year: 2026, Month: 13, Day: 40}, nowSweep, shanghai)
			wantInvalid(t, err)
			_, _, err = e.MakeUp(streak.State{MakeUps: 1}, "lin", date(2026, 11, 22), time.Time{}, shanghai)
			wantInvalid(t, err)
		}},
	})
}

func TestZeroSweepPlan(t *testing.T) {
	ev := event("e1", "check_in", date(2026, 11, 16), 9)
	sweep(t, []sweepCase{
		{"CompilePlan/zero and extreme plans", func(t *testing.T) {
			_, err := streak.CompilePlan(streak.Plan{})
			wantInvalid(t, err)
			p := growthPlan(false)
			p.Days[0].Tasks[0].Count = math.MaxInt
			p.Days = append(p.Days, make([]streak.PlanDay, 400)...)
			_, err = streak.CompilePlan(p)
			wantInvalid(t, err)
			_, err = streak.ParsePlan(nil)
			wantInvalid(t, err)
		}},
		{"zero PlanEngine", func(t *testing.T) {
			var c streak.PlanEngine
			_, _, err := c.Apply(c.Start(date(2026, 11, 16), shanghai), ev)
			wantInvalid(t, err)
			_, err = c.Status(streak.Progress{}, nowSweep)
			wantInvalid(t, err)
			if c.Plan().ID != "" {
				t.Error("the zero PlanEngine has a plan")
			}
		}},
		{"Apply and Status/odd progress and far times", func(t *testing.T) {
			c := compilePlan(t, growthPlan(true))
			_, _, err := c.Apply(streak.Progress{}, ev)
			wantInvalid(t, err)
			_, _, err = c.Apply(c.Start(date(2026, 11, 16), shanghai), qun.Event{})
			wantInvalid(t, err)
			odd := c.Start(date(2026, 11, 16), shanghai)
			odd.Counts[0][0] = math.MinInt
			odd.Counts[1][1] = math.MaxInt
			_, _, err = c.Apply(streak.Progress{Plan: "growth", Counts: [][]int{{0}, {0}, {0, 0, 0}}}, ev)
			wantInvalid(t, err)
			for _, start := range []qun.Date{{}, {Year: 1, Month: 1, Day: 1}, {Year: 9999, Month: 12, Day: 31}, date(2026, 11, 16)} {
				for _, at := range []time.Time{yearOne, nowSweep, year9999} {
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

// garbageJSON is text that no configuration or state reads: empty, the
// wrong kind of value, an unknown field, a number beyond float64, cut
// short, and nested far deeper than any real document.
var garbageJSON = []string{"", "[]", `"x"`, "1e999", `{"nowhere":1}`, "{", strings.Repeat("[", 100000), `{"a":` + strings.Repeat(`{"a":`, 100000)}

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
