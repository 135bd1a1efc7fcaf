package quest_test

import (
	"encoding/json"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/incentive/quest"
	"github.com/qunkit/qun/internal/sweep"
)

// The zero-value sweep: every exported entry point of the package, called
// with the zero value of its receiver (a type that should have been made
// with its constructor or Compile), nil and empty arguments, extreme
// counts and times, and names it does not know. None may panic or hang;
// each returns what its doc comment promises.

// oddProgress is progress as a damaged store might hold it.
func oddProgress() []quest.Progress {
	var out []quest.Progress
	for _, id := range []string{"newcomer", "daily-reader", "weekly-voice", "challenge"} {
		out = append(out,
			quest.Progress{Quest: id, Started: sweep.YearOne, Counts: []int{math.MaxInt, math.MinInt, 7}, Completions: math.MaxInt, Period: qun.Period{Grain: 200}},
			quest.Progress{Quest: id, Started: sweep.Year9999, Counts: []int{-1}, Completions: math.MinInt, Done: true, Failed: true, Seen: []string{""}},
			quest.Progress{Quest: id, Period: qun.Period{Grain: qun.Day, First: qun.Date{Year: 9999, Month: 12, Day: 31}}},
		)
	}
	return append(out, quest.Progress{Quest: "nowhere"}, quest.Progress{})
}

func TestZeroSweepQuest(t *testing.T) {
	read := qun.Event{ID: "e", Member: "lin", Name: "read", Time: sweep.Now}
	sweep.Run(t, []sweep.Case{
		{Name: "Compile/zero and extreme centers", Run: func(t *testing.T) {
			if _, err := quest.Compile(quest.Center{}); err != nil {
				t.Errorf("Compile(no quests) = %v", err)
			}
			c := center()
			c.Quests[0].Within = math.MinInt64
			c.Quests[1].Limit = math.MinInt
			c.Quests[1].Steps[0].Count = math.MaxInt
			c.Quests[2].Repeat = 200
			_, err := quest.Compile(c)
			sweep.WantInvalid(t, err)
			_, err = quest.Parse(nil)
			sweep.WantInvalid(t, err)
		}},
		{Name: "zero Engine", Run: func(t *testing.T) {
			var e quest.Engine
			_, err := e.Start("newcomer", sweep.Now, calSH)
			if !errors.Is(err, quest.ErrUnknownQuest) {
				t.Errorf("Start = %v", err)
			}
			_, err = e.Status(quest.Progress{Quest: "newcomer"}, sweep.Now, calSH)
			if !errors.Is(err, quest.ErrUnknownQuest) {
				t.Errorf("Status = %v", err)
			}
			_, _, err = e.Apply(nil, read, calSH)
			sweep.WantInvalid(t, err)
			if len(e.Center().Quests) != 0 {
				t.Error("the zero Engine has quests")
			}
		}},
		{Name: "Start and Status/unknown quest, zero and far times", Run: func(t *testing.T) {
			e := compile(t)
			_, err := e.Start("nowhere", sweep.Now, calSH)
			sweep.WantInvalid(t, err)
			_, err = e.Status(quest.Progress{}, sweep.Now, calSH)
			sweep.WantInvalid(t, err)
			for _, now := range []time.Time{{}, sweep.YearOne, sweep.Year9999} {
				for _, id := range []string{"newcomer", "daily-reader", "weekly-voice", "challenge"} {
					p, err := e.Start(id, now, calSH)
					if err != nil {
						t.Fatal(err)
					}
					if _, err := e.Status(p, now, calNY); err != nil {
						t.Error(err)
					}
				}
				for _, p := range oddProgress()[:12] {
					st, err := e.Status(p, now, calSH)
					if err != nil {
						t.Error(err)
					}
					for _, s := range st.Steps {
						if s.Count < 0 || s.Count > s.Target {
							t.Errorf("Status(%+v) step %+v", p, s)
						}
					}
				}
			}
		}},
		{Name: "Apply/nil, odd progress, invalid events and far times", Run: func(t *testing.T) {
			e := compile(t)
			_, _, err := e.Apply(nil, qun.Event{}, calSH)
			sweep.WantInvalid(t, err)
			ps, d, err := e.Apply(nil, read, qun.Calendar{})
			if err != nil || len(ps) != 1 || len(d.Steps) != 1 {
				t.Errorf("Apply(nil progress) = %v, %+v, %v", ps, d, err)
			}
			for _, at := range []time.Time{sweep.YearOne, sweep.Now, sweep.Year9999} {
				for _, name := range []string{"read", "post", "like", "reply"} {
					ev := qun.Event{Member: "lin", Name: name, Time: at}
					in := oddProgress()
					out, _, err := e.Apply(in, ev, calSH)
					if err != nil {
						t.Fatal(err)
					}
					for i, p := range out {
						if p.Completions < 0 && (i >= len(in) || p.Completions != in[i].Completions) {
							t.Errorf("Apply(%s at %v): %d completions", name, at, p.Completions)
						}
					}
				}
			}
		}},
		{Name: "Repeat/text", Run: func(t *testing.T) {
			_, err := quest.Repeat(200).MarshalText()
			sweep.WantInvalid(t, err)
			var r quest.Repeat
			if err := r.UnmarshalText(nil); err != nil || r != quest.Once {
				t.Errorf("UnmarshalText(nil) = %v, %v; want Once, as documented", r, err)
			}
			sweep.WantInvalid(t, r.UnmarshalText([]byte("hourly")))
			if quest.Repeat(200).IsValid() || quest.Repeat(200).String() == "" {
				t.Error("Repeat(200)")
			}
		}},
	})
}

// TestZeroSweepJSON reads garbage into every type with a strict JSON form,
// and validates the zero value of every type with a Validate method: no
// panic, and every refusal matches qun.ErrInvalid.
func TestZeroSweepJSON(t *testing.T) {
	decoders := []json.Unmarshaler{
		new(quest.Center),
		new(quest.Progress),
	}
	validators := []interface{ Validate() error }{
		quest.Center{},
		quest.Quest{},
	}
	sweep.JSON(t, decoders, validators)
}
