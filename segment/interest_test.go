package segment

import (
	"encoding/json"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/qunkit/qun"
	"pgregory.net/rapid"
)

var wineInterests = Interests{
	Decay:     qun.Decay{HalfLife: qun.Days(30)},
	Threshold: 3,
	Rules: []InterestRule{
		{Event: qun.EventFilter{Name: "read_article"}, TagProp: "topic", Prefix: "wine/", Weight: 1},
		{Event: qun.EventFilter{Name: "attend_tasting", Where: []qun.Condition{{Prop: "region", Op: qun.OpExact, Values: []string{"italy", "piedmont"}}}}, Tag: "wine/italian", Weight: 4},
	},
}

func TestInterestsValidate(t *testing.T) {
	if err := wineInterests.Validate(); err != nil {
		t.Fatal(err)
	}
	bad := Interests{
		Decay:     qun.Decay{HalfLife: -1},
		Threshold: 0,
		Rules: []InterestRule{
			{Event: qun.EventFilter{Name: "x"}, Tag: "a", TagProp: "b", Weight: 1},
			{Event: qun.EventFilter{Name: "x"}, Tag: "a/", Prefix: "p", Weight: 0},
			{Event: qun.EventFilter{Name: ""}, Weight: math.NaN()},
		},
	}
	want := []string{"decay.half_life", "threshold", "rules[0]", "rules[1].prefix", "rules[1].tag", "rules[1].weight", "rules[2].event.name", "rules[2]", "rules[2].weight"}
	if diff := cmp.Diff(want, fields(bad.Validate())); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
}

func TestInterestsGains(t *testing.T) {
	type gain struct {
		Tag    string
		Weight float64
	}
	collect := func(e qun.Event) []gain {
		var out []gain
		for tag, w := range wineInterests.Gains(e) {
			out = append(out, gain{tag, w})
		}
		return out
	}
	tests := []struct {
		event qun.Event
		want  []gain
	}{
		{qun.Event{Name: "read_article", Props: map[string]string{"topic": "italian"}}, []gain{{"wine/italian", 1}}},
		{qun.Event{Name: "read_article"}, nil},
		{qun.Event{Name: "read_article", Props: map[string]string{"topic": "/bad"}}, nil},
		{qun.Event{Name: "attend_tasting", Props: map[string]string{"region": "piedmont"}}, []gain{{"wine/italian", 4}}},
		{qun.Event{Name: "attend_tasting", Props: map[string]string{"region": "france"}}, nil},
		{qun.Event{Name: "purchase"}, nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, collect(tt.event)); diff != "" {
			t.Errorf("Gains(%v) (-want +got):\n%s", tt.event, diff)
		}
	}
}

func TestInterestsTags(t *testing.T) {
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	var state []Interest
	for _, e := range []qun.Event{
		{Member: "lin", Name: "read_article", Time: t0, Props: map[string]string{"topic": "italian"}},
		{Member: "lin", Name: "attend_tasting", Time: t0, Props: map[string]string{"region": "italy"}},
		{Member: "lin", Name: "read_article", Time: t0, Props: map[string]string{"topic": "french"}},
	} {
		state = wineInterests.Observe(state, e)
	}
	if got := []string{state[0].Tag, state[1].Tag}; !slices.Equal(got, []string{"wine/french", "wine/italian"}) {
		t.Fatalf("state tags = %v", got)
	}
	// wine/italian: 5 at t0, 2.5 thirty days later; the threshold 3 is
	// crossed at 30·log2(5/3) ≈ 22.1 days.
	tags := wineInterests.Tags(state, t0)
	if len(tags) != 1 || tags[0].Name != "wine/italian" || tags[0].Weight != 5 || tags[0].Source != SourceBehaviour {
		t.Fatalf("Tags at t0 = %+v", tags)
	}
	fade := tags[0].Expires
	if d := fade.Sub(t0); d < 22*24*time.Hour || d > 23*24*time.Hour {
		t.Errorf("fades after %v, want about 22.1 days", d)
	}
	if !wineInterests.Held(state[1].Strength, fade.Add(-time.Nanosecond)) || wineInterests.Held(state[1].Strength, fade) {
		t.Errorf("Fades is not the first instant the interest is no longer held")
	}
	if tags := wineInterests.Tags(state, t0.AddDate(0, 0, 30)); len(tags) != 0 {
		t.Errorf("Tags a month later = %+v, want none", tags)
	}
	data, _ := json.Marshal(wineInterests)
	var back Interests
	if err := json.Unmarshal(data, &back); err != nil || !cmp.Equal(back, wineInterests) {
		t.Errorf("JSON round trip: %s, %v", data, err)
	}
}

// Observing events in any order gives the same strengths (up to float
// rounding), and Fades is exact to the nanosecond.
func TestInterestsProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		in := wineInterests
		in.Decay.HalfLife = rapid.SampledFrom([]qun.Duration{0, qun.Days(1), qun.Days(30), qun.Duration(time.Minute)}).Draw(t, "half_life")
		in.Threshold = rapid.Float64Range(0.5, 20).Draw(t, "threshold")
		var events []qun.Event
		for i := range rapid.IntRange(1, 10).Draw(t, "n") {
			_ = i
			e := qun.Event{Member: "m", Time: testNow.Add(time.Duration(rapid.Int64Range(-100*86400, 0).Draw(t, "s")) * time.Second)}
			if rapid.Bool().Draw(t, "read") {
				e.Name, e.Props = "read_article", map[string]string{"topic": rapid.SampledFrom([]string{"italian", "french"}).Draw(t, "topic")}
			} else {
				e.Name, e.Props = "attend_tasting", map[string]string{"region": "italy"}
			}
			events = append(events, e)
		}
		var a, b []Interest
		for _, e := range events {
			a = in.Observe(a, e)
		}
		for _, e := range rapid.Permutation(events).Draw(t, "shuffled") {
			b = in.Observe(b, e)
		}
		if len(a) != len(b) {
			t.Fatalf("%d interests in order, %d shuffled", len(a), len(b))
		}
		for i := range a {
			va, vb := in.Strength(a[i].Strength, testNow), in.Strength(b[i].Strength, testNow)
			if a[i].Tag != b[i].Tag || math.Abs(va-vb) > 1e-9*math.Max(1, math.Abs(va)) {
				t.Fatalf("%s: %v in order, %s: %v shuffled", a[i].Tag, va, b[i].Tag, vb)
			}
			s := a[i].Strength
			fade := in.Fades(s)
			switch {
			case !in.Held(s, s.At):
				if !fade.Equal(s.At) {
					t.Fatalf("an interest not held fades at %v, not at once", fade)
				}
			case s.At.IsZero() || in.Decay.HalfLife == 0:
				// Neither decays: held now is held for ever.
				if !fade.IsZero() {
					t.Fatalf("an interest that does not decay fades at %v", fade)
				}
			case fade.IsZero():
				if in.Decay.HalfLife != 0 {
					t.Fatalf("a decaying interest never fades")
				}
			default:
				if !in.Held(s, fade.Add(-time.Nanosecond)) || in.Held(s, fade) {
					t.Fatalf("Fades = %v is not the first instant not held", fade)
				}
			}
		}
	})
}

// Fades returns, whatever the state and even for interests Validate
// refuses: the zero time only when the interest never fades, s.At when it
// is not held, and otherwise the first instant not held. (It once looped
// for ever on a state anchored nowhere, whose value never decays.)
func TestFadesAnyState(t *testing.T) {
	valid := func(in Interests) bool {
		return in.Threshold > 0 && !math.IsInf(in.Threshold, 0) && in.Decay.HalfLife >= 0
	}
	check := func(t *rapid.T, in Interests, s qun.Decayed) {
		done := make(chan time.Time, 1)
		go func() { done <- in.Fades(s) }()
		var fade time.Time
		select {
		case fade = <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("Fades(%+v) of %+v does not return", s, in)
		}
		if !valid(in) {
			return
		}
		latest := time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
		switch {
		case !in.Held(s, s.At):
			if !fade.Equal(s.At) {
				t.Fatalf("an interest not held fades at %v, not at once", fade)
			}
		case s.At.IsZero() || in.Decay.HalfLife == 0:
			// Neither decays: held now is held for ever.
			if !fade.IsZero() {
				t.Fatalf("an interest that does not decay fades at %v", fade)
			}
		case fade.IsZero():
			if in.Decay.HalfLife != 0 && !s.At.IsZero() {
				t.Fatalf("a decaying interest never fades")
			}
			if !in.Held(s, latest) {
				t.Fatalf("an interest that never fades is not held in 9999")
			}
		case fade.Equal(latest):
		default:
			if !in.Held(s, fade.Add(-time.Nanosecond)) || in.Held(s, fade) {
				t.Fatalf("Fades = %v is not the first instant not held", fade)
			}
		}
	}
	rapid.Check(t, func(t *rapid.T) {
		in := Interests{
			Decay: qun.Decay{HalfLife: rapid.SampledFrom([]qun.Duration{0, -1, 1, qun.Days(30), qun.Duration(time.Hour)}).Draw(t, "half_life")},
			Threshold: rapid.OneOf(
				rapid.Float64Range(1e-9, 1e6),
				rapid.SampledFrom([]float64{0, -1, math.NaN(), math.Inf(1), math.Inf(-1), math.SmallestNonzeroFloat64}),
			).Draw(t, "threshold"),
		}
		s := qun.Decayed{Value: rapid.OneOf(
			rapid.Float64Range(-10, 1e9),
			rapid.SampledFrom([]float64{0, math.NaN(), math.Inf(1), math.MaxFloat64}),
		).Draw(t, "value")}
		switch rapid.IntRange(0, 3).Draw(t, "at") {
		case 0: // anchored nowhere
		case 1:
			s.At = testNow.Add(time.Duration(rapid.Int64().Draw(t, "offset")))
		case 2:
			s.At = time.Date(rapid.IntRange(1, 9999).Draw(t, "year"), 1, 1, 0, 0, 0, 0, time.UTC)
		default:
			s.At = testNow
		}
		check(t, in, s)
	})
}
