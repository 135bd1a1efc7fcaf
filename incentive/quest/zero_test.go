package quest_test

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
	"github.com/qunkit/qun/incentive/quest"
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

// oddProgress is progress as a damaged store might hold it.
func oddProgress() []quest.Progress {
	var out []quest.Progress
	for _, id := range []string{"newcomer", "daily-reader", "weekly-voice", "challenge"} {
		out = append(out,
			quest.Progress{Quest: id, Started: yearOne, Counts: []int{math.MaxInt, math.MinInt, 7}, Completions: math.MaxInt, Period: qun.Period{Grain: 200}},
			quest.Progress{Quest: id, Started: year9999, Counts: []int{-1}, Completions: math.MinInt, Done: true, Failed: true, Seen: []string{""}},
			quest.Progress{Quest: id, Period: qun.Period{Grain: qun.Day, First: qun.Date{Year: 9999, Month: 12, Day: 31}}},
		)
	}
	return append(out, quest.Progress{Quest: "nowhere"}, quest.Progress{})
}

func TestZeroSweepQuest(t *testing.T) {
	read := qun.Event{ID: "e", Member: "lin", Name: "read", Time: nowSweep}
	sweep(t, []sweepCase{
		{"Compile/zero and extreme centers", func(t *testing.T) {
			if _, err := quest.Compile(quest.Center{}); err != nil {
				t.Errorf("Compile(no quests) = %v", err)
			}
			c := center()
			c.Quests[0].Within = math.MinInt64
			c.Quests[1].Limit = math.MinInt
			c.Quests[1].Steps[0].Count = math.MaxInt
			c.Quests[2].Repeat = 200
			_, err := quest.Compile(c)
			wantInvalid(t, err)
			_, err = quest.Parse(nil)
			wantInvalid(t, err)
		}},
		{"zero Engine", func(t *testing.T) {
			var e quest.Engine
			_, err := e.Start("newcomer", nowSweep, calSH)
			if !errors.Is(err, quest.ErrUnknownQuest) {
				t.Errorf("Start = %v", err)
			}
			_, err = e.Status(quest.Progress{Quest: "newcomer"}, nowSweep, calSH)
			if !errors.Is(err, quest.ErrUnknownQuest) {
				t.Errorf("Status = %v", err)
			}
			_, _, err = e.Apply(nil, read, calSH)
			wantInvalid(t, err)
			if len(e.Center().Quests) != 0 {
				t.Error("the zero Engine has quests")
			}
		}},
		{"Start and Status/unknown quest, zero and far times", func(t *testing.T) {
			e := compile(t)
			_, err := e.Start("nowhere", nowSweep, calSH)
			wantInvalid(t, err)
			_, err = e.Status(quest.Progress{}, nowSweep, calSH)
			wantInvalid(t, err)
			for _, now := range []time.Time{{}, yearOne, year9999} {
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
		{"Apply/nil, odd progress, invalid events and far times", func(t *testing.T) {
			e := compile(t)
			_, _, err := e.Apply(nil, qun.Event{}, calSH)
			wantInvalid(t, err)
			ps, d, err := e.Apply(nil, read, qun.Calendar{})
			if err != nil || len(ps) != 1 || len(d.Steps) != 1 {
				t.Errorf("Apply(nil progress) = %v, %+v, %v", ps, d, err)
			}
			for _, at := range []time.Time{yearOne, nowSweep, year9999} {
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
		{"Repeat/text", func(t *testing.T) {
			_, err := quest.Repeat(200).MarshalText()
			wantInvalid(t, err)
			var r quest.Repeat
			if err := r.UnmarshalText(nil); err != nil || r != quest.Once {
				t.Errorf("UnmarshalText(nil) = %v, %v; want Once, as documented", r, err)
			}
			wantInvalid(t, r.UnmarshalText([]byte("hourly")))
			if quest.Repeat(200).IsValid() || quest.Repeat(200).String() == "" {
				t.Error("Repeat(200)")
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
		new(quest.Center),
		new(quest.Progress),
	}
	validators := []interface{ Validate() error }{
		quest.Center{},
		quest.Quest{},
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
