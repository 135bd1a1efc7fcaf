package scoring

import (
	"math"
	"testing"
	"time"

	"github.com/qunkit/qun"
	"pgregory.net/rapid"
)

// The hot forms perform the root's floating-point operations exactly.
func TestHotDecayMirrorsRoot(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		d := qun.Decay{HalfLife: qun.Duration(rapid.SampledFrom([]int64{0, 1, int64(time.Hour), int64(7 * 24 * time.Hour), math.MaxInt64}).Draw(t, "half-life"))}
		h := newHotDecay(d)
		instant := func(label string) (int64, time.Time) {
			n := rapid.OneOf(
				rapid.Int64(),
				rapid.Int64Range(-int64(100*365*24*time.Hour), int64(100*365*24*time.Hour)),
				rapid.SampledFrom([]int64{math.MinInt64 + 1, 0, math.MaxInt64}),
			).Draw(t, label)
			return n, time.Unix(0, n)
		}
		an, at := instant("a.at")
		bn, bt := instant("b.at")
		nn, now := instant("now")
		av := rapid.Float64().Draw(t, "a")
		bv := rapid.Float64().Draw(t, "b")
		a, b := qun.Decayed{Value: av, At: at}, qun.Decayed{Value: bv, At: bt}
		if got, want := h.valueAt(av, an, nn), d.ValueAt(a, now); !same(got, want) {
			t.Fatalf("valueAt = %v, ValueAt = %v", got, want)
		}
		gv, gat := h.merge(av, an, bv, bn)
		want := d.Merge(a, b)
		if !same(gv, want.Value) || gat != want.At.UnixNano() {
			t.Fatalf("merge = %v at %d, Merge = %v at %v", gv, gat, want.Value, want.At)
		}
		// The unanchored hot value is the zero Decayed.
		gv, gat = h.merge(0, unanchored, bv, bn)
		want = d.Merge(qun.Decayed{}, b)
		if !same(gv, want.Value) || gat != want.At.UnixNano() {
			t.Fatalf("merge from unanchored = %v at %d, Merge from zero = %v at %v", gv, gat, want.Value, want.At)
		}
		if got, want := h.valueAt(0, unanchored, nn), d.ValueAt(qun.Decayed{}, now); !same(got, want) {
			t.Fatalf("unanchored valueAt = %v, zero ValueAt = %v", got, want)
		}
	})
}

// same compares floats bit for bit, NaNs included.
func same(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) }

// The day clock tells the same local day as the calendar, across DST
// changes, half-hour zones and zones whose clocks went back across
// midnight, in any order of instants.
func TestDayClockMirrorsCalendar(t *testing.T) {
	zones := []string{"UTC", "Asia/Shanghai", "America/New_York", "Australia/Lord_Howe", "America/Sao_Paulo", "Pacific/Apia", "Asia/Kolkata", "Europe/London", "+05:45"}
	rapid.Check(t, func(t *rapid.T) {
		cal := qun.Calendar{Zone: qun.MustLoadZone(rapid.SampledFrom(zones).Draw(t, "zone"))}
		clock := newDayClock(cal.Location())
		base := rapid.Int64Range(-int64(80*365*24*time.Hour), int64(100*365*24*time.Hour)).Draw(t, "base")
		for range rapid.IntRange(1, 50).Draw(t, "n") {
			n := base + rapid.Int64Range(-int64(400*24*time.Hour), int64(400*24*time.Hour)).Draw(t, "offset")
			if got, want := clock.day(n), cal.Index(qun.Day, time.Unix(0, n)); got != want {
				t.Fatalf("%v: day(%v) = %d, Calendar.Index = %d", cal.Zone, time.Unix(0, n).In(cal.Location()), got, want)
			}
		}
	})
}

func TestFloorDiv(t *testing.T) {
	for _, tc := range [][3]int64{{7, 2, 3}, {-7, 2, -4}, {-8, 2, -4}, {0, 5, 0}, {-1, 86400, -1}, {math.MinInt64, 1e9, -9223372037}} {
		if got := floorDiv(tc[0], tc[1]); got != tc[2] {
			t.Errorf("floorDiv(%d, %d) = %d, want %d", tc[0], tc[1], got, tc[2])
		}
	}
}
