package segment

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/qunkit/qun"
	"github.com/shopspring/decimal"
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func purchase(at time.Time, value string) qun.Event {
	e := qun.Event{Member: "m", Name: "purchase", Time: at}
	if value != "" {
		e.Value = decimal.NewNullDecimal(dec(value))
	}
	return e
}

// TestEvaluate pins the documented semantics, case by case: each rule is
// compiled alone and evaluated for a member at testNow.
func TestEvaluate(t *testing.T) {
	day := 24 * time.Hour
	ago := func(d time.Duration) time.Time { return testNow.Add(-d) }
	full := member{id: "m", attrs: map[string]any{
		"city": "Shanghai", "age": 30.0, "spend": dec("99.50"), "vip": true,
		"joined": ago(90 * day), "last_seen": ago(30 * day), "languages": []string{"zh", "en"},
	}}
	empty := member{id: "m", attrs: map[string]any{}}
	tagged := func(tags ...Tag) member { return member{id: "m", attrs: map[string]any{}, tags: tags} }
	buyer := func(events ...qun.Event) member { return member{id: "m", attrs: map[string]any{}, events: events} }
	tests := []struct {
		rule string
		m    member
		want bool
	}{
		// Missing values: a test does not hold, except != (the
		// complement of =), and exists says whether there is one.
		{`city = "Shanghai"`, empty, false},
		{`city != "Shanghai"`, empty, true},
		{`not (city = "Shanghai")`, empty, true},
		{`city in ["Shanghai"]`, empty, false},
		{`age < 30`, empty, false},
		{`age >= 30`, empty, false},
		{`not (age >= 30)`, empty, true},
		{`vip != true`, empty, true},
		{`joined within 30d`, empty, false},
		{`exists(city)`, empty, false},
		{`exists(city)`, full, true},
		{`languages contains "zh"`, empty, false},
		// Values.
		{`city = "Shanghai"`, full, true},
		{`city != "Shanghai"`, full, false},
		{`city in ["Beijing", "Shanghai"]`, full, true},
		{`city in ["Beijing", "Hangzhou"]`, full, false},
		{`city contains "HAI"`, full, true},
		{`city prefix "Shang"`, full, true},
		{`city prefix "shang"`, full, false},
		{`age between 30 and 40`, full, true},
		{`age between 18 and 29.5`, full, false},
		{`age in [18, 30]`, full, true},
		{`spend = 99.5`, full, true},
		{`spend > 99.49`, full, true},
		{`spend < 99.500000000000000000001`, full, true},
		{`spend between 99.50 and 99.50`, full, true},
		{`spend in [1, 99.500]`, full, true},
		{`vip = true`, full, true},
		{`vip != false`, full, true},
		{`languages contains "en"`, full, true},
		{`languages contains "EN"`, full, false},
		{`joined < "2026-08-24T12:00:00Z"`, full, false},
		{`joined <= "2026-08-24T20:00:00+08:00"`, full, true},
		// Relative time: within d is [now−d, now], before d is < now−d.
		{`last_seen within 30d`, full, true},
		{`last_seen within 29d`, full, false},
		{`last_seen before 30d`, full, false},
		{`last_seen before 29d`, full, true},
		{`joined before 90d`, full, false},
		{`joined before 89d`, full, true},
		{`last_seen within 1d`, member{id: "m", attrs: map[string]any{"last_seen": testNow.Add(time.Nanosecond)}}, false},
		{`last_seen within 1d`, member{id: "m", attrs: map[string]any{"last_seen": testNow}}, true},
		// Tags: held directly or below; expired tags are not held; the
		// weight is the greatest of the tags that count.
		{`has_tag("wine")`, tagged(Tag{Name: "wine/italian/barolo", Weight: 1, Source: SourceManual}), true},
		{`has_tag("wine/italian")`, tagged(Tag{Name: "wine/italian/barolo/2019", Weight: 1, Source: SourceManual}), true},
		{`has_tag("wine")`, tagged(Tag{Name: "wineries", Weight: 1, Source: SourceManual}), false},
		{`has_tag("wine")`, tagged(Tag{Name: "wine", Weight: 1, Source: SourceRule, Expires: testNow}), false},
		{`has_tag("wine")`, tagged(Tag{Name: "wine", Weight: 1, Source: SourceRule, Expires: testNow.Add(time.Nanosecond)}), true},
		{`has_tag("wine", 2.5)`, tagged(Tag{Name: "wine", Weight: 1, Source: SourceRule}, Tag{Name: "wine/french", Weight: 2.5, Source: SourceBehaviour}), true},
		{`has_tag("wine", 3)`, tagged(Tag{Name: "wine", Weight: 1, Source: SourceRule}, Tag{Name: "wine/french", Weight: 2.5, Source: SourceBehaviour}), false},
		{`has_tag("wine/italian", 2)`, tagged(Tag{Name: "wine/italian", Weight: 5, Source: SourceRule, Expires: testNow}, Tag{Name: "wine/italian", Weight: 1, Source: SourceManual}), false},
		{`has_any_tag(["vip", "course"])`, tagged(Tag{Name: "course/beginner", Weight: 1, Source: SourceManual}), true},
		{`has_all_tags(["vip", "course"])`, tagged(Tag{Name: "course/beginner", Weight: 1, Source: SourceManual}), false},
		{`has_all_tags(["vip", "course"])`, tagged(Tag{Name: "course/beginner", Weight: 1, Source: SourceManual}, Tag{Name: "vip", Weight: 1, Source: SourceManual}), true},
		// Aggregates: no events make a count and a sum of 0, and no
		// first or last; windows are [now−d, now]; later events do not
		// count.
		{`count("purchase") = 0`, empty, true},
		{`sum("purchase") = 0`, empty, true},
		{`exists(last("purchase"))`, empty, false},
		{`last("purchase") within 30d`, empty, false},
		{`last("purchase") != "2026-01-01T00:00:00Z"`, empty, true},
		{`count("purchase", 30d) = 2`, buyer(purchase(ago(30*day), "1"), purchase(testNow, "1"), purchase(ago(30*day+1), "1")), true},
		{`count("purchase") = 1`, buyer(purchase(testNow.Add(time.Second), "1"), purchase(testNow, "")), true},
		{`sum("purchase") = 1`, buyer(purchase(ago(day), "0.1"), purchase(ago(2*day), "0.2"), purchase(ago(3*day), "0.7"), purchase(ago(4*day), "")), true},
		{`sum("purchase", 2d) = 0.3`, buyer(purchase(ago(day), "0.1"), purchase(ago(2*day), "0.2"), purchase(ago(3*day), "0.7")), true},
		{`sum("purchase") > 99999999999999999999`, buyer(purchase(ago(day), "99999999999999999999"), purchase(ago(2*day), "0.000000000000000001")), true},
		{`sum("purchase") < -9000000000000000000`, buyer(purchase(ago(day), "-9000000000000000000"), purchase(ago(2*day), "-9000000000000000000")), true},
		{`first("purchase") within 10d`, buyer(purchase(ago(11*day), "1"), purchase(ago(day), "1")), false},
		{`first("purchase", 10d) within 10d`, buyer(purchase(ago(11*day), "1"), purchase(ago(day), "1")), true},
		{`last("purchase") within 1d`, buyer(purchase(ago(day), "1"), purchase(ago(5*day), "1")), true},
		{`count("attend_tasting" where region in ["italy", "piedmont"]) >= 2`, buyer(
			qun.Event{Member: "m", Name: "attend_tasting", Time: ago(day), Props: map[string]string{"region": "piedmont"}},
			qun.Event{Member: "m", Name: "attend_tasting", Time: ago(2 * day), Props: map[string]string{"region": "italy"}},
			qun.Event{Member: "m", Name: "attend_tasting", Time: ago(3 * day), Props: map[string]string{"region": "france"}},
		), true},
		{`count("attend_tasting" where region != "italy") = 2`, buyer(
			qun.Event{Member: "m", Name: "attend_tasting", Time: ago(day)},
			qun.Event{Member: "m", Name: "attend_tasting", Time: ago(2 * day), Props: map[string]string{"region": "italy"}},
			qun.Event{Member: "m", Name: "attend_tasting", Time: ago(3 * day), Props: map[string]string{"region": "france"}},
		), true},
		// Combinations.
		{`at_least(2, [city = "Shanghai", age > 40, vip = true])`, full, true},
		{`at_least(3, [city = "Shanghai", age > 40, vip = true])`, full, false},
	}
	for _, tt := range tests {
		t.Run(tt.rule, func(t *testing.T) {
			r := MustParse(tt.rule)
			set, err := Compile(testSchema, []Segment{{Name: "s", Version: 1, Rule: r}})
			if err != nil {
				t.Fatal(err)
			}
			rec := tt.m.record(t, set)
			if got := set.At(testNow).Match(rec, 0); got != tt.want {
				x, _ := set.Explain(rec, "s", testNow)
				t.Errorf("%s = %v, want %v\n%s", tt.rule, got, tt.want, x)
			}
			if ref := refEval(&r, tt.m, testNow, nil); ref != tt.want {
				t.Errorf("the reference interpreter says %v", ref)
			}
		})
	}
}

func TestSegmentReferences(t *testing.T) {
	segs := []Segment{
		{Name: "italian_vip", Version: 1, Rule: MustParse(`segment("vip") and segment("italian")`)},
		{Name: "vip", Version: 1, Rule: MustParse(`spend >= 1000 or has_tag("vip")`)},
		{Name: "italian", Version: 2, Rule: MustParse(`has_tag("wine/italian")`)},
		{Name: "not_vip", Version: 1, Rule: MustParse(`not segment("vip")`)},
	}
	set, err := Compile(testSchema, segs)
	if err != nil {
		t.Fatal(err)
	}
	m := member{id: "m", attrs: map[string]any{"spend": dec("1200")}, tags: []Tag{{Name: "wine/italian/barolo", Weight: 1, Source: SourceManual}}}
	rec := m.record(t, set)
	got := set.At(testNow).AppendMatches(nil, rec)
	if diff := cmp.Diff([]int{0, 1, 2}, got); diff != "" {
		t.Fatalf("matches (-want +got):\n%s", diff)
	}
}

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		rules []string
		field string
		msg   string
	}{
		{[]string{`cty = "Shanghai"`}, "segments[0].rule.attr", `unknown attribute "cty"`},
		{[]string{`city = 3`}, "segments[0].rule.values[0]", "city is a string, compared with the number 3"},
		{[]string{`age = "30"`}, "segments[0].rule.values[0]", `age is a number, compared with the string "30"`},
		{[]string{`city < "M"`}, "segments[0].rule.op", "strings have no order"},
		{[]string{`vip > false`}, "segments[0].rule.op", "test it with = or !="},
		{[]string{`vip = 1`}, "segments[0].rule.values[0]", "vip is a bool"},
		{[]string{`languages = "zh"`}, "segments[0].rule.op", "contains or exists"},
		{[]string{`joined < "yesterday"`}, "segments[0].rule.values[0]", "not an RFC 3339 time"},
		{[]string{`joined < 3`}, "segments[0].rule.values[0]", "RFC 3339 strings"},
		{[]string{`age within 3d`}, "segments[0].rule.op", "not within"},
		{[]string{`city within 3d`}, "segments[0].rule.op", "not within"},
		{[]string{`age between 40 and 18`}, "segments[0].rule.values", "can never hold"},
		{[]string{`spend between 1.01 and 1.001`}, "segments[0].rule.values", "can never hold"},
		{[]string{`joined between "2026-02-01T00:00:00Z" and "2026-01-01T00:00:00Z"`}, "segments[0].rule.values", "can never hold"},
		{[]string{`count("x") < 0`}, "segments[0].rule", "can never hold"},
		{[]string{`count("x") = 1.5`}, "segments[0].rule", "can never hold"},
		{[]string{`count("x") between 1.2 and 1.8`}, "segments[0].rule", "can never hold"},
		{[]string{`count("x") in [-1, 0.5]`}, "segments[0].rule", "can never hold"},
		{[]string{`exists(count("x"))`}, "segments[0].rule.op", "never missing"},
		{[]string{`sum("x") contains "1"`}, "segments[0].rule.op", "not contains"},
		{[]string{`last("x") > 3`}, "segments[0].rule.values[0]", "RFC 3339"},
		{[]string{`has_tag("beer")`}, "segments[0].rule.tags.any[0]", `unknown tag "beer"`},
		{[]string{`city = "x"`, `segment("nope")`}, "segments[1].rule.segment", `no segment named "nope"`},
		{[]string{`segment("s1")`, `segment("s0")`}, "segments[0].rule", "cycle: s0 → s1 → s0"},
		{[]string{`city = "x" and segment("s0")`}, "segments[0].rule", "cycle: s0 → s0"},
		{[]string{`not (city = "x" or (age > 1 and cty = 3))`}, "segments[0].rule.not.or[1].and[1].attr", "unknown attribute"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.rules, "; "), func(t *testing.T) {
			var segs []Segment
			for i, text := range tt.rules {
				segs = append(segs, Segment{Name: "s" + string(rune('0'+i)), Version: 1, Rule: MustParse(text)})
			}
			_, err := Compile(testSchema, segs)
			if !isInvalid(err) {
				t.Fatalf("Compile = %v, want an invalid error", err)
			}
			got := fields(err)
			if len(got) != 1 || got[0] != tt.field || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("Compile = %v (fields %q); want one error at %s: …%s…", err, got, tt.field, tt.msg)
			}
		})
	}
	// Schema and segment errors carry their paths too.
	bad := Schema{Attributes: []Attribute{{"city", TypeString}, {"city", TypeNumber}, {"x", 0}}}
	_, err := Compile(bad, []Segment{{Name: "a", Version: 0, Rule: MustParse(`segment("a")`)}, {Name: "a", Version: 1, Rule: MustParse(`segment("a")`)}})
	want := []string{"schema.attributes[1].name", "schema.attributes[2].type", "segments[0].version", "segments[1].name"}
	if diff := cmp.Diff(want, fields(err)); diff != "" {
		t.Errorf("fields (-want +got):\n%s\n%v", diff, err)
	}
}

func TestExplain(t *testing.T) {
	set, err := Compile(testSchema, []Segment{
		{Name: "italian_wine_fans", Version: 1, Rule: MustParse(`has_tag("wine/italian", 3) and count("attend_tasting", 90d) >= 1 and city in ["Shanghai", "Hangzhou"]`)},
	})
	if err != nil {
		t.Fatal(err)
	}
	m := member{id: "lin", attrs: map[string]any{"city": "Beijing"},
		tags:   []Tag{{Name: "wine/italian/barolo", Weight: 4.5, Source: SourceBehaviour}},
		events: []qun.Event{{Member: "lin", Name: "attend_tasting", Time: testNow.AddDate(0, 0, -100)}}}
	x, err := set.Explain(m.record(t, set), "italian_wine_fans", testNow)
	if err != nil {
		t.Fatal(err)
	}
	want := Explanation{
		Rule: `has_tag("wine/italian", 3) and count("attend_tasting", 90d) >= 1 and city in ["Shanghai", "Hangzhou"]`,
		Clauses: []Explanation{
			{Rule: `has_tag("wine/italian", 3)`, Held: true, Saw: `"wine/italian": weight 4.5`},
			{Rule: `count("attend_tasting", 90d) >= 1`, Saw: "0"},
			{Rule: `city in ["Shanghai", "Hangzhou"]`, Saw: `"Beijing"`},
		},
	}
	if diff := cmp.Diff(want, x); diff != "" {
		t.Fatalf("Explain (-want +got):\n%s", diff)
	}
	if _, err := set.Explain(m.record(t, set), "nope", testNow); err == nil {
		t.Error("Explain of an unknown segment did not fail")
	}
	other, _ := Compile(testSchema, nil)
	if _, err := set.Explain(other.NewRecord("x"), "italian_wine_fans", testNow); err == nil {
		t.Error("Explain of another set's record did not fail")
	}
}

// Evaluating a member allocates nothing, whatever the rules read.
func TestEvaluateAllocatesNothing(t *testing.T) {
	rules := []string{
		`has_tag("wine/italian", 3) and count("attend_tasting", 90d) >= 1 and city in ["Shanghai", "Hangzhou"]`,
		`segment("s0") or spend > 99.49 and sum("purchase", 30d) >= 0.5 and sum("purchase") < 12345678901234567890123`,
		`city contains "HAI" and lifecycle != "churned" and age between 18 and 40 and vip = true`,
		`last_seen within 30d and not (joined before 400d) and first("purchase") < "2026-11-20T00:00:00Z"`,
		`at_least(2, [languages contains "zh", has_all_tags(["wine", "vip"]), exists(last("read_article"))])`,
	}
	var segs []Segment
	for i, text := range rules {
		segs = append(segs, Segment{Name: "s" + string(rune('0'+i)), Version: 1, Rule: MustParse(text)})
	}
	set, err := Compile(testSchema, segs)
	if err != nil {
		t.Fatal(err)
	}
	day := 24 * time.Hour
	m := member{id: "m", attrs: map[string]any{
		"city": "Shanghai", "lifecycle": "active", "age": 30.0, "spend": dec("99.50"), "vip": true,
		"joined": testNow.Add(-90 * day), "last_seen": testNow.Add(-day), "languages": []string{"zh", "en"},
	}, tags: []Tag{{Name: "wine/italian", Weight: 4, Source: SourceBehaviour}, {Name: "vip", Weight: 1, Source: SourceManual}},
		events: []qun.Event{
			purchase(testNow.Add(-2*day), "0.3"), purchase(testNow.Add(-3*day), "0.25"),
			{Member: "m", Name: "attend_tasting", Time: testNow.Add(-4 * day)},
			{Member: "m", Name: "read_article", Time: testNow.Add(-5 * day)},
		}}
	rec := m.record(t, set)
	e := set.At(testNow)
	dst := make([]int, 0, len(segs))
	if got := e.AppendMatches(dst, rec); len(got) != len(segs) {
		x, _ := e.Explain(rec, "s3")
		t.Fatalf("the member should be in every segment, is in %v\n%s", got, x)
	}
	if n := testing.AllocsPerRun(100, func() { dst = e.AppendMatches(dst[:0], rec) }); n != 0 {
		t.Errorf("AppendMatches allocates %v times per member", n)
	}
	if n := testing.AllocsPerRun(100, func() { e.Match(rec, 1) }); n != 0 {
		t.Errorf("Match allocates %v times per member", n)
	}
}

// The ASCII path of contains agrees with Unicode simple folding.
func TestContainsFold(t *testing.T) {
	tests := []struct {
		s, sub string
		want   bool
	}{
		{"Hangzhou", "ZHOU", true},
		{"Hangzhou", "", true},
		{"", "a", false},
		{"Kelvin", "\u212aelvin", true}, // the Kelvin sign folds to K
		{"\u212aelvin", "kelvin", true},
		{"Straße", "STRASSE", false}, // simple folding does not expand ß
		{"ſtop", "STOP", true},       // the long s folds to s
		{"上海 Shanghai", "shang", true},
		{"abc", "abcd", false},
	}
	for _, tt := range tests {
		got := qun.ContainsFold(tt.s, tt.sub)
		if got != tt.want {
			t.Errorf("ContainsFold(%q, %q) = %v", tt.s, tt.sub, got)
		}
		n := containsNode{needle: tt.sub, ascii: true}
		for i := 0; i < len(tt.sub); i++ {
			if tt.sub[i] >= 0x80 {
				n.ascii = false
			}
		}
		if n.ascii {
			if found, ok := containsLowerASCII(tt.s, strings.ToLower(tt.sub)); ok && found != tt.want {
				t.Errorf("containsLowerASCII(%q, %q) = %v", tt.s, tt.sub, found)
			}
		}
	}
}

// One set, many evaluators: the set and the records are only read, so
// goroutines share them (run with -race).
func TestConcurrentEvaluation(t *testing.T) {
	set := shopSet(t)
	recs := shop(t, set)
	want := set.At(testNow).AppendMatches(nil, recs[1])
	done := make(chan []int)
	for range 4 {
		go func() {
			e := set.At(testNow)
			var got []int
			for range 100 {
				for _, r := range recs {
					got = e.AppendMatches(got[:0], r)
				}
			}
			done <- e.AppendMatches(nil, recs[1])
		}()
	}
	for range 4 {
		if got := <-done; !slices.Equal(got, want) {
			t.Errorf("a goroutine saw %v, want %v", got, want)
		}
	}
}

// Decimals with absurd exponents are refused where they enter, as qun
// refuses them in an event's value: compared exactly, 10^-200000000 once
// took minutes and gigabytes for one member.
func TestHugeDecimalsRefused(t *testing.T) {
	set, err := Compile(testSchema, []Segment{{Name: "big", Version: 1, Rule: MustParse(`spend >= 12345678901234567890123.45 or sum("purchase") >= 1`)}})
	if err != nil {
		t.Fatal(err)
	}
	r := set.NewRecord("m")
	huge := decimal.New(1, -200000000)
	long := decimal.RequireFromString("1" + strings.Repeat("0", 70))
	for _, d := range []decimal.Decimal{huge, decimal.New(1, 65), long} {
		if err := r.SetDecimal("spend", d); !isInvalid(err) {
			t.Errorf("SetDecimal(%s…) = %v", d.String()[:min(10, len(d.String()))], err)
		}
		if err := r.AddEvent(qun.Event{Name: "purchase", Time: testNow, Value: decimal.NewNullDecimal(d)}); !isInvalid(err) {
			t.Errorf("AddEvent with value %s… = %v", d.String()[:min(10, len(d.String()))], err)
		}
	}
	for _, d := range []decimal.Decimal{decimal.New(1, -64), decimal.New(1, 64), decimal.RequireFromString(strings.Repeat("9", 64))} {
		if err := r.SetDecimal("spend", d); err != nil {
			t.Errorf("SetDecimal(%s) = %v", d, err)
		}
		if err := r.AddEvent(qun.Event{Name: "purchase", Time: testNow, Value: decimal.NewNullDecimal(d)}); err != nil {
			t.Errorf("AddEvent with value %s = %v", d, err)
		}
	}
	// Literals are held to the same bound, with a position in the text.
	for _, text := range []string{
		"spend >= 1" + strings.Repeat("0", 64),
		"spend >= 0." + strings.Repeat("0", 64) + "1",
		"spend >= 1." + strings.Repeat("0", 64),
	} {
		_, err := Parse(text)
		var se *qun.SyntaxError
		if !errors.As(err, &se) || se.Offset != 9 {
			t.Errorf("Parse(%.20s…) = %v, want a syntax error at offset 9", text, err)
		}
		if err := (NumberValue(text[9:])).Validate(); !isInvalid(err) {
			t.Errorf("NumberValue(%.20s…).Validate() = %v", text[9:], err)
		}
		var v Value
		if err := json.Unmarshal([]byte(text[9:]), &v); !isInvalid(err) {
			t.Errorf("json.Unmarshal(%.20s…) into a Value = %v", text[9:], err)
		}
	}
	for _, text := range []string{"-" + strings.Repeat("9", 64), "0." + strings.Repeat("0", 63) + "1", strings.Repeat("9", 32) + "." + strings.Repeat("9", 32)} {
		if _, err := Parse("spend >= " + text); err != nil {
			t.Errorf("Parse(spend >= %s) = %v", text, err)
		}
	}
}
