package scoring_test

import (
	"encoding/json"
	"errors"
	"math"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/qunkit/qun"
	"github.com/qunkit/qun/scoring"
	"pgregory.net/rapid"
)

func TestHealthAssess(t *testing.T) {
	h, err := scoring.DefaultHealthRules().Compile()
	if err != nil {
		t.Fatal(err)
	}
	baseline := scoring.Vitals{Growth: 0.05, Activity: 0.25, Retention: 0.42, Interaction: 0.12, Reach: 0.30, Loyalty: 0.20}
	current := scoring.Vitals{Growth: 0.045, Activity: 0.17, Retention: 0.44, Interaction: 0.11, Reach: 0.33, Loyalty: 0.21}
	report, err := h.Assess(qun.Growth, current, baseline)
	if err != nil {
		t.Fatal(err)
	}
	// Growth stage: retention and interaction weigh 0.3 each.
	want := scoring.HealthReport{
		Stage: qun.Growth,
		Components: []scoring.ComponentScore{
			{Component: scoring.Growth, Value: 0.045, Baseline: 0.05, Change: -0.1, Score: 0.45, Weight: 0.10, Points: 4.5},
			{Component: scoring.Activity, Value: 0.17, Baseline: 0.25, Change: -0.32, Score: 0.85, Weight: 0.15, Points: 12.75},
			{Component: scoring.Retention, Value: 0.44, Baseline: 0.42, Change: 0.02 / 0.42, Score: 1, Weight: 0.30, Points: 30},
			{Component: scoring.Interaction, Value: 0.11, Baseline: 0.12, Change: -0.01 / 0.12, Score: 1, Weight: 0.30, Points: 30},
			{Component: scoring.Reach, Value: 0.33, Baseline: 0.30, Change: 0.1, Score: 1, Weight: 0.10, Points: 10},
			{Component: scoring.Loyalty, Value: 0.21, Baseline: 0.20, Change: 0.05, Score: 0.7, Weight: 0.05, Points: 3.5},
		},
		Warnings: []scoring.Warning{{Component: scoring.Activity, From: 0.25, To: 0.17, Change: -0.32, Threshold: 0.2}},
	}
	want.Score = 4.5 + 12.75 + 30 + 30 + 10 + 3.5
	want.Baseline = 100 * (0.10*0.5 + 0.15*1 + 0.30*1 + 0.30*1 + 0.10*1 + 0.05*(0.2/0.3))
	want.Change = want.Score - want.Baseline
	if diff := gocmp.Diff(want, report, cmpopts.EquateApprox(0, 1e-9)); diff != "" {
		t.Errorf("Assess (-want +got):\n%s", diff)
	}
	if got := report.Warnings[0].String(); got != "activity fell 32% (0.25 → 0.17), more than the 20% threshold" {
		t.Errorf("warning reads %q", got)
	}
	if _, err := h.Assess(0, current, baseline); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("invalid stage: %v", err)
	}
	bad := current
	bad.Activity = math.NaN()
	if _, err := h.Assess(qun.Growth, bad, baseline); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("NaN vitals: %v", err)
	}
	mean := scoring.MeanVitals(baseline, current)
	if math.Abs(mean.Activity-0.21) > 1e-12 {
		t.Errorf("MeanVitals activity = %v", mean.Activity)
	}
}

// The composite is between 0 and 100 and its points add up to it; a
// component warns exactly when it fell beyond its threshold.
func TestHealthProperties(t *testing.T) {
	h, err := scoring.DefaultHealthRules().Compile()
	if err != nil {
		t.Fatal(err)
	}
	rapid.Check(t, func(t *rapid.T) {
		vitals := func(label string) scoring.Vitals {
			f := rapid.Float64Range(-1, 2)
			return scoring.Vitals{Growth: f.Draw(t, label+".growth"), Activity: f.Draw(t, label+".activity"), Retention: f.Draw(t, label+".retention"),
				Interaction: f.Draw(t, label+".interaction"), Reach: f.Draw(t, label+".reach"), Loyalty: f.Draw(t, label+".loyalty")}
		}
		stage := rapid.SampledFrom([]qun.Stage{qun.Building, qun.Growth, qun.Mature, qun.Declining}).Draw(t, "stage")
		cur, base := vitals("current"), vitals("baseline")
		r, err := h.Assess(stage, cur, base)
		if err != nil {
			t.Fatal(err)
		}
		if r.Score < 0 || r.Score > 100+1e-9 {
			t.Fatalf("score %v", r.Score)
		}
		points := 0.0
		warned := map[scoring.Component]bool{}
		for _, w := range r.Warnings {
			warned[w.Component] = true
		}
		for _, c := range r.Components {
			points += c.Points
			fell := c.Baseline != 0 && (c.Value-c.Baseline)/math.Abs(c.Baseline) < -0.2
			if fell != warned[c.Component] {
				t.Fatalf("%v: %v → %v, warned %v", c.Component, c.Baseline, c.Value, warned[c.Component])
			}
		}
		if math.Abs(points-r.Score) > 1e-9 {
			t.Fatalf("points %v, score %v", points, r.Score)
		}
	})
}

func TestHealthRulesJSON(t *testing.T) {
	r := scoring.DefaultHealthRules()
	data, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var back scoring.HealthRules
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatalf("%v in %s", err, data)
	}
	if diff := gocmp.Diff(r, back); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	delete(r.Weights, qun.Mature)
	w := r.Weights[qun.Growth]
	w.Reach = -1
	r.Weights[qun.Growth] = w
	r.Targets.Loyalty = 0
	want := []string{"targets.loyalty", "weights.growth.reach", "weights.mature"}
	if diff := gocmp.Diff(want, fields(r.Validate())); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
}

func FuzzHealthRulesJSON(f *testing.F) {
	data, _ := json.Marshal(scoring.DefaultHealthRules())
	f.Add(data)
	f.Add([]byte(`{"targets":{"growth":1},"weights":{"adolescent":{}}}`))
	fuzzConfig[scoring.HealthRules](f)
}
