package segment

import (
	"errors"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/qunkit/qun"
)

// shop is a small population: who lives where, spends what, holds which
// tags.
func shop(t *testing.T, set *Set) []*Record {
	members := []member{
		{id: "zhou", attrs: map[string]any{"city": "Hangzhou", "age": 41.0, "spend": dec("12.00"), "languages": []string{"zh"}}, tags: []Tag{{Name: "course/beginner", Weight: 1, Source: SourceManual}}},
		{id: "lin", attrs: map[string]any{"city": "Shanghai", "age": 29.0, "spend": dec("1200"), "vip": true, "languages": []string{"zh", "en", "zh"}}, tags: []Tag{{Name: "wine/italian", Weight: 4, Source: SourceBehaviour}}},
		{id: "wang", attrs: map[string]any{"city": "Shanghai", "age": 35.0, "spend": dec("300.5"), "vip": false}, tags: []Tag{{Name: "wine/french", Weight: 2, Source: SourceBehaviour}}},
		{id: "chen", attrs: map[string]any{"city": "Beijing", "spend": dec("99.99")}},
		{id: "li", attrs: map[string]any{"city": "Shanghai", "age": 18.0, "spend": dec("1000"), "vip": true, "languages": []string{"en"}}, tags: []Tag{{Name: "wine/italian/barolo", Weight: 1, Source: SourceManual}}},
	}
	var out []*Record
	for _, m := range members {
		out = append(out, m.record(t, set))
	}
	return out
}

func shopSet(t *testing.T) *Set {
	set, err := Compile(testSchema, []Segment{
		{Name: "shanghai", Version: 1, Rule: MustParse(`city = "Shanghai"`)},
		{Name: "wine", Version: 1, Rule: MustParse(`has_tag("wine")`)},
		{Name: "big_spenders", Version: 1, Rule: MustParse(`spend >= 1000`)},
	})
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func TestSnapshot(t *testing.T) {
	set := shopSet(t)
	snap, err := set.Evaluate(slices.Values(shop(t, set)), testNow)
	if err != nil {
		t.Fatal(err)
	}
	if got := slices.Collect(snap.Population()); !slices.Equal(got, []qun.MemberID{"chen", "li", "lin", "wang", "zhou"}) {
		t.Fatalf("population = %v", got)
	}
	if diff := cmp.Diff([]qun.MemberID{"li", "lin", "wang"}, snap.Members("shanghai")); diff != "" {
		t.Errorf("Members (-want +got):\n%s", diff)
	}
	if snap.Size("wine") != 3 || snap.Size("big_spenders") != 2 || snap.Size("nope") != 0 {
		t.Errorf("sizes %d %d", snap.Size("wine"), snap.Size("big_spenders"))
	}
	if !snap.Contains("wine", "li") || snap.Contains("wine", "chen") || snap.Contains("wine", "nobody") || snap.Contains("nope", "li") {
		t.Error("Contains")
	}
	want := [][]int{{3, 3, 2}, {3, 3, 2}, {2, 2, 2}}
	if diff := cmp.Diff(want, snap.Overlaps()); diff != "" {
		t.Errorf("Overlaps (-want +got):\n%s", diff)
	}
	if snap.Overlap("shanghai", "big_spenders") != 2 {
		t.Error("Overlap")
	}
	b, ok := snap.Bitmap("big_spenders")
	if !ok || b.Len() != 5 || b.Count() != 2 || !b.Has(1) || !b.Has(2) || b.Has(0) || b.Has(99) {
		t.Fatalf("Bitmap = %+v", b)
	}
	w, _ := snap.Bitmap("wine")
	both, err := b.And(w)
	if err != nil || !slices.Equal(slices.Collect(both.All()), []int{1, 2}) {
		t.Errorf("And = %v, %v", both, err)
	}
	if _, err := b.And(&Bitmap{n: 3}); err == nil {
		t.Error("And of bitmaps of different sizes")
	}
	if _, ok := snap.Bitmap("nope"); ok {
		t.Error("Bitmap of an unknown segment")
	}
}

func TestEvaluateRefuses(t *testing.T) {
	set := shopSet(t)
	recs := shop(t, set)
	if _, err := set.Evaluate(slices.Values(append(recs, recs[0])), testNow); !isInvalid(err) {
		t.Errorf("a repeated member = %v", err)
	}
	other := shopSet(t)
	if _, err := set.Evaluate(slices.Values([]*Record{other.NewRecord("x")}), testNow); !isInvalid(err) {
		t.Errorf("another set's record = %v", err)
	}
	if set.At(testNow).Match(other.NewRecord("x"), 0) || len(set.At(testNow).AppendMatches(nil, other.NewRecord("x"))) != 0 {
		t.Error("another set's record matched")
	}
}

func TestDiff(t *testing.T) {
	v1 := shopSet(t)
	prev, _ := v1.Evaluate(slices.Values(shop(t, v1)), testNow)
	// Version 2 of big_spenders lowers the bar; wine is dropped; a new
	// segment appears; chen leaves and a new member joins.
	v2, err := Compile(testSchema, []Segment{
		{Name: "new_segment", Version: 1, Rule: MustParse(`age < 20`)},
		{Name: "big_spenders", Version: 2, Rule: MustParse(`spend >= 300`)},
		{Name: "shanghai", Version: 1, Rule: MustParse(`city = "Shanghai"`)},
	})
	if err != nil {
		t.Fatal(err)
	}
	recs := shop(t, v2)
	recs = slices.DeleteFunc(recs, func(r *Record) bool { return r.ID() == "chen" })
	newcomer := v2.NewRecord("zhao")
	_ = newcomer.SetString("city", "Shanghai")
	_ = newcomer.SetNumber("age", 19)
	next, err := v2.Evaluate(slices.Values(append(recs, newcomer)), testNow)
	if err != nil {
		t.Fatal(err)
	}
	want := []Change{
		{Segment: "new_segment", Version: 1, Entered: []qun.MemberID{"li", "zhao"}, Exited: []qun.MemberID{}},
		{Segment: "big_spenders", PrevVersion: 1, Version: 2, Entered: []qun.MemberID{"wang"}, Exited: []qun.MemberID{}},
		{Segment: "shanghai", PrevVersion: 1, Version: 1, Entered: []qun.MemberID{"zhao"}, Exited: []qun.MemberID{}},
		{Segment: "wine", PrevVersion: 1, Entered: []qun.MemberID{}, Exited: []qun.MemberID{"li", "lin", "wang"}},
	}
	if diff := cmp.Diff(want, Diff(prev, next)); diff != "" {
		t.Errorf("Diff (-want +got):\n%s", diff)
	}
	if _, err := v2.Update(prev, nil, nil, testNow); !errors.Is(err, ErrSegmentsChanged) {
		t.Errorf("Update across versions = %v, want ErrSegmentsChanged", err)
	}
	// No change at all: no changes reported.
	if ch := Diff(next, next); len(ch) != 0 {
		t.Errorf("Diff of a snapshot with itself = %v", ch)
	}
}

func TestPortrait(t *testing.T) {
	set := shopSet(t)
	spec := PortraitSpec{
		Histograms: []HistogramSpec{{Attr: "age", Bounds: []float64{18, 30, 40}}, {Attr: "spend", Bounds: []float64{100, 1000}}},
		Top:        []TopSpec{{Attr: "city", K: 1}, {Attr: "languages", K: 5}, {Attr: "vip", K: 2}},
		Tags:       []string{"wine/italian", "wine/french", "course"},
	}
	p, err := set.Portrait("shanghai", slices.Values(shop(t, set)), testNow, spec)
	if err != nil {
		t.Fatal(err)
	}
	want := &Portrait{
		Segment: "shanghai",
		Members: 3,
		Histograms: []Histogram{
			{Attr: "age", Bounds: []float64{18, 30, 40}, Counts: []int{0, 2, 1, 0}},
			{Attr: "spend", Bounds: []float64{100, 1000}, Counts: []int{0, 1, 2}},
		},
		Top: []Top{
			{Attr: "city", Values: []ValueCount{{"Shanghai", 3}}, Distinct: 1},
			{Attr: "languages", Values: []ValueCount{{"en", 2}, {"zh", 1}}, Distinct: 2, Missing: 1},
			{Attr: "vip", Values: []ValueCount{{"true", 2}, {"false", 1}}, Distinct: 2},
		},
		Tags: []TagShare{{"wine/italian", 2, 2.0 / 3}, {"wine/french", 1, 1.0 / 3}, {"course", 0, 0}},
	}
	if diff := cmp.Diff(want, p); diff != "" {
		t.Errorf("Portrait (-want +got):\n%s", diff)
	}
	p, _ = set.Portrait("big_spenders", slices.Values(shop(t, set)), testNow, PortraitSpec{Top: []TopSpec{{Attr: "city", K: 1}}, Histograms: []HistogramSpec{{Attr: "age", Bounds: []float64{30}}}})
	if p.Top[0].Others != 0 || p.Members != 2 || p.Histograms[0].Counts[0] != 2 {
		t.Errorf("Portrait of big spenders = %+v", p)
	}
	bad := PortraitSpec{
		Histograms: []HistogramSpec{{Attr: "city", Bounds: []float64{1}}, {Attr: "age"}, {Attr: "age", Bounds: []float64{2, 1}}},
		Top:        []TopSpec{{Attr: "age", K: 1}, {Attr: "city", K: 0}, {Attr: "nope", K: 1}},
		Tags:       []string{"beer"},
	}
	_, err = set.Portrait("shanghai", slices.Values(shop(t, set)), testNow, bad)
	wantFields := []string{"histograms[0].attr", "histograms[1].bounds", "histograms[2].bounds[1]", "top[0].attr", "top[1].k", "top[2].attr", "tags[0]"}
	if diff := cmp.Diff(wantFields, fields(err)); diff != "" {
		t.Errorf("spec errors (-want +got):\n%s", diff)
	}
	if _, err := set.Portrait("nope", nil, testNow, spec); !isInvalid(err) {
		t.Errorf("Portrait of an unknown segment = %v", err)
	}
}
