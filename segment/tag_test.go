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

func TestCheckTagName(t *testing.T) {
	for _, ok := range []string{"vip", "wine/italian", "酒/意大利", "a b/c-d"} {
		if err := CheckTagName(ok); err != nil {
			t.Errorf("CheckTagName(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"", "/wine", "wine/", "wine//italian", "a\tb", "\xff"} {
		if err := CheckTagName(bad); !isInvalid(err) {
			t.Errorf("CheckTagName(%q) = %v, want invalid", bad, err)
		}
	}
}

func TestCoversAndParent(t *testing.T) {
	tests := []struct {
		ancestor, name string
		want           bool
	}{
		{"wine", "wine", true},
		{"wine", "wine/italian", true},
		{"wine", "wine/italian/barolo", true},
		{"wine/italian", "wine", false},
		{"wine", "wineries", false},
		{"wine", "wine-x/italian", false},
	}
	for _, tt := range tests {
		if got := Covers(tt.ancestor, tt.name); got != tt.want {
			t.Errorf("Covers(%q, %q) = %v", tt.ancestor, tt.name, got)
		}
	}
	if p := Parent("wine/italian/barolo"); p != "wine/italian" {
		t.Errorf("Parent = %q", p)
	}
	if p := Parent("wine"); p != "" {
		t.Errorf("Parent of a top-level tag = %q", p)
	}
}

func TestTags(t *testing.T) {
	now := testNow
	var ts Tags
	ts = ts.Put(Tag{Name: "wine/italian", Weight: 2, Source: SourceBehaviour})
	ts = ts.Put(Tag{Name: "wine", Weight: 1, Source: SourceManual})
	ts = ts.Put(Tag{Name: "wineries", Weight: 9, Source: SourceManual})
	ts = ts.Put(Tag{Name: "wine/italian", Weight: 5, Source: SourceRule, Expires: now})
	ts = ts.Put(Tag{Name: "wine/italian", Weight: 3, Source: SourceBehaviour}) // replaces the weight 2
	want := Tags{
		{Name: "wine", Weight: 1, Source: SourceManual},
		{Name: "wine/italian", Weight: 5, Source: SourceRule, Expires: now},
		{Name: "wine/italian", Weight: 3, Source: SourceBehaviour},
		{Name: "wineries", Weight: 9, Source: SourceManual},
	}
	if diff := cmp.Diff(want, ts); diff != "" {
		t.Fatalf("Put (-want +got):\n%s", diff)
	}
	if w, ok := ts.Weight("wine", now); !ok || w != 3 {
		t.Errorf("Weight(wine) = %v, %v; want 3 (the expired 5 does not count, wineries is not below wine)", w, ok)
	}
	if w, ok := ts.Weight("wine", now.Add(-time.Second)); !ok || w != 5 {
		t.Errorf("Weight(wine) before the expiry = %v, %v; want 5", w, ok)
	}
	if ts.Has("beer", now) {
		t.Error("Has(beer)")
	}
	if got := len(slices.Collect(ts.Active(now))); got != 3 {
		t.Errorf("Active yields %d tags, want 3", got)
	}
	ts = ts.Prune(now)
	ts = ts.Remove("wine", SourceManual)
	ts = ts.Remove("wine", SourceRule) // not there: no change
	if diff := cmp.Diff(Tags{{Name: "wine/italian", Weight: 3, Source: SourceBehaviour}, {Name: "wineries", Weight: 9, Source: SourceManual}}, ts); diff != "" {
		t.Fatalf("Prune and Remove (-want +got):\n%s", diff)
	}
}

func TestTagJSON(t *testing.T) {
	tag := Tag{Name: "wine/italian", Weight: 4.5, Source: SourceBehaviour, Expires: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)}
	data, err := json.Marshal(tag)
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != `{"name":"wine/italian","weight":4.5,"source":"behaviour","expires":"2026-12-31T00:00:00Z"}` {
		t.Errorf("JSON = %s", data)
	}
	var back Tag
	if err := json.Unmarshal(data, &back); err != nil || !back.Expires.Equal(tag.Expires) || back.Name != tag.Name {
		t.Errorf("round trip = %+v, %v", back, err)
	}
	if err := json.Unmarshal([]byte(`{"name":"x","weight":1,"source":"robot"}`), &back); !isInvalid(err) {
		t.Errorf("an unknown source = %v", err)
	}
	if err := (Tag{Name: "x", Weight: -1, Source: SourceRule}).Validate(); !isInvalid(err) {
		t.Errorf("a negative weight = %v", err)
	}
}

// Tags behaves as the plain model: a set keyed by name and source.
func TestTagsModel(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var ts Tags
		model := map[[2]string]Tag{}
		names := []string{"wine", "wine/italian", "wine/italian/barolo", "wineries", "vip"}
		t.Repeat(map[string]func(*rapid.T){
			"put": func(t *rapid.T) {
				tag := Tag{
					Name:   rapid.SampledFrom(names).Draw(t, "name"),
					Weight: float64(rapid.IntRange(0, 5).Draw(t, "weight")),
					Source: Source(rapid.IntRange(1, 3).Draw(t, "source")),
				}
				if rapid.Bool().Draw(t, "expires") {
					tag.Expires = testNow.Add(time.Duration(rapid.IntRange(-3, 3).Draw(t, "hours")) * time.Hour)
				}
				ts = ts.Put(tag)
				model[[2]string{tag.Name, tag.Source.String()}] = tag
			},
			"remove": func(t *rapid.T) {
				name := rapid.SampledFrom(names).Draw(t, "name")
				src := Source(rapid.IntRange(1, 3).Draw(t, "source"))
				ts = ts.Remove(name, src)
				delete(model, [2]string{name, src.String()})
			},
			"": func(t *rapid.T) {
				if len(ts) != len(model) {
					t.Fatalf("%d tags, model has %d", len(ts), len(model))
				}
				for _, name := range names {
					w, ok := ts.Weight(name, testNow)
					mw, mok := 0.0, false
					for _, tag := range model {
						if Covers(name, tag.Name) && tag.Active(testNow) && (!mok || tag.Weight > mw) {
							mw, mok = tag.Weight, true
						}
					}
					if w != mw || ok != mok {
						t.Fatalf("Weight(%s) = %v, %v; model %v, %v", name, w, ok, mw, mok)
					}
				}
			},
		})
	})
}

func TestRecordTagsOutsideTaxonomy(t *testing.T) {
	set, err := Compile(Schema{Tags: []string{"wine/italian"}}, []Segment{{Name: "s", Version: 1, Rule: MustParse(`has_tag("wine")`)}})
	if err != nil {
		t.Fatal(err)
	}
	rec := set.NewRecord("m")
	if err := rec.AddTags(Tag{Name: "beer", Weight: 1, Source: SourceManual}, Tag{Name: "wine/french", Weight: 1, Source: SourceManual}); err != nil {
		t.Fatal(err)
	}
	if !set.At(testNow).Match(rec, 0) {
		t.Error("wine/french counts for the declared wine")
	}
	if err := rec.AddTags(Tag{Name: "ok", Weight: 1, Source: SourceManual}, Tag{Name: "bad/", Weight: 1, Source: SourceManual}); !isInvalid(err) {
		t.Errorf("AddTags of an invalid tag = %v", err)
	} else if f := fields(err); f[0] != "[1].name" {
		t.Errorf("AddTags error names %v", f)
	}
}

func TestRecordSetters(t *testing.T) {
	set, err := Compile(testSchema, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := set.NewRecord("m")
	for _, bad := range []struct {
		name string
		v    any
	}{
		{"nope", "x"}, {"city", 3.0}, {"age", "x"}, {"age", qun.Days(1)}, {"spend", 1.5},
	} {
		if err := r.Set(bad.name, bad.v); !isInvalid(err) {
			t.Errorf("Set(%s, %v) = %v, want invalid", bad.name, bad.v, err)
		}
	}
	for _, v := range []float64{math.NaN(), math.Inf(1)} {
		if err := r.SetNumber("age", v); !isInvalid(err) {
			t.Errorf("SetNumber(%v) = %v", v, err)
		}
	}
	if err := r.AddEvent(qun.Event{Name: "purchase"}); !isInvalid(err) {
		t.Errorf("AddEvent without a time = %v", err)
	}
	if err := r.Unset("nope"); !isInvalid(err) {
		t.Errorf("Unset(nope) = %v", err)
	}
	_ = r.Set("city", "Shanghai")
	_ = r.Unset("city")
	if r.present(0) {
		t.Error("Unset left the attribute present")
	}
}
