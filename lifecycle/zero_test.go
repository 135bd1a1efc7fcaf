package lifecycle_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/lifecycle"
	"github.com/shopspring/decimal"
)

// The zero-value sweep: every exported entry point of the package, called
// with the zero value of its receiver (a type that should have been made
// with its constructor), nil and empty arguments, NaN and infinite
// floats, extreme counts and times, and names it does not know. None may
// panic or hang; each returns what its doc comment promises.

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

func TestZeroSweepMachine(t *testing.T) {
	type zm = lifecycle.Machine[string, string, int]
	notMade := func(t *testing.T, err error) {
		t.Helper()
		wantInvalid(t, err)
		if !errors.Is(err, lifecycle.ErrUnknownState) {
			t.Errorf("error %v, want one matching ErrUnknownState", err)
		}
	}
	sweep(t, []sweepCase{
		{"NewMachine/zero definition", func(t *testing.T) {
			m, err := lifecycle.NewMachine(lifecycle.Definition[string, string, int]{})
			wantInvalid(t, err)
			if m != nil {
				t.Error("made a machine of nothing")
			}
		}},
		{"NewMachine/nil guard and missing guards map", func(t *testing.T) {
			def := lifecycle.Definition[string, string, int]{
				Initial:     "a",
				States:      []lifecycle.StateSpec[string]{{State: "a"}, {State: "b", Final: true}},
				Triggers:    []string{"go"},
				Transitions: []lifecycle.TransitionSpec[string, string]{{From: "a", To: "b", On: "go", Guards: []string{"g"}}},
			}
			_, err := lifecycle.NewMachine(def)
			wantInvalid(t, err)
			def.Guards = map[string]lifecycle.Guard[int]{"g": nil}
			_, err = lifecycle.NewMachine(def)
			wantInvalid(t, err)
		}},
		{"Fire/zero Machine", func(t *testing.T) {
			var m zm
			_, err := m.Fire("a", "b", 0, nowSweep)
			notMade(t, err)
		}},
		{"Step/zero Machine", func(t *testing.T) {
			var m zm
			_, ok, err := m.Step("a", 0, nowSweep)
			notMade(t, err)
			if ok {
				t.Error("stepped")
			}
		}},
		{"Settle/zero Machine", func(t *testing.T) {
			var m zm
			trs, err := m.Settle("a", 0, nowSweep)
			notMade(t, err)
			if errors.Is(err, lifecycle.ErrCycle) || err == nil || !strings.Contains(err.Error(), "not made with NewMachine") {
				t.Errorf("Settle of the zero Machine = %v, want an error saying it was not made with NewMachine", err)
			}
			if trs != nil {
				t.Errorf("transitions %v", trs)
			}
		}},
		{"Replay/zero Machine", func(t *testing.T) {
			var m zm
			_, err := m.Replay("a", nil)
			wantInvalid(t, err)
		}},
		{"accessors/zero Machine", func(t *testing.T) {
			var m zm
			if m.Permits("a", "b", 0, nowSweep) || m.Has("a") || m.IsFinal("a") || m.Initial() != "" ||
				len(m.States()) != 0 || len(m.Triggers()) != 0 {
				t.Error("the zero Machine has something")
			}
			if m.Mermaid() == "" || m.DOT() == "" {
				t.Error("no diagram headers")
			}
		}},
		{"Fire/unknown state and trigger, far times", func(t *testing.T) {
			m := clubMachine(t)
			_, err := m.Fire("nowhere", "join", clubCtx{}, year9999)
			wantInvalid(t, err)
			_, err = m.Fire("visitor", "fly", clubCtx{}, yearOne)
			wantInvalid(t, err)
			tr, err := m.Fire("visitor", "join", clubCtx{}, time.Time{})
			if err != nil || tr.To != "trial" {
				t.Errorf("Fire at the zero time = %v, %v", tr, err)
			}
		}},
		{"Settle and Step/unknown state", func(t *testing.T) {
			m := clubMachine(t)
			_, err := m.Settle("nowhere", clubCtx{}, nowSweep)
			wantInvalid(t, err)
			_, _, err = m.Step("nowhere", clubCtx{}, nowSweep)
			wantInvalid(t, err)
		}},
		{"Replay/nil, unknown and backwards", func(t *testing.T) {
			m := clubMachine(t)
			if s, err := m.Replay("visitor", nil); err != nil || s != "visitor" {
				t.Errorf("Replay(nil) = %v, %v", s, err)
			}
			_, err := m.Replay("visitor", []lifecycle.Record[clubState, clubTrigger]{{From: "visitor", To: "nowhere", Trigger: "join"}})
			wantInvalid(t, err)
			_, err = m.Replay("visitor", []lifecycle.Record[clubState, clubTrigger]{
				{From: "visitor", To: "trial", Trigger: "join", At: year9999},
				{From: "trial", To: "trial", Trigger: "pay", At: yearOne},
			})
			wantInvalid(t, err)
		}},
		{"errors/zero values", func(t *testing.T) {
			var g lifecycle.GuardError[string, string]
			var c lifecycle.CycleError[string]
			if g.Error() == "" || c.Error() == "" {
				t.Error("an empty message")
			}
			var tr lifecycle.Transition[string, string]
			if tr.Record() != (lifecycle.Record[string, string]{}) {
				t.Error("the zero Transition records something")
			}
		}},
	})
}

func TestZeroSweepMembers(t *testing.T) {
	classifier := func(t *testing.T, r lifecycle.MemberRules) *lifecycle.Classifier {
		c, err := lifecycle.NewClassifier(r)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	local := lifecycle.DefaultMemberRules()
	local.LocalDays = true
	sweep(t, []sweepCase{
		{"NewClassifier/zero rules", func(t *testing.T) {
			c, err := lifecycle.NewClassifier(lifecycle.MemberRules{})
			wantInvalid(t, err)
			if c != nil {
				t.Error("compiled zero rules")
			}
		}},
		{"NewClassifier/extreme windows", func(t *testing.T) {
			r := lifecycle.MemberRules{NewFor: math.MaxInt64, SilentAfter: math.MaxInt64 - 1, ChurnedAfter: math.MaxInt64, RecalledFor: math.MaxInt64}
			c := classifier(t, r)
			if s := c.Classify(lifecycle.Facts{Joined: yearOne}, year9999); !s.IsValid() {
				t.Errorf("Classify = %v", s)
			}
			days := lifecycle.MemberRules{NewFor: qun.Days(100000), SilentAfter: qun.Days(100000), ChurnedAfter: qun.Days(106000), RecalledFor: qun.Days(100000), LocalDays: true}
			c = classifier(t, days)
			if s := c.Classify(lifecycle.Facts{Joined: year9999}, yearOne); !s.IsValid() {
				t.Errorf("Classify = %v", s)
			}
		}},
		{"Classify/zero Classifier", func(t *testing.T) {
			var c lifecycle.Classifier
			if s := c.Classify(lifecycle.Facts{Joined: nowSweep.AddDate(0, -1, 0), LastActive: nowSweep}, nowSweep); s != 0 {
				t.Errorf("the zero Classifier classified a member %v, want 0 (unclassified)", s)
			}
			if c.Rules() != (lifecycle.MemberRules{}) {
				t.Error("the zero Classifier has rules")
			}
		}},
		{"ClassifyAll/zero Classifier", func(t *testing.T) {
			var c lifecycle.Classifier
			pop := lifecycle.Population{Joined: []int64{1}, LastActive: []int64{1}, State: []lifecycle.MemberState{0}}
			dst, err := c.ClassifyAll(nil, pop, nowSweep)
			wantInvalid(t, err)
			if len(dst) != 0 {
				t.Errorf("changes %v", dst)
			}
		}},
		{"Classify/zero and far facts", func(t *testing.T) {
			c := classifier(t, lifecycle.DefaultMemberRules())
			for _, f := range []lifecycle.Facts{
				{},
				{Joined: yearOne, LastActive: year9999, State: 99, Since: year9999},
				{Joined: year9999, LastActive: yearOne, State: lifecycle.Resurrected},
			} {
				for _, now := range []time.Time{{}, yearOne, year9999} {
					if s := c.Classify(f, now); !s.IsValid() {
						t.Errorf("Classify(%+v, %v) = %v", f, now, s)
					}
				}
			}
			lc := classifier(t, local)
			if s := lc.Classify(lifecycle.Facts{Joined: yearOne, Location: time.FixedZone("x", -12*3600)}, year9999); !s.IsValid() {
				t.Errorf("Classify = %v", s)
			}
		}},
		{"ClassifyAll/empty, extreme and mismatched columns", func(t *testing.T) {
			c := classifier(t, local)
			dst, err := c.ClassifyAll(nil, lifecycle.Population{}, nowSweep)
			if err != nil || len(dst) != 0 || (lifecycle.Population{}).Len() != 0 {
				t.Errorf("ClassifyAll(empty) = %v, %v", dst, err)
			}
			pop := lifecycle.Population{
				Joined:     []int64{math.MaxInt64, math.MinInt64, -1, 0},
				LastActive: []int64{math.MinInt64, math.MaxInt64, 0, -5},
				State:      []lifecycle.MemberState{0, 200, lifecycle.Silent, lifecycle.Resurrected},
				Since:      []int64{math.MaxInt64, math.MinInt64, 0, 1},
				Zone:       []uint16{0, 1, 1, 0},
				Zones:      []*time.Location{nil, time.FixedZone("y", 14*3600)},
			}
			for _, now := range []time.Time{{}, yearOne, year9999} {
				dst, err := c.ClassifyAll(nil, pop, now)
				if err != nil {
					t.Fatal(err)
				}
				for _, ch := range dst {
					if !ch.To.IsValid() {
						t.Errorf("change %v", ch)
					}
				}
			}
			pop.Zone = []uint16{0, 5, 0, 0}
			_, err = c.ClassifyAll(nil, pop, nowSweep)
			wantInvalid(t, err)
			pop.State = nil
			_, err = c.ClassifyAll(nil, pop, nowSweep)
			wantInvalid(t, err)
		}},
		{"MemberState/text", func(t *testing.T) {
			_, err := lifecycle.ParseMemberState("")
			wantInvalid(t, err)
			_, err = lifecycle.MemberState(200).MarshalText()
			wantInvalid(t, err)
			var s lifecycle.MemberState
			wantInvalid(t, s.UnmarshalText(nil))
			if lifecycle.MemberState(200).String() == "" || (lifecycle.MemberChange{}).String() == "" {
				t.Error("an empty name")
			}
		}},
		{"MemberRules/Validate extremes", func(t *testing.T) {
			wantInvalid(t, lifecycle.MemberRules{NewFor: math.MinInt64, SilentAfter: -1, ChurnedAfter: math.MinInt64}.Validate())
		}},
	})
}

func TestZeroSweepJourneyAndLadder(t *testing.T) {
	extreme := lifecycle.JourneyFacts{Joined: yearOne, LastActive: year9999, ActiveDays: math.MaxInt64, Purchases: math.MaxInt64, Referrals: math.MaxInt64}
	negative := lifecycle.JourneyFacts{Joined: year9999, LastActive: yearOne, ActiveDays: math.MinInt64, Purchases: -1, Referrals: -1}
	sweep(t, []sweepCase{
		{"Journey/zero bars and extreme facts", func(t *testing.T) {
			var j lifecycle.Journey
			wantInvalid(t, j.Validate())
			if got := j.Reached(lifecycle.JourneyFacts{}); got != 0 {
				t.Errorf("Reached(no facts) = %v", got)
			}
			d := lifecycle.DefaultJourney()
			if got := d.Reached(extreme); got != lifecycle.Referral {
				t.Errorf("Reached(extreme) = %v", got)
			}
			if got := d.Reached(negative); got != lifecycle.Acquisition {
				t.Errorf("Reached(negative) = %v", got)
			}
			if got := j.Met(extreme); !got.Has(lifecycle.Acquisition) {
				t.Errorf("Met(extreme) by the zero Journey = %v", got)
			}
			if got := (lifecycle.LadderFacts{FrontEnd: math.MinInt64, Premium: -1}).Top(); got != 0 {
				t.Errorf("Top of negative purchases = %v", got)
			}
		}},
		{"Journey.Funnel/nil and empty", func(t *testing.T) {
			d := lifecycle.DefaultJourney()
			if got := d.Funnel(nil); got != (lifecycle.JourneyFunnel{}) {
				t.Errorf("Funnel(nil) = %v", got)
			}
			if got := d.Funnel(slices.Values([]lifecycle.JourneyFacts(nil))); got != (lifecycle.JourneyFunnel{}) {
				t.Errorf("Funnel(empty) = %v", got)
			}
		}},
		{"Milestone/text", func(t *testing.T) {
			_, err := lifecycle.Milestone(200).MarshalText()
			wantInvalid(t, err)
			var m lifecycle.Milestone
			wantInvalid(t, m.UnmarshalText([]byte("x")))
			if lifecycle.Milestones(255).Has(200) {
				t.Error("Has(200)")
			}
		}},
		{"Ladder/zero and unknown", func(t *testing.T) {
			var l lifecycle.Ladder
			wantInvalid(t, l.Validate())
			if _, ok := l.RungOf(""); ok {
				t.Error("the zero Ladder lists a product")
			}
			_, err := lifecycle.Rung(0).MarshalText()
			wantInvalid(t, err)
			var r lifecycle.Rung
			wantInvalid(t, r.UnmarshalText(nil))
		}},
		{"TrueFan/extreme counts", func(t *testing.T) {
			tf := lifecycle.DefaultTrueFan()
			big := lifecycle.LadderFacts{FrontEnd: math.MaxInt64, Profit: math.MaxInt64, Premium: math.MaxInt64, Spend: decimal.New(1, 100)}
			if !tf.IsTrueFan(big) {
				t.Error("a member with 3 × 2^63−1 purchases is no true fan: the count overflowed")
			}
			if !tf.IsTrueFan(lifecycle.LadderFacts{Profit: math.MaxInt64, Premium: math.MaxInt64}) {
				t.Error("a member with 2 × 2^63−1 purchases is no true fan: the count overflowed")
			}
			if tf.IsTrueFan(lifecycle.LadderFacts{FrontEnd: math.MinInt64, Premium: 1}) {
				t.Error("negative purchases make a true fan")
			}
			var zero lifecycle.TrueFan
			if zero.IsTrueFan(big) {
				t.Error("the zero TrueFan bar is met")
			}
		}},
		{"TrueFan.Count/nil", func(t *testing.T) {
			if got := lifecycle.DefaultTrueFan().Count(nil); got != (lifecycle.LadderCounts{}) {
				t.Errorf("Count(nil) = %v", got)
			}
		}},
	})
}

func TestZeroSweepStages(t *testing.T) {
	nan := math.NaN()
	sweep(t, []sweepCase{
		{"NewStageDetector/zero model", func(t *testing.T) {
			d, err := lifecycle.NewStageDetector(lifecycle.StageModel{})
			wantInvalid(t, err)
			if d != nil {
				t.Error("made a detector of nothing")
			}
			wantInvalid(t, lifecycle.StageModel{}.Validate())
			if _, ok := (lifecycle.StageModel{}).Rule(qun.Growth); ok {
				t.Error("the zero model has a rule")
			}
		}},
		{"NewStageDetector/NaN and infinite thresholds", func(t *testing.T) {
			m := lifecycle.DefaultStageModel()
			m.Stages[0].Entry = append(m.Stages[0].Entry, lifecycle.Threshold{Metric: lifecycle.MetricMembers, Op: qun.OpGTE, Value: nan})
			m.Stages[1].Keep = append(m.Stages[1].Keep, lifecycle.Threshold{Metric: lifecycle.MetricMembers, Op: qun.OpGTE, Value: math.Inf(-1)})
			_, err := lifecycle.NewStageDetector(m)
			wantInvalid(t, err)
		}},
		{"Observe/zero StageDetector", func(t *testing.T) {
			var d lifecycle.StageDetector
			obs, err := d.Observe(lifecycle.StageState{}, lifecycle.Snapshot{At: nowSweep})
			wantInvalid(t, err)
			if obs.Change != nil {
				t.Error("a change")
			}
		}},
		{"Timeline/zero StageDetector", func(t *testing.T) {
			var d lifecycle.StageDetector
			_, _, err := d.Timeline(lifecycle.StageState{}, []lifecycle.Snapshot{{At: nowSweep}})
			wantInvalid(t, err)
			_, _, err = d.Timeline(lifecycle.StageState{}, nil)
			wantInvalid(t, err)
		}},
		{"diagrams and accessors/zero StageDetector", func(t *testing.T) {
			var d lifecycle.StageDetector
			if d.Mermaid() == "" || d.DOT() == "" {
				t.Error("no diagram headers")
			}
			if _, ok := d.Playbook(qun.Growth); ok {
				t.Error("a playbook")
			}
			if _, ok := d.Playbook(200); ok {
				t.Error("a playbook for stage 200")
			}
			if len(d.Model().Stages) != 0 {
				t.Error("a model")
			}
		}},
		{"Observe/NaN, far and unknown", func(t *testing.T) {
			d := defaultDetector(t)
			_, err := d.Observe(lifecycle.StageState{}, lifecycle.Snapshot{At: nowSweep, Stickiness: nan})
			wantInvalid(t, err)
			_, err = d.Observe(lifecycle.StageState{}, lifecycle.Snapshot{At: nowSweep, InteractionRate: math.Inf(1)})
			wantInvalid(t, err)
			_, err = d.Observe(lifecycle.StageState{}, lifecycle.Snapshot{})
			wantInvalid(t, err)
			_, err = d.Observe(lifecycle.StageState{Stage: 200, Last: yearOne}, lifecycle.Snapshot{At: nowSweep})
			wantInvalid(t, err)
			_, err = d.Observe(lifecycle.StageState{Stage: qun.Building, EntryHeld: lifecycle.StageRuns{math.MinInt, 0, 0, 0}}, lifecycle.Snapshot{At: nowSweep})
			wantInvalid(t, err)
			big := lifecycle.Snapshot{At: year9999, Members: math.MaxInt64, NetGrowth: math.MaxFloat64, ActiveGrowth: math.MaxFloat64, InteractionRate: math.MaxFloat64, Stickiness: 1, Retention: 1, CoreShare: 1, MemberShare: 1}
			st := lifecycle.StageState{Stage: qun.Building, Since: yearOne, Last: yearOne, EntryHeld: lifecycle.StageRuns{math.MaxInt, math.MaxInt, math.MaxInt, math.MaxInt}, KeepFailed: lifecycle.StageRuns{math.MaxInt, math.MaxInt, math.MaxInt, math.MaxInt}}
			obs, err := d.Observe(st, big)
			if err != nil {
				t.Fatal(err)
			}
			if !obs.State.Stage.IsValid() {
				t.Errorf("stage %v", obs.State.Stage)
			}
			_, err = d.Observe(obs.State, lifecycle.Snapshot{At: yearOne})
			wantInvalid(t, err)
		}},
		{"Timeline/nil", func(t *testing.T) {
			d := defaultDetector(t)
			changes, st, err := d.Timeline(lifecycle.StageState{}, nil)
			if err != nil || changes != nil || st != (lifecycle.StageState{}) {
				t.Errorf("Timeline(nil) = %v, %v, %v", changes, st, err)
			}
		}},
		{"metrics and thresholds/zero, NaN and unknown", func(t *testing.T) {
			if v := (lifecycle.Snapshot{}).Value(0); !math.IsNaN(v) {
				t.Errorf("Value(0) = %v", v)
			}
			if (lifecycle.Threshold{Op: qun.OpGTE}).Holds(nan) {
				t.Error("NaN holds")
			}
			wantInvalid(t, lifecycle.Threshold{}.Validate())
			_, err := lifecycle.ParseMetric("")
			wantInvalid(t, err)
			_, err = lifecycle.Metric(0).MarshalText()
			wantInvalid(t, err)
			var m lifecycle.Metric
			wantInvalid(t, m.UnmarshalText(nil))
			if (lifecycle.Threshold{}).String() == "" || (lifecycle.Check{}).String() == "" || (lifecycle.StageChange{}).Reason() == "" {
				t.Error("an empty description")
			}
		}},
		{"runs, cadence and playbook/zero and unknown", func(t *testing.T) {
			var r lifecycle.StageRuns
			if r.Of(0) != 0 || r.Of(200) != 0 {
				t.Error("runs of no stage")
			}
			if _, err := (lifecycle.StageRuns{math.MinInt, math.MaxInt}).MarshalJSON(); err != nil {
				t.Error(err)
			}
			wantInvalid(t, r.UnmarshalJSON([]byte(`{"nowhere":1}`)))
			wantInvalid(t, r.UnmarshalJSON([]byte(`{"growth":-1}`)))
			wantInvalid(t, lifecycle.Cadence{}.Validate())
			wantInvalid(t, lifecycle.Cadence{Every: math.MinInt, Grain: 200}.Validate())
			if (lifecycle.Cadence{}).String() == "" {
				t.Error("an empty cadence name")
			}
			if err := (lifecycle.Playbook{}).Validate(); err == nil {
				t.Error("the zero Playbook, with no review cadence, is valid")
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
		new(lifecycle.Journey),
		new(lifecycle.Ladder),
		new(lifecycle.MemberRules),
		new(lifecycle.StageModel),
		new(lifecycle.StageRuns),
		new(lifecycle.StageState),
	}
	validators := []interface{ Validate() error }{
		lifecycle.Cadence{},
		lifecycle.Journey{},
		lifecycle.Ladder{},
		lifecycle.MemberRules{},
		lifecycle.Playbook{},
		lifecycle.Snapshot{},
		lifecycle.StageModel{},
		lifecycle.Threshold{},
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
