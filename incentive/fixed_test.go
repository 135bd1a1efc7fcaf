package incentive

import (
	"testing"
	"time"

	"github.com/qunkit/qun"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// TestFastAmountsMatchDecimal pins the engine's int64 arithmetic to the
// decimal computation it falls back to: for any rule constants (fixed or
// per unit, whole units or not), up to six multipliers in any subset,
// scale and rounding, and event values at and past the edges of int64,
// the int64 path either gives the base and wanted amounts the decimal path
// gives, or reports an overflow, and then Evaluate takes the decimal path.
// It also checks that it reached all three outcomes: the int64 path, the
// fallback, and amounts too large for either.
func TestFastAmountsMatchDecimal(t *testing.T) {
	var fast, fallback, neither int
	rapid.Check(t, func(t *rapid.T) {
		kind := Kind{Name: "k", Scale: int32(rapid.IntRange(0, maxScale).Draw(t, "scale")), Rounding: Rounding(rapid.IntRange(0, 3).Draw(t, "rounding"))}
		r := Rule{ID: "r", Kind: "k", Event: qun.EventFilter{Name: "e"}}
		if rapid.Bool().Draw(t, "per unit") {
			r.Points = drawConstant(t, "rate", -9, 6)
			r.Per = drawConstant(t, "per", -9, 12)
			r.WholeUnits = rapid.Bool().Draw(t, "whole units")
		} else {
			r.Points = drawConstant(t, "points", -kind.Scale, 12) // exact at the scale
		}
		for i := range rapid.IntRange(0, 6).Draw(t, "multipliers") {
			r.Multipliers = append(r.Multipliers, Multiplier{Name: string(rune('a' + i)), Factor: drawConstant(t, "factor", -9, 2)})
		}
		value := decimal.NewFromBigInt(drawCoefficient(t, "value", 20), int32(rapid.IntRange(-12, 20).Draw(t, "value exponent")))
		eng, err := Compile(Program{Kinds: []Kind{kind}, Rules: []Rule{r}})
		if err != nil {
			t.Fatal(err)
		}
		c := &eng.rules[0]
		mask := rapid.Uint32Range(0, 1<<len(r.Multipliers)-1).Draw(t, "mask")
		v, vok := fxOf(value)
		var base, want int64
		q, ok := c.exactQuantity(v, vok)
		if ok {
			base, want, ok = c.roundQuantity(q, mask)
		}
		sBase, sWant, sOK := c.slowAmounts(value, mask)
		switch {
		case !ok && sOK:
			fallback++
			return
		case !ok:
			neither++
			return
		}
		fast++
		if !sOK || base != sBase || want != sWant {
			t.Fatalf("int64: %d, %d, %v; decimal: %d, %d, %v", base, want, ok, sBase, sWant, sOK)
		}
		// The unrounded base Explain shows: present exactly when rounding
		// changed the base, and the exact value cut to 9 places.
		num, den := c.exactBase(value)
		exact := num.Equal(fromUnits(base, kind.Scale).Mul(den))
		if q.exactAt(kind.Scale, base) != exact {
			t.Fatalf("exactAt = %v, but %s/%s rounded is %d units", !exact, num, den, base)
		}
		if want, _ := num.QuoRem(den, unroundedPlaces); !exact && !q.truncated().Equal(want) {
			t.Fatalf("truncated = %s, want %s", q.truncated(), want)
		}
	})
	t.Logf("int64: %d, fallback to decimal: %d, too large for both: %d", fast, fallback, neither)
	if !testing.Short() && (fast == 0 || fallback == 0 || neither == 0) {
		t.Errorf("the property did not reach every outcome")
	}
}

func TestDivRoundMatchesDecimal(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		num := rapid.Int64Range(0, 1<<62).Draw(t, "num")
		den := rapid.Int64Range(1, 1<<40).Draw(t, "den")
		r := Rounding(rapid.IntRange(0, 3).Draw(t, "rounding"))
		got := divRound(num, den, r)
		want := r.divRound(decimal.NewFromInt(num), decimal.NewFromInt(den), 0)
		if !want.Equal(decimal.NewFromInt(got)) {
			t.Fatalf("%d/%d rounded %s: int64 %d, decimal %s", num, den, r, got, want)
		}
		if r == HalfUp {
			// decimal's own DivRound rounds half away from zero.
			if d := decimal.NewFromInt(num).DivRound(decimal.NewFromInt(den), 0); !d.Equal(want) {
				t.Fatalf("%d/%d half up: %s, decimal.DivRound %s", num, den, want, d)
			}
		}
	})
}

// TestPeriodsAtMatchCalendar pins the engine's day, week and month indexes
// of an instant, computed from one zone lookup, to qun.Calendar.Index, in
// zones with DST (New York, Lord Howe's half hour, Santiago's midnight
// changes) and without, for every first day of the week.
func TestPeriodsAtMatchCalendar(t *testing.T) {
	zones := []string{"Asia/Shanghai", "America/New_York", "Australia/Lord_Howe", "America/Santiago", "Pacific/Apia", "UTC"}
	rapid.Check(t, func(t *rapid.T) {
		cal := qun.Calendar{Zone: qun.MustLoadZone(rapid.SampledFrom(zones).Draw(t, "zone")), WeekStart: time.Weekday(rapid.IntRange(0, 6).Draw(t, "week start"))}
		eng, err := Compile(Program{Calendar: cal, Kinds: []Kind{{Name: "k"}}})
		if err != nil {
			t.Fatal(err)
		}
		// From 1950 to 2100, and often within an hour of a DST change.
		at := time.Unix(rapid.Int64Range(-631152000, 4102444800).Draw(t, "unix"), 0)
		if rapid.Bool().Draw(t, "near a transition") {
			if _, end := at.In(cal.Location()).ZoneBounds(); !end.IsZero() {
				at = end.Add(time.Duration(rapid.Int64Range(-3600, 3600).Draw(t, "seconds from it")) * time.Second)
			}
		}
		got := eng.periodsAt(at)
		want := [3]int64{cal.Index(qun.Day, at), cal.Index(qun.Week, at), cal.Index(qun.Month, at)}
		if got != want {
			t.Fatalf("%v in %s: periodsAt = %v, Calendar.Index = %v", at, cal.Zone, got, want)
		}
	})
}

// TestUnitsMatchDecimal pins units, and its fast path for amounts at the
// scale or coarser, to decimal arithmetic: d (not negative: caps, tallies,
// usage and budgets) in units of 10^-scale, rounded up, or not ok when it
// does not fit an int64.
func TestUnitsMatchDecimal(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		d := decimal.New(rapid.Int64Range(0, 1e18).Draw(t, "coefficient"), int32(rapid.IntRange(-12, 12).Draw(t, "exponent")))
		scale := int32(rapid.IntRange(0, maxScale).Draw(t, "scale"))
		got, ok := units(d, scale)
		want := d.Shift(scale).RoundCeil(0)
		switch {
		case ok && !decimal.NewFromInt(got).Equal(want):
			t.Fatalf("units(%s, %d) = %d, want %s", d, scale, got, want)
		case !ok && want.LessThan(decimal.New(1, 18)):
			t.Fatalf("units(%s, %d) does not fit, but %s does", d, scale, want)
		}
	})
}
