package segment

import (
	"iter"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/qunkit/qun"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// Nothing in the package panics on what it is handed: a nil pointer, a
// zero value, a nil iterator. Each entry point below is called with one,
// and either returns the documented useful zero (a nil snapshot is empty)
// or refuses with an error matching qun.ErrInvalid.
func TestNilAndZeroInputs(t *testing.T) {
	set := shopSet(t)
	snap, err := set.Evaluate(slices.Values(shop(t, set)), testNow)
	if err != nil {
		t.Fatal(err)
	}
	var (
		nilSet   *Set
		zeroSet  = new(Set)
		nilSnap  *Snapshot
		nilRec   *Record
		zeroRec  = new(Record)
		nilEval  *Evaluator
		zeroEval = new(Evaluator)
		nilBits  *Bitmap
		nilPop   iter.Seq[*Record]
	)
	withNil := slices.Values([]*Record{set.NewRecord("a"), nil})
	tag := Tag{Name: "vip", Weight: 1, Source: SourceManual}
	event := qun.Event{ID: "e", Member: "m", Name: "purchase", Time: testNow}

	// Entry points that return an error refuse.
	refusals := map[string]func() error{
		"Set(nil).Evaluate":        func() error { _, err := nilSet.Evaluate(slices.Values(shop(t, set)), testNow); return err },
		"Set(zero).Evaluate":       func() error { _, err := zeroSet.Evaluate(nil, testNow); return err },
		"Set(nil).Update":          func() error { _, err := nilSet.Update(snap, nil, nil, testNow); return err },
		"Set(zero).Update":         func() error { _, err := zeroSet.Update(nil, nil, nil, testNow); return err },
		"Set(nil).Explain":         func() error { _, err := nilSet.Explain(set.NewRecord("a"), "wine", testNow); return err },
		"Set(nil).Portrait":        func() error { _, err := nilSet.Portrait("wine", nil, testNow, PortraitSpec{}); return err },
		"Set(zero).Portrait":       func() error { _, err := zeroSet.Portrait("wine", nil, testNow, PortraitSpec{}); return err },
		"Set.Evaluate(nil record)": func() error { _, err := set.Evaluate(withNil, testNow); return err },
		"Set.Update(nil record)":   func() error { _, err := set.Update(snap, withNil, nil, testNow); return err },
		"Set.Portrait(nil record)": func() error {
			_, err := set.Portrait("wine", withNil, testNow, PortraitSpec{})
			return err
		},
		"Set.Explain(nil record)":      func() error { _, err := set.Explain(nilRec, "wine", testNow); return err },
		"Set.Explain(zero record)":     func() error { _, err := set.Explain(zeroRec, "wine", testNow); return err },
		"Set.Explain(unknown segment)": func() error { _, err := set.Explain(set.NewRecord("a"), "nope", testNow); return err },
		"Set.Explain(other set)":       func() error { _, err := set.Explain(shopSet(t).NewRecord("a"), "wine", testNow); return err },
		"Evaluator(nil).Explain":       func() error { _, err := nilEval.Explain(set.NewRecord("a"), "wine"); return err },
		"Evaluator(zero).Explain":      func() error { _, err := zeroEval.Explain(zeroRec, "wine"); return err },
		"Set(nil).At.Explain":          func() error { _, err := nilSet.At(testNow).Explain(nilSet.NewRecord("a"), "wine"); return err },
		"Record(nil).SetString":        func() error { return nilRec.SetString("city", "Shanghai") },
		"Record(zero).SetString":       func() error { return zeroRec.SetString("city", "Shanghai") },
		"Record(zero).SetNumber":       func() error { return zeroRec.SetNumber("age", 3) },
		"Record(zero).SetDecimal":      func() error { return zeroRec.SetDecimal("spend", decimal.NewFromInt(3)) },
		"Record(zero).SetBool":         func() error { return zeroRec.SetBool("vip", true) },
		"Record(zero).SetTime":         func() error { return zeroRec.SetTime("joined", testNow) },
		"Record(zero).SetStrings":      func() error { return zeroRec.SetStrings("languages", []string{"zh"}) },
		"Record(zero).Set":             func() error { return zeroRec.Set("city", "Shanghai") },
		"Record(zero).Unset":           func() error { return zeroRec.Unset("city") },
		"Record(nil).Unset":            func() error { return nilRec.Unset("city") },
		"Record(zero).AddTag":          func() error { return zeroRec.AddTag(tag) },
		"Record(nil).AddTag":           func() error { return nilRec.AddTag(tag) },
		"Record(zero).AddTags":         func() error { return zeroRec.AddTags(tag) },
		"Record(zero).AddEvent":        func() error { return zeroRec.AddEvent(event) },
		"Record(nil).AddEvent":         func() error { return nilRec.AddEvent(event) },
		"Set(nil).NewRecord.SetString": func() error { return nilSet.NewRecord("a").SetString("city", "Shanghai") },
		"Set(zero).NewRecord.AddTag":   func() error { return zeroSet.NewRecord("a").AddTag(tag) },
		"Bitmap.And(nil), other sizes": func() error { b, _ := snap.Bitmap("wine"); _, err := b.And(nil); return err },
		"Bitmap(nil).And, other sizes": func() error { b, _ := snap.Bitmap("wine"); _, err := nilBits.And(b); return err },
	}
	for _, name := range slices.Sorted(mapKeys(refusals)) {
		t.Run(name, func(t *testing.T) {
			if err := refusals[name](); !isInvalid(err) {
				t.Errorf("%s = %v, want an error matching qun.ErrInvalid", name, err)
			}
		})
	}

	// The others give the useful zero.
	empty := []qun.MemberID{}
	zeros := map[string]func() (got, want any){
		"Diff(nil, nil)":           func() (any, any) { return Diff(nil, nil), []Change(nil) },
		"Diff(nil, snap)":          func() (any, any) { return Diff(nil, snap), Diff(&Snapshot{}, snap) },
		"Diff(snap, nil)":          func() (any, any) { return Diff(snap, nil), Diff(snap, &Snapshot{}) },
		"Snapshot(nil).Time":       func() (any, any) { return nilSnap.Time(), time.Time{} },
		"Snapshot(nil).Segments":   func() (any, any) { return nilSnap.Segments(), []SegmentRef(nil) },
		"Snapshot(nil).Len":        func() (any, any) { return nilSnap.Len(), 0 },
		"Snapshot(nil).Population": func() (any, any) { return slices.Collect(nilSnap.Population()), []qun.MemberID(nil) },
		"Snapshot(nil).Size":       func() (any, any) { return nilSnap.Size("wine"), 0 },
		"Snapshot(nil).Contains":   func() (any, any) { return nilSnap.Contains("wine", "li"), false },
		"Snapshot(nil).Members":    func() (any, any) { return nilSnap.Members("wine"), empty },
		"Snapshot(nil).Bitmap": func() (any, any) {
			b, ok := nilSnap.Bitmap("wine")
			return b == nil && !ok, true
		},
		"Snapshot(nil).Overlap":  func() (any, any) { return nilSnap.Overlap("wine", "wine"), 0 },
		"Snapshot(nil).Overlaps": func() (any, any) { return nilSnap.Overlaps(), [][]int{} },
		"Set(nil).Schema":        func() (any, any) { return nilSet.Schema(), Schema{} },
		"Set(nil).Segments":      func() (any, any) { return nilSet.Segments(), []Segment(nil) },
		"Set(nil).Len":           func() (any, any) { return nilSet.Len(), 0 },
		"Set(nil).Index": func() (any, any) {
			i, ok := nilSet.Index("wine")
			return [2]any{i, ok}, [2]any{0, false}
		},
		"Set(nil).At.Time":          func() (any, any) { return nilSet.At(testNow).Time(), testNow },
		"Set(nil).At.Match":         func() (any, any) { return nilSet.At(testNow).Match(nilSet.NewRecord("a"), 0), false },
		"Set(zero).At.Match":        func() (any, any) { return zeroSet.At(testNow).Match(zeroSet.NewRecord("a"), 0), false },
		"Set(nil).At.AppendMatches": func() (any, any) { return nilSet.At(testNow).AppendMatches([]int{7}, nilSet.NewRecord("a")), []int{7} },
		"Set(nil).NewRecord.ID":     func() (any, any) { return nilSet.NewRecord("a").ID(), qun.MemberID("a") },
		"Set.Evaluate(nil)": func() (any, any) {
			s, err := set.Evaluate(nilPop, testNow)
			return [2]any{s.Len(), err}, [2]any{0, nil}
		},
		"Set.Update(nil, nil)": func() (any, any) {
			s, err := set.Update(nil, nilPop, nil, testNow)
			return [2]any{s.Len(), err}, [2]any{0, nil}
		},
		"Set.Update(snap, nil)": func() (any, any) {
			s, err := set.Update(snap, nilPop, nil, testNow)
			return [2]any{Diff(snap, s), err}, [2]any{[]Change(nil), nil}
		},
		"Set.Portrait(nil)": func() (any, any) {
			p, err := set.Portrait("wine", nilPop, testNow, PortraitSpec{})
			return [2]any{p.Members, err}, [2]any{0, nil}
		},
		"Evaluator(nil).Time":           func() (any, any) { return nilEval.Time(), time.Time{} },
		"Evaluator(nil).Match":          func() (any, any) { return nilEval.Match(set.NewRecord("a"), 0), false },
		"Evaluator(zero).Match":         func() (any, any) { return zeroEval.Match(zeroRec, 0), false },
		"Evaluator.Match(nil)":          func() (any, any) { return set.At(testNow).Match(nilRec, 0), false },
		"Evaluator.Match(zero)":         func() (any, any) { return set.At(testNow).Match(zeroRec, 0), false },
		"Evaluator(nil).AppendMatches":  func() (any, any) { return nilEval.AppendMatches(nil, set.NewRecord("a")), []int(nil) },
		"Evaluator(zero).AppendMatches": func() (any, any) { return zeroEval.AppendMatches(nil, zeroRec), []int(nil) },
		"Evaluator.AppendMatches(nil)":  func() (any, any) { return set.At(testNow).AppendMatches(nil, nilRec), []int(nil) },
		"Record(nil).ID":                func() (any, any) { return nilRec.ID(), qun.MemberID("") },
		"Record(nil).Reset":             func() (any, any) { nilRec.Reset("a"); return nilRec.ID(), qun.MemberID("") },
		"Record(zero).Reset": func() (any, any) {
			r := new(Record)
			r.Reset("a")
			return [2]any{r.ID(), isInvalid(r.SetString("city", "x"))}, [2]any{qun.MemberID("a"), true}
		},
		"Bitmap(nil).Len":   func() (any, any) { return nilBits.Len(), 0 },
		"Bitmap(nil).Count": func() (any, any) { return nilBits.Count(), 0 },
		"Bitmap(nil).Has":   func() (any, any) { return nilBits.Has(0), false },
		"Bitmap(nil).All":   func() (any, any) { return slices.Collect(nilBits.All()), []int(nil) },
		"Bitmap(nil).And(nil)": func() (any, any) {
			b, err := nilBits.And(nil)
			return [2]any{b.Len(), err}, [2]any{0, nil}
		},
	}
	for _, name := range slices.Sorted(mapKeys(zeros)) {
		t.Run(name, func(t *testing.T) {
			got, want := zeros[name]()
			if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b error) bool { return a == b })); diff != "" {
				t.Errorf("%s (-want +got):\n%s", name, diff)
			}
		})
	}
}

func mapKeys[V any](m map[string]V) iter.Seq[string] {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// A nil snapshot is an empty one: against it every member of the other
// has entered (or exited) every segment it is in, and updating nil with
// a population evaluates that population.
func TestNilSnapshotIsEmpty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		segs, _ := drawSet(t)
		set, err := Compile(testSchema, segs)
		if err != nil {
			t.Fatal(err)
		}
		pop := drawPopulation(t, "population")
		recs := records(t, set, pop, keysOf(pop))
		full, err := set.Evaluate(slices.Values(recs), testNow)
		if err != nil {
			t.Fatal(err)
		}
		entered, exited := Diff(nil, full), Diff(full, nil)
		if len(entered) != set.Len() || len(exited) != set.Len() {
			t.Fatalf("%d and %d changes for %d segments", len(entered), len(exited), set.Len())
		}
		for i, ref := range full.Segments() {
			want := Change{Segment: ref.Name, Version: ref.Version, Entered: full.Members(ref.Name), Exited: []qun.MemberID{}}
			if diff := cmp.Diff(want, entered[i]); diff != "" {
				t.Fatalf("Diff(nil, s) (-want +got):\n%s", diff)
			}
			want = Change{Segment: ref.Name, PrevVersion: ref.Version, Entered: []qun.MemberID{}, Exited: full.Members(ref.Name)}
			if diff := cmp.Diff(want, exited[i]); diff != "" {
				t.Fatalf("Diff(s, nil) (-want +got):\n%s", diff)
			}
		}
		updated, err := set.Update(nil, slices.Values(recs), nil, testNow)
		if err != nil {
			t.Fatal(err)
		}
		if d := Diff(full, updated); len(d) != 0 {
			t.Fatalf("Update(nil, population) differs from Evaluate(population): %+v", d)
		}
	})
}

// Whatever a host puts in a record, through any setter, of any record
// (made by the set, by another, by no set, nil), evaluating, explaining
// and portraying it never panics, and every refusal matches
// qun.ErrInvalid.
func TestRecordAnyValues(t *testing.T) {
	set, err := Compile(benchSchema, benchSegments())
	if err != nil {
		t.Fatal(err)
	}
	other, err := Compile(benchSchema, benchSegments()[:3])
	if err != nil {
		t.Fatal(err)
	}
	attrs := []string{"nope"}
	for _, a := range benchSchema.Attributes {
		attrs = append(attrs, a.Name)
	}
	tags := append(slices.Clone(benchSchema.Tags), "wine", "beer/ipa", "", "/x", "wine/italian/barolo/1990")
	instant := rapid.Custom(func(t *rapid.T) time.Time {
		switch rapid.IntRange(0, 3).Draw(t, "kind") {
		case 0:
			return time.Time{}
		case 1:
			return time.Unix(rapid.Int64().Draw(t, "unix"), rapid.Int64Range(0, 1e9-1).Draw(t, "nanos"))
		}
		return testNow.Add(time.Duration(rapid.Int64Range(-400*86400, 86400).Draw(t, "s")) * time.Second)
	})
	number := rapid.Custom(func(t *rapid.T) decimal.Decimal {
		m := rapid.Int64().Draw(t, "coefficient")
		e := rapid.OneOf(rapid.Int32Range(-70, 70), rapid.Int32()).Draw(t, "exponent")
		return decimal.New(m, e)
	})
	value := rapid.OneOf(
		rapid.Map(rapid.String(), func(s string) any { return s }),
		rapid.Map(rapid.Float64(), func(f float64) any { return f }),
		rapid.Map(rapid.SampledFrom([]float64{math.NaN(), math.Inf(1), -0.0}), func(f float64) any { return f }),
		rapid.Map(rapid.Int(), func(n int) any { return n }),
		rapid.Map(number, func(d decimal.Decimal) any { return d }),
		rapid.Map(rapid.Bool(), func(b bool) any { return b }),
		rapid.Map(instant, func(t time.Time) any { return t }),
		rapid.Map(rapid.SliceOf(rapid.String()), func(s []string) any { return s }),
		rapid.Just[any](nil),
		rapid.Just[any](struct{}{}),
	)
	rapid.Check(t, func(t *rapid.T) {
		var r *Record
		switch rapid.IntRange(0, 5).Draw(t, "record") {
		case 0, 1:
			r = set.NewRecord("m")
		case 2:
			r = other.NewRecord("m")
		case 3:
			r = new(Record)
		case 4:
			r = (*Set)(nil).NewRecord("m")
		}
		invalidOrNil := func(label string, err error) {
			if err != nil && !isInvalid(err) {
				t.Fatalf("%s = %v, which does not match qun.ErrInvalid", label, err)
			}
		}
		for range rapid.IntRange(0, 25).Draw(t, "ops") {
			name := rapid.SampledFrom(attrs).Draw(t, "attr")
			switch rapid.IntRange(0, 5).Draw(t, "op") {
			case 0, 1:
				invalidOrNil("Set", r.Set(name, value.Draw(t, "value")))
			case 2:
				invalidOrNil("Unset", r.Unset(name))
			case 3:
				invalidOrNil("AddTag", r.AddTag(Tag{
					Name:    rapid.SampledFrom(tags).Draw(t, "tag"),
					Weight:  rapid.Float64().Draw(t, "weight"),
					Source:  Source(rapid.IntRange(0, 4).Draw(t, "source")),
					Expires: instant.Draw(t, "expires"),
				}))
			case 4:
				e := qun.Event{
					Name:  rapid.SampledFrom([]string{"purchase", "attend_tasting", "read_article", "check_in", "other"}).Draw(t, "event"),
					Time:  instant.Draw(t, "time"),
					Props: map[string]string{"region": "italy", "topic": rapid.SampledFrom([]string{"wine/italian", "x"}).Draw(t, "topic")},
				}
				if rapid.Bool().Draw(t, "valued") {
					e.Value = decimal.NewNullDecimal(number.Draw(t, "amount"))
				}
				invalidOrNil("AddEvent", r.AddEvent(e))
			case 5:
				r.Reset(r.ID())
			}
		}
		now := instant.Draw(t, "now")
		e := set.At(now)
		var matches []int
		for i := -1; i <= set.Len(); i++ {
			if e.Match(r, i) {
				matches = append(matches, i)
			}
		}
		if got := e.AppendMatches(nil, r); !slices.Equal(got, matches) {
			t.Fatalf("AppendMatches = %v, Match = %v", got, matches)
		}
		for _, seg := range []string{"s0", "s6", "s11", "s19", "nope"} {
			x, err := e.Explain(r, seg)
			invalidOrNil("Explain", err)
			if i, _ := set.Index(seg); err == nil && x.Held != slices.Contains(matches, i) {
				t.Fatalf("Explain(%s).Held = %v, Match = %v", seg, x.Held, !x.Held)
			}
		}
		snap, err := set.Evaluate(slices.Values([]*Record{r}), now)
		invalidOrNil("Evaluate", err)
		if err == nil && len(snap.Segments()) != set.Len() {
			t.Fatalf("snapshot of %d segments", len(snap.Segments()))
		}
		_, err = set.Portrait("s11", slices.Values([]*Record{r}), now, PortraitSpec{
			Histograms: []HistogramSpec{{Attr: "age", Bounds: []float64{18, 30}}, {Attr: "spend", Bounds: []float64{-1e300, 0, 1e300}}},
			Top:        []TopSpec{{Attr: "city", K: 2}, {Attr: "languages", K: 1}, {Attr: "vip", K: 1}},
			Tags:       []string{"wine"},
		})
		invalidOrNil("Portrait", err)
	})
}
