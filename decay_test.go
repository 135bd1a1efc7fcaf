package qun_test

import (
	"encoding/json"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/qunkit/qun"
	"pgregory.net/rapid"
)

var week = qun.Decay{HalfLife: qun.Days(7)}

func TestDecayHalves(t *testing.T) {
	t0 := utc("2026-11-01T00:00:00Z")
	s := week.Add(qun.Decayed{}, 8, t0)
	for i, want := range []float64{8, 4, 2, 1, 0.5} {
		now := t0.Add(time.Duration(i) * 7 * 24 * time.Hour)
		if got := week.ValueAt(s, now); got != want {
			t.Errorf("after %d half-lives: %v, want %v", i, got, want)
		}
	}
	// A clock that goes backwards does not make the value grow.
	if got := week.ValueAt(s, t0.Add(-time.Hour)); got != 8 {
		t.Errorf("ValueAt before At = %v, want 8", got)
	}
	// An event older than the state is added already decayed.
	s = week.Add(s, 8, t0.Add(-7*24*time.Hour))
	if s.Value != 12 || !s.At.Equal(t0) {
		t.Errorf("adding an older event gave %+v, want 12 at %v", s, t0)
	}
	// The zero Decay does not decay.
	var never qun.Decay
	if got := never.ValueAt(qun.Decayed{Value: 3, At: t0}, t0.Add(1000*time.Hour)); got != 3 {
		t.Errorf("zero Decay decayed to %v", got)
	}
	if got := week.Factor(-time.Hour); got != 1 {
		t.Errorf("Factor(-1h) = %v", got)
	}
	if err := (qun.Decay{HalfLife: -1}).Validate(); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("negative half-life: %v", err)
	}
}

func TestDecayJSON(t *testing.T) {
	data, err := json.Marshal(week)
	if err != nil || string(data) != `{"half_life":"7d"}` {
		t.Errorf("Marshal = %s, %v", data, err)
	}
	s := qun.Decayed{Value: 1.5, At: utc("2026-11-22T08:00:00Z")}
	data, err = json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var back qun.Decayed
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(s, back); diff != "" {
		t.Errorf("round trip of %s (-want +got):\n%s", data, diff)
	}
	if data, _ := json.Marshal(qun.Decayed{}); string(data) != `{"value":0}` {
		t.Errorf("zero Decayed = %s", data)
	}
}

type weighted struct {
	w  float64
	at time.Time
}

func genWeighted(t *rapid.T, label string) []weighted {
	t0 := utc("2026-01-01T00:00:00Z")
	return rapid.SliceOfN(rapid.Custom(func(t *rapid.T) weighted {
		return weighted{
			w:  rapid.Float64Range(0, 100).Draw(t, "w"),
			at: t0.Add(time.Duration(rapid.Int64Range(0, 365*24*3600).Draw(t, "second")) * time.Second),
		}
	}), 0, 30).Draw(t, label)
}

func sum(d qun.Decay, events []weighted) qun.Decayed {
	var s qun.Decayed
	for _, e := range events {
		s = d.Add(s, e.w, e.at)
	}
	return s
}

func closeTo(a, b float64) bool {
	return math.Abs(a-b) <= 1e-9*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// The decayed sum does not depend on the order events arrive in, merging
// shards equals summing their union, merge is commutative (exactly) and
// associative (to rounding), and without events the value only falls.
func TestDecayProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		d := qun.Decay{HalfLife: qun.Duration(rapid.Int64Range(int64(time.Hour), int64(90*24*time.Hour)).Draw(t, "half-life"))}
		a, b, c := genWeighted(t, "a"), genWeighted(t, "b"), genWeighted(t, "c")
		sa, sb, sc := sum(d, a), sum(d, b), sum(d, c)
		union := sum(d, append(append(append([]weighted{}, a...), b...), c...))
		now := utc("2027-02-01T00:00:00Z")

		ab, ba := d.Merge(sa, sb), d.Merge(sb, sa)
		if ab.Value != ba.Value || !ab.At.Equal(ba.At) {
			t.Fatalf("Merge is not commutative: %+v vs %+v", ab, ba)
		}
		left, right := d.Merge(ab, sc), d.Merge(sa, d.Merge(sb, sc))
		if !closeTo(d.ValueAt(left, now), d.ValueAt(right, now)) {
			t.Fatalf("Merge is not associative: %v vs %v", d.ValueAt(left, now), d.ValueAt(right, now))
		}
		if !closeTo(d.ValueAt(left, now), d.ValueAt(union, now)) {
			t.Fatalf("merged shards %v, union %v", d.ValueAt(left, now), d.ValueAt(union, now))
		}
		reversed := make([]weighted, 0, len(a))
		for i := len(a) - 1; i >= 0; i-- {
			reversed = append(reversed, a[i])
		}
		if !closeTo(d.ValueAt(sa, now), d.ValueAt(sum(d, reversed), now)) {
			t.Fatal("the order of events changed the value")
		}
		later := now.Add(time.Duration(rapid.Int64Range(0, int64(1000*time.Hour)).Draw(t, "later")))
		if d.ValueAt(union, later) > d.ValueAt(union, now) {
			t.Fatal("the value grew without events")
		}
	})
}

func TestDecayFallsTo(t *testing.T) {
	t0 := utc("2026-11-01T00:00:00Z")
	s := qun.Decayed{Value: 8, At: t0}
	tests := []struct {
		d     qun.Decay
		level float64
		want  time.Time
		ok    bool
	}{
		{week, 4, t0.Add(7 * 24 * time.Hour), true},
		{week, 1, t0.Add(21 * 24 * time.Hour), true},
		{week, 8, t0, true},
		{week, 9, t0, true},
		{week, 0, time.Time{}, false},
		{qun.Decay{}, 1, time.Time{}, false},
	}
	for _, tt := range tests {
		got, ok := tt.d.FallsTo(s, tt.level)
		if ok != tt.ok || !got.Equal(tt.want) {
			t.Errorf("FallsTo(%v) with half-life %v = %v, %v; want %v, %v", tt.level, tt.d.HalfLife, got, ok, tt.want, tt.ok)
		}
	}
}

// FallsTo is where ValueAt crosses the level: equal to it there, above it
// before.
func TestDecayFallsToProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		d := qun.Decay{HalfLife: qun.Duration(rapid.Int64Range(int64(time.Minute), int64(365*24*time.Hour)).Draw(t, "half-life"))}
		s := qun.Decayed{Value: rapid.Float64Range(1e-6, 1e6).Draw(t, "value"), At: utc("2026-01-01T00:00:00Z")}
		level := rapid.Float64Range(1e-9, 1e6).Draw(t, "level")
		at, ok := d.FallsTo(s, level)
		if !ok {
			t.Fatalf("FallsTo(%v) from %v never", level, s.Value)
		}
		if s.Value <= level {
			if !at.Equal(s.At) {
				t.Fatalf("already below: %v, want %v", at, s.At)
			}
			return
		}
		if v := d.ValueAt(s, at); math.Abs(v-level) > level*(1e-12+math.Ln2/float64(d.HalfLife)) {
			t.Fatalf("at %v the value is %v, want %v", at, v, level)
		}
		if v := d.ValueAt(s, at.Add(-time.Duration(d.HalfLife)/1000)); v <= level {
			t.Fatalf("a thousandth of a half-life before %v the value is %v, not above %v", at, v, level)
		}
	})
}

// Elapsed times beyond time.Duration's 292 years still decay correctly.
func TestDecayLongElapsed(t *testing.T) {
	d := qun.Decay{HalfLife: qun.Days(200 * 365)}
	s := qun.Decayed{Value: 1, At: utc("1000-01-01T00:00:00Z")}
	got := d.ValueAt(s, s.At.AddDate(0, 0, 1000*365))
	want := 0.03125 // 365,000 days over a half-life of 73,000 days: 2^-5
	if !closeTo(got, want) {
		t.Errorf("after 1000 years with a 200-year half-life: %v, want about %v", got, want)
	}
}
