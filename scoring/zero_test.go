package scoring_test

import (
	"cmp"
	"encoding/json"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/qunkit/qun"
	"github.com/qunkit/qun/internal/sweep"
	"github.com/qunkit/qun/scoring"
)

// The zero-value sweep: every exported entry point of the package, called
// with the zero value of its receiver (a type that should have been made
// with Compile), nil and empty arguments, NaN and infinite floats, extreme
// counts and times, and names it does not know. None may panic or hang;
// each returns what its doc comment promises.

var nan = math.NaN()

// farEvents are events at the edges of time, for each kind of the weekly
// rules.
func farEvents() []qun.Event {
	var out []qun.Event
	for _, at := range []time.Time{sweep.YearOne, sweep.Now, sweep.Year9999} {
		for _, name := range []string{"post", "check_in", "like", "spam", "reply"} {
			out = append(out, ev("far", name, at))
		}
	}
	return out
}

func TestZeroSweepEngagement(t *testing.T) {
	post := ev("u", "post", sweep.Now)
	sweep.Run(t, []sweep.Case{
		{Name: "Compile/zero, NaN and infinite rules", Run: func(t *testing.T) {
			_, err := scoring.EngagementRules{}.Compile()
			sweep.WantInvalid(t, err)
			r := weekly(qun.Calendar{})
			r.Kinds[1].Weight = nan
			r.Kinds[2].Weight = math.Inf(1)
			_, err = r.Compile()
			sweep.WantInvalid(t, err)
		}},
		{Name: "Compile/extreme half-life and cap", Run: func(t *testing.T) {
			r := weekly(qun.Calendar{})
			r.Decay.HalfLife = math.MaxInt64
			r.Kinds[2].DailyCap = math.MaxInt64
			m := mustCompile(t, r)
			s := scoring.Score{}
			for _, e := range farEvents() {
				m.Add(&s, e)
			}
			if v := m.Value(s, sweep.Year9999); math.IsNaN(v) {
				t.Errorf("Value = %v", v)
			}
		}},
		{Name: "zero Engagement/Add, Merge, Value, Explain, Align", Run: func(t *testing.T) {
			var m scoring.Engagement
			var s scoring.Score
			if c := m.Add(&s, post); c != (scoring.Credit{}) {
				t.Errorf("Add = %+v", c)
			}
			m.Merge(&s, scoring.Score{Kinds: []scoring.KindScore{{Kind: "post", Count: 3}}})
			if v := m.Value(s, sweep.Now); v != 0 {
				t.Errorf("Value = %v", v)
			}
			if terms := m.Explain(s, sweep.Now); len(terms) != 0 {
				t.Errorf("Explain = %v", terms)
			}
			if len(m.Align(s).Kinds) != 0 || len(m.Kinds()) != 0 || len(m.Rules().Kinds) != 0 {
				t.Error("the zero Engagement has kinds")
			}
		}},
		{Name: "zero Engagement/ScoreEvents and ScoreTable", Run: func(t *testing.T) {
			var m scoring.Engagement
			_, err := m.ScoreEvents(slices.Values([]qun.Event{post}), sweep.Now)
			sweep.WantInvalid(t, err)
			var tb scoring.Table
			if err := tb.Append(post); err != nil {
				t.Fatal(err)
			}
			sweep.WantInvalid(t, m.ScoreTable(&tb, sweep.Now, new(scoring.Scores)))
		}},
		{Name: "Add and Merge/nil Score", Run: func(t *testing.T) {
			m := mustCompile(t, weekly(qun.Calendar{}))
			if c := m.Add(nil, post); c != (scoring.Credit{}) {
				t.Errorf("Add(nil) = %+v, want no credit", c)
			}
			var s scoring.Score
			m.Add(&s, post)
			m.Merge(nil, s)
		}},
		{Name: "Add, Value and Explain/far times and odd scores", Run: func(t *testing.T) {
			m := mustCompile(t, weekly(qun.Calendar{Zone: shanghai}))
			var s scoring.Score
			for _, e := range farEvents() {
				m.Add(&s, e)
			}
			for _, now := range []time.Time{{}, sweep.YearOne, sweep.Year9999} {
				if v := m.Value(s, now); math.IsNaN(v) || math.IsInf(v, 0) {
					t.Errorf("Value at %v = %v", now, v)
				}
				m.Explain(s, now)
			}
			odd := scoring.Score{Late: -1, Kinds: []scoring.KindScore{
				{Kind: "check_in", Count: math.MaxInt64, Open: scoring.OpenDay{Count: math.MinInt64, Credit: qun.Decayed{Value: nan, At: sweep.Year9999}}},
				{Kind: "nowhere", Count: -5},
				{Kind: "like", Count: 1, Open: scoring.OpenDay{Count: math.MaxInt64, Day: qun.Date{Year: 9999, Month: 12, Day: 31}}},
			}}
			m.Value(odd, sweep.Now)
			m.Explain(odd, sweep.Now)
			m.Merge(&s, odd)
			m.Add(&odd, ev("u", "like", sweep.YearOne))
			if odd.At().IsZero() && s.At().IsZero() {
				t.Error("no time")
			}
			odd.Clone()
		}},
		{Name: "ScoreEvents/nil, empty and far", Run: func(t *testing.T) {
			m := mustCompile(t, plainRules(qun.Calendar{}))
			s, err := m.ScoreEvents(nil, sweep.Now)
			if err != nil || s.Len() != 0 {
				t.Errorf("ScoreEvents(nil) = %v, %v", s, err)
			}
			_, err = m.ScoreEvents(slices.Values(farEvents()), sweep.Year9999)
			sweep.WantInvalid(t, err)
			for _, now := range []time.Time{{}, sweep.YearOne, sweep.Year9999} {
				s, err := m.ScoreEvents(slices.Values([]qun.Event{post}), now)
				if err != nil {
					t.Fatal(err)
				}
				for _, v := range s.Values {
					if math.IsNaN(v) {
						t.Errorf("a NaN score at %v", now)
					}
				}
			}
		}},
		{Name: "ScoreTable/nil, empty, mismatched and out of range", Run: func(t *testing.T) {
			m := mustCompile(t, plainRules(qun.Calendar{}))
			sweep.WantInvalid(t, m.ScoreTable(nil, sweep.Now, new(scoring.Scores)))
			sweep.WantInvalid(t, m.ScoreTable(&scoring.Table{}, sweep.Now, nil))
			var into scoring.Scores
			if err := m.ScoreTable(&scoring.Table{}, sweep.Now, &into); err != nil || into.Len() != 0 {
				t.Errorf("ScoreTable(empty) = %v, %d", err, into.Len())
			}
			bad := &scoring.Table{Members: []qun.MemberID{"a"}, Names: []string{"post"}, Member: []uint32{0, 0}, Name: []uint32{0}, Time: []int64{1}}
			sweep.WantInvalid(t, m.ScoreTable(bad, sweep.Now, &into))
			sweep.WantInvalid(t, bad.Validate())
			bad.Time = []int64{2, 1}
			bad.SortByTime()
			sweep.WantInvalid(t, m.ScoreTable(bad, sweep.Now, &into))
			bad = &scoring.Table{Members: []qun.MemberID{"a"}, Names: []string{"post"}, Member: []uint32{7}, Name: []uint32{9}, Time: []int64{math.MinInt64}}
			sweep.WantInvalid(t, m.ScoreTable(bad, sweep.Now, &into))
			sweep.WantInvalid(t, bad.Validate())
			far := &scoring.Table{Members: []qun.MemberID{"a"}, Names: []string{"post"}, Member: []uint32{0, 0}, Name: []uint32{0, 0}, Time: []int64{math.MinInt64, math.MaxInt64}}
			for _, now := range []time.Time{{}, sweep.YearOne, sweep.Year9999} {
				if err := m.ScoreTable(far, now, &into); err != nil {
					t.Fatal(err)
				}
				if math.IsNaN(into.Values[0]) {
					t.Errorf("a NaN score at %v", now)
				}
			}
		}},
		{Name: "Table/zero and far", Run: func(t *testing.T) {
			var tb scoring.Table
			if tb.Len() != 0 || !tb.Sorted() || tb.Validate() != nil {
				t.Error("the zero Table is not an empty one")
			}
			tb.SortByTime()
			sweep.WantInvalid(t, tb.Append(ev("u", "post", sweep.YearOne)))
			sweep.WantInvalid(t, tb.Append(ev("u", "post", sweep.Year9999)))
			sweep.WantInvalid(t, tb.Append(qun.Event{}))
			if err := tb.Append(qun.Event{Time: sweep.Now}); err != nil || tb.Len() != 1 {
				t.Errorf("Append(an event of no one) = %v", err)
			}
		}},
		{Name: "Scores/zero and out of range", Run: func(t *testing.T) {
			var s scoring.Scores
			if s.Len() != 0 || len(s.Map()) != 0 || s.Explain(0) != nil || s.Explain(-1) != nil {
				t.Error("the zero Scores holds something")
			}
			for range s.All() {
				t.Error("the zero Scores yields")
			}
			m := mustCompile(t, plainRules(qun.Calendar{}))
			got, err := m.ScoreEvents(slices.Values([]qun.Event{post}), sweep.Now)
			if err != nil {
				t.Fatal(err)
			}
			if got.Explain(-1) != nil || got.Explain(1) != nil || got.Explain(math.MaxInt) != nil {
				t.Error("Explain of a member the Scores do not hold")
			}
			hand := &scoring.Scores{Members: []qun.MemberID{"a", "b"}, Kinds: []string{"post"}, Values: []float64{1}, Counts: []int64{1}}
			hand.Explain(0)
			hand.Explain(1)
			for range hand.All() {
			}
			hand.Map()
		}},
		{Name: "Fell/nil, zero and NaN", Run: func(t *testing.T) {
			if d := scoring.Fell(nil, nil, 1); d != nil {
				t.Errorf("Fell(nil, nil) = %v", d)
			}
			var zero scoring.Scores
			if d := scoring.Fell(&zero, &zero, nan); d != nil {
				t.Errorf("Fell(zero, zero) = %v", d)
			}
			a := &scoring.Scores{Members: []qun.MemberID{"a", "b"}, Values: []float64{5, nan}}
			b := &scoring.Scores{Members: []qun.MemberID{"a"}, Values: []float64{}}
			scoring.Fell(a, nil, 1)
			scoring.Fell(nil, a, 1)
			scoring.Fell(a, b, 1)
			scoring.Fell(b, a, 1)
		}},
		{Name: "Top/nil sequence and comparison, extreme k", Run: func(t *testing.T) {
			if got := scoring.Top(nil, 3, cmp.Compare[int]); got != nil {
				t.Errorf("Top(nil) = %v", got)
			}
			if got := scoring.Top(slices.Values([]int{3, 1, 2}), 2, nil); got != nil {
				t.Errorf("Top(nil cmp) = %v", got)
			}
			if got := scoring.Top(slices.Values([]int{3, 1, 2}), math.MaxInt, cmp.Compare[int]); !slices.Equal(got, []int{1, 2, 3}) {
				t.Errorf("Top(MaxInt) = %v", got)
			}
			if got := scoring.Top(slices.Values([]int{3}), math.MinInt, cmp.Compare[int]); got != nil {
				t.Errorf("Top(MinInt) = %v", got)
			}
		}},
	})
}

func TestZeroSweepModels(t *testing.T) {
	features := []scoring.ChurnFeatures{{}, {Recency: nan, Trend: nan, Slope: nan}, {Recency: math.Inf(1), Trend: math.Inf(-1), Slope: math.Inf(1)}, {Recency: math.MaxFloat64, Trend: -math.MaxFloat64}}
	sweep.Run(t, []sweep.Case{
		{Name: "Churn/zero model and zero Churn", Run: func(t *testing.T) {
			_, err := scoring.ChurnModel{}.Compile()
			sweep.WantInvalid(t, err)
			var c scoring.Churn
			if got := c.Features(slices.Values(farEvents()), sweep.Now); len(got) != 0 {
				t.Errorf("Features of the zero Churn = %v", got)
			}
			if got := c.Assess(slices.Values(farEvents()), sweep.Now); len(got) != 0 {
				t.Errorf("Assess of the zero Churn = %v", got)
			}
			for _, f := range features {
				if r, _ := c.Risk(f); r != 0.5 {
					t.Errorf("Risk(%+v) by the zero Churn = %v, want 0.5", f, r)
				}
			}
			c.Model()
		}},
		{Name: "Churn/nil, far and odd", Run: func(t *testing.T) {
			c, err := scoring.DefaultChurnModel().Compile()
			if err != nil {
				t.Fatal(err)
			}
			if got := c.Assess(nil, sweep.Now); len(got) != 0 {
				t.Errorf("Assess(nil) = %v", got)
			}
			for _, now := range []time.Time{{}, sweep.YearOne, sweep.Year9999} {
				for _, a := range c.Assess(slices.Values(farEvents()), now) {
					if math.IsNaN(a.Risk) {
						t.Errorf("a NaN risk at %v: %+v", now, a)
					}
				}
			}
			for _, f := range features {
				if r, _ := c.Risk(f); math.IsNaN(r) || r < 0 || r > 1 {
					t.Errorf("Risk(%+v) = %v", f, r)
				}
			}
		}},
		{Name: "Fit and FitLogistic/nil, NaN and extreme options", Run: func(t *testing.T) {
			_, _, err := scoring.DefaultChurnModel().Fit(nil, scoring.FitOptions{})
			sweep.WantInvalid(t, err)
			_, _, err = scoring.DefaultChurnModel().Fit([]scoring.ChurnSample{{Features: features[1]}, {Churned: true}}, scoring.FitOptions{})
			sweep.WantInvalid(t, err)
			_, _, err = scoring.FitLogistic(nil, nil, scoring.FitOptions{})
			sweep.WantInvalid(t, err)
			_, _, err = scoring.FitLogistic([][]float64{{1}, {2}}, []bool{true, false}, scoring.FitOptions{C: nan, Tolerance: math.Inf(1), MaxIterations: -1})
			sweep.WantInvalid(t, err)
			_, _, err = scoring.FitLogistic([][]float64{{}, {}}, []bool{true, false}, scoring.FitOptions{})
			if err != nil {
				t.Errorf("FitLogistic with no features = %v", err)
			}
			x := [][]float64{{0, math.MaxFloat64}, {1, -math.MaxFloat64}, {2, 0}, {3, 1}}
			y := []bool{false, true, false, true}
			_, _, err = scoring.FitLogistic(x, y, scoring.FitOptions{MaxIterations: math.MaxInt})
			sweep.WantInvalid(t, err)
			// A tolerance float64 cannot resolve is never met: the fit
			// runs to its cap, which is bounded.
			l, _, err := scoring.FitLogistic(x, y, scoring.FitOptions{C: math.MaxFloat64, MaxIterations: scoring.MaxFitIterations, Tolerance: math.SmallestNonzeroFloat64})
			if err != nil {
				t.Fatal(err)
			}
			l.Predict(nil)
			l.Predict([]float64{nan, math.Inf(1), 0})
		}},
		{Name: "Logistic and Calibrate/zero, nil, NaN", Run: func(t *testing.T) {
			var l scoring.Logistic
			if p := l.Predict(nil); p != 0.5 {
				t.Errorf("Predict = %v", p)
			}
			if z := (scoring.Logistic{Intercept: 1, Coefficients: []float64{2, 3}}).LogOdds([]float64{1, 1, 1, 1}); z != 6 {
				t.Errorf("LogOdds with more features than coefficients = %v", z)
			}
			if got := scoring.Calibrate(nil, nil, 0); got != nil {
				t.Errorf("Calibrate(nil) = %v", got)
			}
			scoring.Calibrate([]float64{nan, math.Inf(1), -1, 2}, []bool{true}, math.MaxInt)
			scoring.Calibrate([]float64{nan, math.Inf(1), -1, 2}, []bool{true, false, true, false}, math.MinInt)
		}},
		{Name: "Health/zero rules and zero Health", Run: func(t *testing.T) {
			_, err := scoring.HealthRules{}.Compile()
			sweep.WantInvalid(t, err)
			var h scoring.Health
			_, err = h.Assess(qun.Growth, scoring.Vitals{Growth: 0.1}, scoring.Vitals{Growth: 0.1})
			sweep.WantInvalid(t, err)
		}},
		{Name: "Health/NaN, extreme and unknown stage", Run: func(t *testing.T) {
			h, err := scoring.DefaultHealthRules().Compile()
			if err != nil {
				t.Fatal(err)
			}
			_, err = h.Assess(0, scoring.Vitals{}, scoring.Vitals{})
			sweep.WantInvalid(t, err)
			_, err = h.Assess(200, scoring.Vitals{}, scoring.Vitals{})
			sweep.WantInvalid(t, err)
			_, err = h.Assess(qun.Growth, scoring.Vitals{Growth: nan}, scoring.Vitals{Loyalty: math.Inf(1)})
			sweep.WantInvalid(t, err)
			rep, err := h.Assess(qun.Mature, scoring.Vitals{Growth: math.MaxFloat64, Activity: -math.MaxFloat64}, scoring.Vitals{Growth: -math.MaxFloat64, Activity: math.SmallestNonzeroFloat64})
			if err != nil {
				t.Fatal(err)
			}
			if math.IsNaN(rep.Score) || math.IsNaN(rep.Change) {
				t.Errorf("report %+v", rep)
			}
			r := scoring.DefaultHealthRules()
			r.Weights[200] = scoring.Vitals{}
			delete(r.Weights, qun.Growth)
			sweep.WantInvalid(t, r.Validate())
		}},
		{Name: "Vitals, components and warnings/zero and unknown", Run: func(t *testing.T) {
			if v := scoring.MeanVitals(); v != (scoring.Vitals{}) {
				t.Errorf("MeanVitals() = %v", v)
			}
			scoring.MeanVitals(scoring.Vitals{Growth: math.MaxFloat64}, scoring.Vitals{Growth: math.MaxFloat64})
			if (scoring.Vitals{Growth: 1}).Of(0) != 0 || (scoring.Vitals{}).Of(200) != 0 {
				t.Error("Of an unknown component")
			}
			_, err := scoring.Component(0).MarshalText()
			sweep.WantInvalid(t, err)
			var c scoring.Component
			sweep.WantInvalid(t, c.UnmarshalText(nil))
			if (scoring.Warning{}).String() == "" || scoring.Component(200).String() == "" {
				t.Error("an empty description")
			}
		}},
		{Name: "Intent/zero rules, zero Intent, nil and extreme", Run: func(t *testing.T) {
			_, err := scoring.IntentRules{}.Compile()
			sweep.WantInvalid(t, err)
			_, err = scoring.IntentRules{Engaged: &scoring.EngagedSignal{Threshold: nan, Weight: math.Inf(1)}}.Compile()
			sweep.WantInvalid(t, err)
			var zero scoring.Intent
			if got := zero.Leads(slices.Values(farEvents()), map[qun.MemberID]float64{"u": 1}, sweep.Now, 3); len(got) != 0 {
				t.Errorf("Leads of the zero Intent = %v", got)
			}
			zero.Rules()
			in, err := scoring.IntentRules{
				Signals: []scoring.Rule{{Name: "posts", Event: qun.EventFilter{Name: "post"}, Weight: 1, Max: math.MaxInt64, Window: math.MaxInt64}},
				Engaged: &scoring.EngagedSignal{Threshold: 1, Weight: 2},
			}.Compile()
			if err != nil {
				t.Fatal(err)
			}
			if got := in.Leads(nil, nil, sweep.Now, 3); len(got) != 0 {
				t.Errorf("Leads(nil, nil) = %v", got)
			}
			for _, k := range []int{math.MinInt, 0, math.MaxInt} {
				for _, now := range []time.Time{{}, sweep.YearOne, sweep.Year9999} {
					in.Leads(slices.Values(farEvents()), map[qun.MemberID]float64{"far": nan, "u": math.Inf(1)}, now, k)
				}
			}
		}},
		{Name: "Meter/zero rules, zero Meter, nil and extreme", Run: func(t *testing.T) {
			_, err := scoring.MeasureRules{}.Compile()
			sweep.WantInvalid(t, err)
			var zero scoring.Meter
			if got := zero.Measure(slices.Values(farEvents()), sweep.Now); len(got) != 0 {
				t.Errorf("Measure of the zero Meter = %v", got)
			}
			zero.Rules()
			m, err := measureRules.Compile()
			if err != nil {
				t.Fatal(err)
			}
			if got := m.Measure(nil, sweep.Now); len(got) != 0 {
				t.Errorf("Measure(nil) = %v", got)
			}
			for _, now := range []time.Time{{}, sweep.YearOne, sweep.Year9999} {
				m.Measure(slices.Values(farEvents()), now)
			}
		}},
	})
}

// TestZeroSweepJSON reads garbage into every type with a strict JSON form,
// and validates the zero value of every type with a Validate method: no
// panic, and every refusal matches qun.ErrInvalid.
func TestZeroSweepJSON(t *testing.T) {
	decoders := []json.Unmarshaler{
		new(scoring.ChurnModel),
		new(scoring.EngagementRules),
		new(scoring.FitOptions),
		new(scoring.HealthRules),
		new(scoring.IntentRules),
		new(scoring.MeasureRules),
	}
	validators := []interface{ Validate() error }{
		scoring.ChurnModel{},
		scoring.EngagementRules{},
		scoring.FitOptions{},
		scoring.HealthRules{},
		scoring.IntentRules{},
		scoring.MeasureRules{},
	}
	sweep.JSON(t, decoders, validators)
}
