package segment

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/qunkit/qun"
	"github.com/shopspring/decimal"
)

var ruleSeeds = []string{
	`has_tag("wine/italian", 3) and count("attend_tasting", 90d) >= 1 and city in ["Shanghai", "Hangzhou"]`,
	`segment("vip") or not (age between 18 and 25)`,
	`at_least(2, [city = "上海", has_any_tag(["wine", "vip"], 1.5), exists(last("purchase"))])`,
	`sum("purchase" where sku in ["a", "b"] and amount >= 99.50 and not exists(refund), 30d) > 0.01`,
	`count("read" where "$topic" contains "wine" and region not in ["x"]) = 0 and joined before 1w`,
	`last_seen within 1d12h30m0.5s and spend != -0.10 and vip = false and name prefix "\u4e0a"`,
	`first("join") < "2026-01-01T00:00:00+08:00" and languages contains "zh"`,
	`((a = 1) and (b = 2)) or not not c = true`,
	`city not contains "x"`,
	"city = \"x\"\n and\n (age > ",
	`count("x" where p > "5.") > 1`,
	`has_all_tags(["a//b"])`,
	`x within 0s`,
	`at_least(0, [a = 1])`,
	"\xff",
	`"`,
	`a = 1 b`,
}

func FuzzParse(f *testing.F) {
	for _, s := range ruleSeeds {
		f.Add(s)
	}
	probe := member{id: "m", attrs: map[string]any{"city": "Shanghai", "age": 30.0, "spend": decimal.RequireFromString("99.5"), "joined": testNow.Add(-time.Hour)},
		tags:   []Tag{{Name: "wine/italian", Weight: 2, Source: SourceBehaviour}},
		events: []qun.Event{{Member: "m", Name: "purchase", Time: testNow.Add(-time.Hour), Value: decimal.NewNullDecimal(decimal.RequireFromString("1.5"))}}}
	f.Fuzz(func(t *testing.T, text string) {
		r, err := Parse(text)
		if err != nil {
			var se *qun.SyntaxError
			if !errors.As(err, &se) || !errors.Is(err, qun.ErrInvalid) {
				t.Fatalf("Parse error %v is not a *qun.SyntaxError matching qun.ErrInvalid", err)
			}
			if se.Offset < 0 || se.Offset > len(text) || se.Line < 1 || se.Column < 1 {
				t.Fatalf("bad position in %v", se)
			}
			return
		}
		if err := r.Validate(); err != nil {
			t.Fatalf("Parse(%q) returned an invalid rule: %v", text, err)
		}
		canonical := r.String()
		back, err := Parse(canonical)
		if err != nil {
			t.Fatalf("Parse(%q) fails on the canonical form %q: %v", text, canonical, err)
		}
		if diff := cmp.Diff(r, back); diff != "" {
			t.Fatalf("Parse(Format(r)) != r for %q (-want +got):\n%s", canonical, diff)
		}
		data, err := json.Marshal(r)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		var fromJSON Rule
		if err := json.Unmarshal(data, &fromJSON); err != nil || !cmp.Equal(r, fromJSON) {
			t.Fatalf("JSON round trip of %s: %v", data, err)
		}
		// Compiling never panics; what compiles evaluates.
		s, err := Compile(testSchema, []Segment{{Name: "s", Version: 1, Rule: r}})
		if err != nil {
			return
		}
		rec := probe.record(t, s)
		e := s.At(testNow)
		got := e.Match(rec, 0)
		if x, _ := e.Explain(rec, "s"); x.Held != got {
			t.Fatalf("Explain disagrees with Match")
		}
	})
}

// fuzzJSON checks a strict decoder: a refusal matches qun.ErrInvalid, and
// what is accepted writes and reads back the same.
func fuzzJSON[T any](f *testing.F, seeds ...string) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var v T
		if err := json.Unmarshal(data, &v); err != nil {
			var syntax *json.SyntaxError
			if !errors.Is(err, qun.ErrInvalid) && !errors.As(err, &syntax) {
				t.Fatalf("Unmarshal(%s) = %v, which does not match qun.ErrInvalid", data, err)
			}
			return
		}
		out, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("Marshal of an accepted value: %v", err)
		}
		var back T
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("Unmarshal(%s) of our own output: %v", out, err)
		}
		if diff := cmp.Diff(v, back, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); diff != "" {
			t.Fatalf("round trip (-first +second):\n%s", diff)
		}
	})
}

func FuzzRuleJSON(f *testing.F) {
	var seeds []string
	for _, s := range ruleSeeds {
		if r, err := Parse(s); err == nil {
			data, _ := json.Marshal(r)
			seeds = append(seeds, string(data))
		}
	}
	seeds = append(seeds, `{"and":[]}`, `{"attr":"a","op":"exists","values":[]}`, `{"not":null,"segment":"x"}`, `{"values":[1e5]}`, `null`)
	fuzzJSON[Rule](f, seeds...)
}

func FuzzSegmentJSON(f *testing.F) {
	fuzzJSON[Segment](f,
		`{"name":"vip","version":2,"rule":{"attr":"spend","op":">=","values":[1000]}}`,
		`{"name":"","version":0,"rule":{}}`,
		`{"name":"x","version":1,"rule":{"segment":"x"},"extra":true}`,
	)
}

func FuzzSchemaJSON(f *testing.F) {
	fuzzJSON[Schema](f,
		`{"attributes":[{"name":"city","type":"string"},{"name":"spend","type":"decimal"}],"tags":["wine/italian"]}`,
		`{"attributes":[{"name":"and","type":"string"}]}`,
		`{"tags":["/"]}`,
	)
}

func FuzzInterestsJSON(f *testing.F) {
	data, _ := json.Marshal(wineInterests)
	fuzzJSON[Interests](f, string(data),
		`{"decay":{"half_life":"-1d"},"threshold":0,"rules":[]}`,
		`{"decay":{"half_life":"7d","x":1},"threshold":1,"rules":[{"event":{"name":"a"},"tag":"t","weight":1}]}`,
	)
}

func FuzzPortraitSpecJSON(f *testing.F) {
	fuzzJSON[PortraitSpec](f,
		`{"histograms":[{"attr":"age","bounds":[18,25,35]}],"top":[{"attr":"city","k":3}],"tags":["wine"]}`,
		`{"histograms":[{"attr":"age","bound":[1]}]}`,
	)
}
