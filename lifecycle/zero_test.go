package lifecycle_test

import (
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/internal/sweep"
	"github.com/qunkit/qun/lifecycle"
	"github.com/shopspring/decimal"
)

// The zero-value sweep: every exported entry point of the package, called
// with the zero value of its receiver (a type that should have been made
// with its constructor), nil and empty arguments, NaN and infinite
// floats, extreme counts and times, and names it does not know. None may
// panic or hang; each returns what its doc comment promises.

func TestZeroSweepMachine(t *testing.T) {
	type zm = lifecycle.Machine[string, string, int]
	notMade := func(t *testing.T, err error) {
		t.Helper()
		sweep.WantInvalid(t, err)
		if !errors.Is(err, lifecycle.ErrUnknownState) {
			t.Errorf("error %v, want one matching ErrUnknownState", err)
		}
	}
	sweep.Run(t, []sweep.Case{
		{Name: "NewMachine/zero definition", Run: func(t *testing.T) {
			m, err := lifecycle.NewMachine(lifecycle.Definition[string, string, int]{})
			sweep.WantInvalid(t, err)
			if m != nil {
				t.Error("made a machine of nothing")
			}
		}},
		{Name: "NewMachine/nil guard and missing guards map", Run: func(t *testing.T) {
			def := lifecycle.Definition[string, string, int]{
				Initial:     "a",
				States:      []lifecycle.StateSpec[string]{{State: "a"}, {State: "b", Final: true}},
				Triggers:    []string{"go"},
				Transitions: []lifecycle.TransitionSpec[string, string]{{From: "a", To: "b", On: "go", Guards: []string{"g"}}},
			}
			_, err := lifecycle.NewMachine(def)
			sweep.WantInvalid(t, err)
			def.Guards = map[string]lifecycle.Guard[int]{"g": nil}
			_, err = lifecycle.NewMachine(def)
			sweep.WantInvalid(t, err)
		}},
		{Name: "Fire/zero Machine", Run: func(t *testing.T) {
			var m zm
			_, err := m.Fire("a", "b", 0, sweep.Now)
			notMade(t, err)
		}},
		{Name: "Step/zero Machine", Run: func(t *testing.T) {
			var m zm
			_, ok, err := m.Step("a", 0, sweep.Now)
			notMade(t, err)
			if ok {
				t.Error("stepped")
			}
		}},
		{Name: "Settle/zero Machine", Run: func(t *testing.T) {
			var m zm
			trs, err := m.Settle("a", 0, sweep.Now)
			notMade(t, err)
			if errors.Is(err, lifecycle.ErrCycle) || err == nil || !strings.Contains(err.Error(), "not made with NewMachine") {
				t.Errorf("Settle of the zero Machine = %v, want an error saying it was not made with NewMachine", err)
			}
			if trs != nil {
				t.Errorf("transitions %v", trs)
			}
		}},
		{Name: "Replay/zero Machine", Run: func(t *testing.T) {
			var m zm
			_, err := m.Replay("a", nil)
			sweep.WantInvalid(t, err)
		}},
		{Name: "accessors/zero Machine", Run: func(t *testing.T) {
			var m zm
			if m.Permits("a", "b", 0, sweep.Now) || m.Has("a") || m.IsFinal("a") || m.Initial() != "" ||
				len(m.States()) != 0 || len(m.Triggers()) != 0 {
				t.Error("the zero Machine has something")
			}
			if m.Mermaid() == "" || m.DOT() == "" {
				t.Error("no diagram headers")
			}
		}},
		{Name: "Fire/unknown state and trigger, far times", Run: func(t *testing.T) {
			m := clubMachine(t)
			_, err := m.Fire("nowhere", "join", clubCtx{}, sweep.Year9999)
			sweep.WantInvalid(t, err)
			_, err = m.Fire("visitor", "fly", clubCtx{}, sweep.YearOne)
			sweep.WantInvalid(t, err)
			tr, err := m.Fire("visitor", "join", clubCtx{}, time.Time{})
			if err != nil || tr.To != "trial" {
				t.Errorf("Fire at the zero time = %v, %v", tr, err)
			}
		}},
		{Name: "Settle and Step/unknown state", Run: func(t *testing.T) {
			m := clubMachine(t)
			_, err := m.Settle("nowhere", clubCtx{}, sweep.Now)
			sweep.WantInvalid(t, err)
			_, _, err = m.Step("nowhere", clubCtx{}, sweep.Now)
			sweep.WantInvalid(t, err)
		}},
		{Name: "Replay/nil, unknown and backwards", Run: func(t *testing.T) {
			m := clubMachine(t)
			if s, err := m.Replay("visitor", nil); err != nil || s != "visitor" {
				t.Errorf("Replay(nil) = %v, %v", s, err)
			}
			_, err := m.Replay("visitor", []lifecycle.Record[clubState, clubTrigger]{{From: "visitor", To: "nowhere", Trigger: "join"}})
			sweep.WantInvalid(t, err)
			_, err = m.Replay("visitor", []lifecycle.Record[clubState, clubTrigger]{
				{From: "visitor", To: "trial", Trigger: "join", At: sweep.Year9999},
				{From: "trial", To: "trial", Trigger: "pay", At: sweep.YearOne},
			})
			sweep.WantInvalid(t, err)
		}},
		{Name: "errors/zero values", Run: func(t *testing.T) {
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
	sweep.Run(t, []sweep.Case{
		{Name: "NewClassifier/zero rules", Run: func(t *testing.T) {
			c, err := lifecycle.NewClassifier(lifecycle.MemberRules{})
			sweep.WantInvalid(t, err)
			if c != nil {
				t.Error("compiled zero rules")
			}
		}},
		{Name: "NewClassifier/extreme windows", Run: func(t *testing.T) {
			r := lifecycle.MemberRules{NewFor: math.MaxInt64, SilentAfter: math.MaxInt64 - 1, ChurnedAfter: math.MaxInt64, RecalledFor: math.MaxInt64}
			c := classifier(t, r)
			if s := c.Classify(lifecycle.Facts{Joined: sweep.YearOne}, sweep.Year9999); !s.IsValid() {
				t.Errorf("Classify = %v", s)
			}
			days := lifecycle.MemberRules{NewFor: qun.Days(100000), SilentAfter: qun.Days(100000), ChurnedAfter: qun.Days(106000), RecalledFor: qun.Days(100000), LocalDays: true}
			c = classifier(t, days)
			if s := c.Classify(lifecycle.Facts{Joined: sweep.Year9999}, sweep.YearOne); !s.IsValid() {
				t.Errorf("Classify = %v", s)
			}
		}},
		{Name: "Classify/zero Classifier", Run: func(t *testing.T) {
			var c lifecycle.Classifier
			if s := c.Classify(lifecycle.Facts{Joined: sweep.Now.AddDate(0, -1, 0), LastActive: sweep.Now}, sweep.Now); s != 0 {
				t.Errorf("the zero Classifier classified a member %v, want 0 (unclassified)", s)
			}
			if c.Rules() != (lifecycle.MemberRules{}) {
				t.Error("the zero Classifier has rules")
			}
		}},
		{Name: "ClassifyAll/zero Classifier", Run: func(t *testing.T) {
			var c lifecycle.Classifier
			pop := lifecycle.Population{Joined: []int64{1}, LastActive: []int64{1}, State: []lifecycle.MemberState{0}}
			dst, err := c.ClassifyAll(nil, pop, sweep.Now)
			sweep.WantInvalid(t, err)
			if len(dst) != 0 {
				t.Errorf("changes %v", dst)
			}
		}},
		{Name: "Classify/zero and far facts", Run: func(t *testing.T) {
			c := classifier(t, lifecycle.DefaultMemberRules())
			for _, f := range []lifecycle.Facts{
				{},
				{Joined: sweep.YearOne, LastActive: sweep.Year9999, State: 99, Since: sweep.Year9999},
				{Joined: sweep.Year9999, LastActive: sweep.YearOne, State: lifecycle.Resurrected},
			} {
				for _, now := range []time.Time{{}, sweep.YearOne, sweep.Year9999} {
					if s := c.Classify(f, now); !s.IsValid() {
						t.Errorf("Classify(%+v, %v) = %v", f, now, s)
					}
				}
			}
			lc := classifier(t, local)
			if s := lc.Classify(lifecycle.Facts{Joined: sweep.YearOne, Location: time.FixedZone("x", -12*3600)}, sweep.Year9999); !s.IsValid() {
				t.Errorf("Classify = %v", s)
			}
		}},
		{Name: "ClassifyAll/empty, extreme and mismatched columns", Run: func(t *testing.T) {
			c := classifier(t, local)
			dst, err := c.ClassifyAll(nil, lifecycle.Population{}, sweep.Now)
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
			for _, now := range []time.Time{{}, sweep.YearOne, sweep.Year9999} {
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
			_, err = c.ClassifyAll(nil, pop, sweep.Now)
			sweep.WantInvalid(t, err)
			pop.State = nil
			_, err = c.ClassifyAll(nil, pop, sweep.Now)
			sweep.WantInvalid(t, err)
		}},
		{Name: "MemberState/text", Run: func(t *testing.T) {
			_, err := lifecycle.ParseMemberState("")
			sweep.WantInvalid(t, err)
			_, err = lifecycle.MemberState(200).MarshalText()
			sweep.WantInvalid(t, err)
			var s lifecycle.MemberState
			sweep.WantInvalid(t, s.UnmarshalText(nil))
			if lifecycle.MemberState(200).String() == "" || (lifecycle.MemberChange{}).String() == "" {
				t.Error("an empty name")
			}
		}},
		{Name: "MemberRules/Validate extremes", Run: func(t *testing.T) {
			sweep.WantInvalid(t, lifecycle.MemberRules{NewFor: math.MinInt64, SilentAfter: -1, ChurnedAfter: math.MinInt64}.Validate())
		}},
	})
}

func TestZeroSweepJourneyAndLadder(t *testing.T) {
	extreme := lifecycle.JourneyFacts{Joined: sweep.YearOne, LastActive: sweep.Year9999, ActiveDays: math.MaxInt64, Purchases: math.MaxInt64, Referrals: math.MaxInt64}
	negative := lifecycle.JourneyFacts{Joined: sweep.Year9999, LastActive: sweep.YearOne, ActiveDays: math.MinInt64, Purchases: -1, Referrals: -1}
	sweep.Run(t, []sweep.Case{
		{Name: "Journey/zero bars and extreme facts", Run: func(t *testing.T) {
			var j lifecycle.Journey
			sweep.WantInvalid(t, j.Validate())
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
		{Name: "Journey.Funnel/nil and empty", Run: func(t *testing.T) {
			d := lifecycle.DefaultJourney()
			if got := d.Funnel(nil); got != (lifecycle.JourneyFunnel{}) {
				t.Errorf("Funnel(nil) = %v", got)
			}
			if got := d.Funnel(slices.Values([]lifecycle.JourneyFacts(nil))); got != (lifecycle.JourneyFunnel{}) {
				t.Errorf("Funnel(empty) = %v", got)
			}
		}},
		{Name: "Milestone/text", Run: func(t *testing.T) {
			_, err := lifecycle.Milestone(200).MarshalText()
			sweep.WantInvalid(t, err)
			var m lifecycle.Milestone
			sweep.WantInvalid(t, m.UnmarshalText([]byte("x")))
			if lifecycle.Milestones(255).Has(200) {
				t.Error("Has(200)")
			}
		}},
		{Name: "Ladder/zero and unknown", Run: func(t *testing.T) {
			var l lifecycle.Ladder
			sweep.WantInvalid(t, l.Validate())
			if _, ok := l.RungOf(""); ok {
				t.Error("the zero Ladder lists a product")
			}
			_, err := lifecycle.Rung(0).MarshalText()
			sweep.WantInvalid(t, err)
			var r lifecycle.Rung
			sweep.WantInvalid(t, r.UnmarshalText(nil))
		}},
		{Name: "TrueFan/extreme counts", Run: func(t *testing.T) {
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
		{Name: "TrueFan.Count/nil", Run: func(t *testing.T) {
			if got := lifecycle.DefaultTrueFan().Count(nil); got != (lifecycle.LadderCounts{}) {
				t.Errorf("Count(nil) = %v", got)
			}
		}},
	})
}

func TestZeroSweepStages(t *testing.T) {
	nan := math.NaN()
	sweep.Run(t, []sweep.Case{
		{Name: "NewStageDetector/zero model", Run: func(t *testing.T) {
			d, err := lifecycle.NewStageDetector(lifecycle.StageModel{})
			sweep.WantInvalid(t, err)
			if d != nil {
				t.Error("made a detector of nothing")
			}
			sweep.WantInvalid(t, lifecycle.StageModel{}.Validate())
			if _, ok := (lifecycle.StageModel{}).Rule(qun.Growth); ok {
				t.Error("the zero model has a rule")
			}
		}},
		{Name: "NewStageDetector/NaN and infinite thresholds", Run: func(t *testing.T) {
			m := lifecycle.DefaultStageModel()
			m.Stages[0].Entry = append(m.Stages[0].Entry, lifecycle.Threshold{Metric: lifecycle.MetricMembers, Op: qun.OpGTE, Value: nan})
			m.Stages[1].Keep = append(m.Stages[1].Keep, lifecycle.Threshold{Metric: lifecycle.MetricMembers, Op: qun.OpGTE, Value: math.Inf(-1)})
			_, err := lifecycle.NewStageDetector(m)
			sweep.WantInvalid(t, err)
		}},
		{Name: "Observe/zero StageDetector", Run: func(t *testing.T) {
			var d lifecycle.StageDetector
			obs, err := d.Observe(lifecycle.StageState{}, lifecycle.Snapshot{At: sweep.Now})
			sweep.WantInvalid(t, err)
			if obs.Change != nil {
				t.Error("a change")
			}
		}},
		{Name: "Timeline/zero StageDetector", Run: func(t *testing.T) {
			var d lifecycle.StageDetector
			_, _, err := d.Timeline(lifecycle.StageState{}, []lifecycle.Snapshot{{At: sweep.Now}})
			sweep.WantInvalid(t, err)
			_, _, err = d.Timeline(lifecycle.StageState{}, nil)
			sweep.WantInvalid(t, err)
		}},
		{Name: "diagrams and accessors/zero StageDetector", Run: func(t *testing.T) {
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
		{Name: "Observe/NaN, far and unknown", Run: func(t *testing.T) {
			d := defaultDetector(t)
			_, err := d.Observe(lifecycle.StageState{}, lifecycle.Snapshot{At: sweep.Now, Stickiness: nan})
			sweep.WantInvalid(t, err)
			_, err = d.Observe(lifecycle.StageState{}, lifecycle.Snapshot{At: sweep.Now, InteractionRate: math.Inf(1)})
			sweep.WantInvalid(t, err)
			_, err = d.Observe(lifecycle.StageState{}, lifecycle.Snapshot{})
			sweep.WantInvalid(t, err)
			_, err = d.Observe(lifecycle.StageState{Stage: 200, Last: sweep.YearOne}, lifecycle.Snapshot{At: sweep.Now})
			sweep.WantInvalid(t, err)
			_, err = d.Observe(lifecycle.StageState{Stage: qun.Building, EntryHeld: lifecycle.StageRuns{math.MinInt, 0, 0, 0}}, lifecycle.Snapshot{At: sweep.Now})
			sweep.WantInvalid(t, err)
			big := lifecycle.Snapshot{At: sweep.Year9999, Members: math.MaxInt64, NetGrowth: math.MaxFloat64, ActiveGrowth: math.MaxFloat64, InteractionRate: math.MaxFloat64, Stickiness: 1, Retention: 1, CoreShare: 1, MemberShare: 1}
			st := lifecycle.StageState{Stage: qun.Building, Since: sweep.YearOne, Last: sweep.YearOne, EntryHeld: lifecycle.StageRuns{math.MaxInt, math.MaxInt, math.MaxInt, math.MaxInt}, KeepFailed: lifecycle.StageRuns{math.MaxInt, math.MaxInt, math.MaxInt, math.MaxInt}}
			obs, err := d.Observe(st, big)
			if err != nil {
				t.Fatal(err)
			}
			if !obs.State.Stage.IsValid() {
				t.Errorf("stage %v", obs.State.Stage)
			}
			_, err = d.Observe(obs.State, lifecycle.Snapshot{At: sweep.YearOne})
			sweep.WantInvalid(t, err)
		}},
		{Name: "Timeline/nil", Run: func(t *testing.T) {
			d := defaultDetector(t)
			changes, st, err := d.Timeline(lifecycle.StageState{}, nil)
			if err != nil || changes != nil || st != (lifecycle.StageState{}) {
				t.Errorf("Timeline(nil) = %v, %v, %v", changes, st, err)
			}
		}},
		{Name: "metrics and thresholds/zero, NaN and unknown", Run: func(t *testing.T) {
			if v := (lifecycle.Snapshot{}).Value(0); !math.IsNaN(v) {
				t.Errorf("Value(0) = %v", v)
			}
			if (lifecycle.Threshold{Op: qun.OpGTE}).Holds(nan) {
				t.Error("NaN holds")
			}
			sweep.WantInvalid(t, lifecycle.Threshold{}.Validate())
			_, err := lifecycle.ParseMetric("")
			sweep.WantInvalid(t, err)
			_, err = lifecycle.Metric(0).MarshalText()
			sweep.WantInvalid(t, err)
			var m lifecycle.Metric
			sweep.WantInvalid(t, m.UnmarshalText(nil))
			if (lifecycle.Threshold{}).String() == "" || (lifecycle.Check{}).String() == "" || (lifecycle.StageChange{}).Reason() == "" {
				t.Error("an empty description")
			}
		}},
		{Name: "runs, cadence and playbook/zero and unknown", Run: func(t *testing.T) {
			var r lifecycle.StageRuns
			if r.Of(0) != 0 || r.Of(200) != 0 {
				t.Error("runs of no stage")
			}
			if _, err := (lifecycle.StageRuns{math.MinInt, math.MaxInt}).MarshalJSON(); err != nil {
				t.Error(err)
			}
			sweep.WantInvalid(t, r.UnmarshalJSON([]byte(`{"nowhere":1}`)))
			sweep.WantInvalid(t, r.UnmarshalJSON([]byte(`{"growth":-1}`)))
			sweep.WantInvalid(t, lifecycle.Cadence{}.Validate())
			sweep.WantInvalid(t, lifecycle.Cadence{Every: math.MinInt, Grain: 200}.Validate())
			if (lifecycle.Cadence{}).String() == "" {
				t.Error("an empty cadence name")
			}
			if err := (lifecycle.Playbook{}).Validate(); err == nil {
				t.Error("the zero Playbook, with no review cadence, is valid")
			}
		}},
	})
}

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
	sweep.JSON(t, decoders, validators)
}
