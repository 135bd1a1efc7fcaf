package segment

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/qunkit/qun"
)

func isInvalid(err error) bool { return errors.Is(err, qun.ErrInvalid) }

func TestParse(t *testing.T) {
	cityIn := Rule{Attr: "city", Op: In, Values: []Value{StringValue("Shanghai"), StringValue("Hangzhou")}}
	tasting := Rule{Agg: &Aggregate{Func: Count, Event: qun.EventFilter{Name: "attend_tasting"}, Window: qun.Days(90)}, Op: Ge, Values: []Value{IntValue(1)}}
	italian := Rule{Tags: &TagTest{Any: []string{"wine/italian"}, MinWeight: 3}}
	vip := Rule{Segment: "vip"}
	tests := []struct {
		text      string
		want      Rule
		canonical string // "" when the text is canonical already
	}{
		{
			text: `has_tag("wine/italian", 3) and count("attend_tasting", 90d) >= 1 and city in ["Shanghai", "Hangzhou"]`,
			want: Rule{And: []Rule{italian, tasting, cityIn}},
		},
		{
			text: `segment("vip") or has_tag("wine/italian", 3) and city in ["Shanghai", "Hangzhou"]`,
			want: Rule{Or: []Rule{vip, {And: []Rule{italian, cityIn}}}},
		},
		{
			text: `(segment("vip") or has_tag("wine/italian", 3)) and city in ["Shanghai", "Hangzhou"]`,
			want: Rule{And: []Rule{{Or: []Rule{vip, italian}}, cityIn}},
		},
		{
			text: `(segment("vip") and has_tag("wine/italian", 3)) and segment("vip")`,
			want: Rule{And: []Rule{{And: []Rule{vip, italian}}, vip}},
		},
		{
			text:      `((segment("vip")))`,
			want:      vip,
			canonical: `segment("vip")`,
		},
		{
			text:      `city not in ["Shanghai", "Hangzhou"]`,
			want:      Rule{Not: &cityIn},
			canonical: `not (city in ["Shanghai", "Hangzhou"])`,
		},
		{
			text: `not not segment("vip")`,
			want: Rule{Not: &Rule{Not: &vip}},
		},
		{
			text:      `has_any_tag(["wine/italian"], 3)`,
			want:      italian,
			canonical: `has_tag("wine/italian", 3)`,
		},
		{
			text: `has_all_tags(["wine", "course/beginner"])`,
			want: Rule{Tags: &TagTest{All: []string{"wine", "course/beginner"}}},
		},
		{
			text: `at_least(2, [city = "Shanghai", has_tag("wine"), age between 25 and 40])`,
			want: Rule{AtLeast: 2, Of: []Rule{
				{Attr: "city", Op: Eq, Values: []Value{StringValue("Shanghai")}},
				{Tags: &TagTest{Any: []string{"wine"}}},
				{Attr: "age", Op: Between, Values: []Value{IntValue(25), IntValue(40)}},
			}},
		},
		{
			text: `last_seen within 30d and joined before 1d12h and exists(city)`,
			want: Rule{And: []Rule{
				{Attr: "last_seen", Op: Within, Duration: qun.Days(30)},
				{Attr: "joined", Op: Before, Duration: qun.Days(1) + qun.Duration(12*3600e9)},
				{Attr: "city", Op: Exists},
			}},
		},
		{
			text:      `joined before 36h`,
			want:      Rule{Attr: "joined", Op: Before, Duration: qun.Days(1) + qun.Duration(12*3600e9)},
			canonical: `joined before 1d12h`,
		},
		{
			text: `sum("purchase" where sku in ["barolo-2019", "barbaresco"] and amount >= 99.50 and exists(coupon) and not exists(refund), 30d) > 0.01`,
			want: Rule{Agg: &Aggregate{Func: Sum, Event: qun.EventFilter{Name: "purchase", Where: []qun.Condition{
				{Prop: "sku", Op: qun.OpExact, Values: []string{"barolo-2019", "barbaresco"}},
				{Prop: "amount", Op: qun.OpGTE, Values: []string{"99.50"}},
				{Prop: "coupon", Op: qun.OpIsSet},
				{Prop: "refund", Op: qun.OpIsNotSet},
			}}, Window: qun.Days(30)}, Op: Gt, Values: []Value{NumberValue("0.01")}},
		},
		{
			text:      `count("read" where "$topic" in ["wine"] and region != 1 and title not contains "ad") = 0`,
			want:      Rule{Agg: &Aggregate{Func: Count, Event: qun.EventFilter{Name: "read", Where: []qun.Condition{{Prop: "$topic", Op: qun.OpExact, Values: []string{"wine"}}, {Prop: "region", Op: qun.OpIsNot, Values: []string{"1"}}, {Prop: "title", Op: qun.OpNotIContains, Values: []string{"ad"}}}}}, Op: Eq, Values: []Value{IntValue(0)}},
			canonical: `count("read" where "$topic" = "wine" and region != "1" and title not contains "ad") = 0`,
		},
		{
			text: `城市 = "上海" and vip != true and name contains "王" and code prefix "86"`,
			want: Rule{And: []Rule{
				{Attr: "城市", Op: Eq, Values: []Value{StringValue("上海")}},
				{Attr: "vip", Op: Ne, Values: []Value{BoolValue(true)}},
				{Attr: "name", Op: Contains, Values: []Value{StringValue("王")}},
				{Attr: "code", Op: Prefix, Values: []Value{StringValue("86")}},
			}},
		},
		{
			text:      "spend >= -0.50\n\tand first(\"join\") < \"2026-01-01T00:00:00+08:00\"",
			want:      Rule{And: []Rule{{Attr: "spend", Op: Ge, Values: []Value{NumberValue("-0.50")}}, {Agg: &Aggregate{Func: First, Event: qun.EventFilter{Name: "join"}}, Op: Lt, Values: []Value{StringValue("2026-01-01T00:00:00+08:00")}}}},
			canonical: `spend >= -0.50 and first("join") < "2026-01-01T00:00:00+08:00"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			got, err := Parse(tt.text)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Fatalf("Parse (-want +got):\n%s", diff)
			}
			canonical := tt.canonical
			if canonical == "" {
				canonical = tt.text
			}
			if s := got.String(); s != canonical {
				t.Fatalf("String() = %s, want %s", s, canonical)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		text      string
		line, col int
		msg       string
	}{
		{``, 1, 1, "unexpected end of rule"},
		{`city = "x" and (age > 3 or`, 1, 27, "want a test"},
		{`city = `, 1, 8, "want a value"},
		{`city == "x"`, 1, 7, "want a value"},
		{`city = "x" vip = true`, 1, 12, "after a complete rule"},
		{"city = \"Shanghai\" and\n  age >> 3", 2, 8, "want a value"},
		{"城市 = \"上海\" and 年龄 ~ 3", 1, 18, "unexpected character"},
		{`city = "unterminated`, 1, 8, "not terminated"},
		{`city = "\q"`, 1, 8, "malformed string"},
		{`age > 01`, 1, 7, "malformed number"},
		{`age > 1.`, 1, 7, "malformed number"},
		{`last_seen within 30 days`, 1, 18, "want a duration"},
		{`last_seen within 30x`, 1, 20, "unknown unit"},
		{`last_seen within -3d`, 1, 18, "positive duration"},
		{`count("x", 0s) > 1`, 1, 12, "window must be positive"},
		{`has_tag("/wine")`, 1, 9, "levels separated by / must not be empty"},
		{`has_tag("wine", -1)`, 1, 17, "minimum weight"},
		{`at_least(3, [segment("a"), segment("b")])`, 1, 1, "at_least needs from 1 to 2"},
		{`at_least(1.5, [segment("a")])`, 1, 10, "whole number"},
		{`segment("")`, 1, 9, "must not be empty"},
		{`and = 1`, 1, 1, "unexpected \"and\""},
		{`frobnicate(1)`, 1, 1, "unknown function"},
		{`count("e" where x > "ten") > 1`, 1, 17, "compares numbers"},
		{`count("e" where x like "a") > 1`, 1, 19, "want a property test"},
		{`city = "x` + strings.Repeat(" and (city = \"x\"", 70) + strings.Repeat(")", 70), 1, 1, ""},
		{strings.Repeat("not ", 100) + `segment("a")`, 1, 257, "nests more than 64"},
		{"city = \"\xff\"", 1, 8, "invalid UTF-8"},
		{`city = "\xff"`, 1, 8, "valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			_, err := Parse(tt.text)
			var se *qun.SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q) = %v, want a *qun.SyntaxError", tt.text, err)
			}
			if !isInvalid(err) {
				t.Errorf("error does not match qun.ErrInvalid")
			}
			if tt.msg == "" {
				return // only that it fails with a position
			}
			if se.Line != tt.line || se.Column != tt.col || !strings.Contains(se.Msg, tt.msg) {
				t.Errorf("Parse(%q) = line %d, column %d: %s; want line %d, column %d: …%s…", tt.text, se.Line, se.Column, se.Msg, tt.line, tt.col, tt.msg)
			}
		})
	}
}

func TestRuleValidate(t *testing.T) {
	one := Rule{Segment: "a"}
	tests := []struct {
		name string
		rule Rule
		want []string // fields at fault
	}{
		{"empty", Rule{}, []string{""}},
		{"two kinds", Rule{Segment: "a", Attr: "city", Op: Exists}, []string{""}},
		{"and of one", Rule{And: []Rule{one}}, []string{"and"}},
		{"bad child", Rule{Or: []Rule{one, {Attr: "1x", Op: Exists}}}, []string{"or[1].attr"}},
		{"values count", Rule{Attr: "age", Op: Between, Values: []Value{IntValue(1)}}, []string{"values"}},
		{"bad number", Rule{Attr: "age", Op: Eq, Values: []Value{NumberValue("1e3")}}, []string{"values[0]"}},
		{"contains a number", Rule{Attr: "city", Op: Contains, Values: []Value{IntValue(1)}}, []string{"values[0]"}},
		{"duration on =", Rule{Attr: "joined", Op: Eq, Values: []Value{StringValue("x")}, Duration: 5}, []string{"duration"}},
		{"no duration", Rule{Attr: "joined", Op: Within}, []string{"duration"}},
		{"reserved attr", Rule{Attr: "count", Op: Exists}, []string{"attr"}},
		{"bad op", Rule{Attr: "age", Op: 99}, []string{"op"}},
		{"bad tags", Rule{Tags: &TagTest{Any: []string{"a//b"}, All: []string{"c"}, MinWeight: -1}}, []string{"tags", "tags.any[0]", "tags.min_weight"}},
		{"bad agg", Rule{Agg: &Aggregate{Func: 9, Event: qun.EventFilter{Name: ""}, Window: -1}, Op: Exists}, []string{"agg.func", "agg.event.name", "agg.window"}},
		{"at_least range", Rule{AtLeast: 3, Of: []Rule{one}}, []string{"at_least"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.rule.Validate()
			if !isInvalid(err) {
				t.Fatalf("Validate() = %v, want an invalid error", err)
			}
			if diff := cmp.Diff(tt.want, fields(err)); diff != "" {
				t.Errorf("fields at fault (-want +got):\n%s\n%v", diff, err)
			}
		})
	}
}

// fields lists the fields of the validation errors in err.
func fields(err error) []string {
	var out []string
	for _, ve := range qun.ValidationErrors(err) {
		out = append(out, ve.Field)
	}
	return out
}

func TestRuleJSON(t *testing.T) {
	good := `{"and":[{"tags":{"any":["wine/italian"],"min_weight":3}},` +
		`{"agg":{"func":"count","event":{"name":"attend_tasting","where":[{"prop":"region","op":"exact","values":["italy"]}]},"window":"90d"},"op":">=","values":[1]},` +
		`{"attr":"city","op":"in","values":["Shanghai","Hangzhou"]}]}`
	var r Rule
	if err := json.Unmarshal([]byte(good), &r); err != nil {
		t.Fatal(err)
	}
	want := `has_tag("wine/italian", 3) and count("attend_tasting" where region = "italy", 90d) >= 1 and city in ["Shanghai", "Hangzhou"]`
	if r.String() != want {
		t.Fatalf("read %s, want %s", r, want)
	}
	bad := []struct {
		json, field string
	}{
		{`{"And":[]}`, "And"},
		{`{"attr":"city","op":"=","values":["x"],"extra":1}`, "extra"},
		{`{"attr":"city","op":"==","values":["x"]}`, "op"},
		{`{"attr":"age","op":">","values":[1e3]}`, "values"},
		{`{"attr":"age","op":">","values":[{}]}`, "values"},
		{`{"and":[{"segment":"a"},{"segment":"b","Segment":"c"}]}`, "and[1].Segment"},
		{`{"agg":{"func":"count","event":{"name":"x","where":[{"prop":"a","op":"exact","values":["1"],"Op":"x"}]}},"op":"=","values":[1]}`, "agg.event.where[0].Op"},
		{`{"agg":{"func":"avg","event":{"name":"x"}},"op":"=","values":[1]}`, "agg.func"},
		{`{"attr":"joined","op":"within","duration":"30 days"}`, "duration"},
		{`{"tags":{"any":["a"],"weight":2}}`, "tags.weight"},
		{`[]`, ""},
		{`{"not":{"not":{}}}`, "not.not"},
		{`{"attr":"city","attr":"town","op":"=","values":["x"]}`, "attr"},
		{`{"and":[{"segment":"a"},{"segment":"b","segment":"c"}]}`, "and[1].segment"},
		{`{"tags":{"any":["a"],"any":["b"]}}`, "tags.any"},
	}
	for _, tt := range bad {
		t.Run(tt.json, func(t *testing.T) {
			var r Rule
			err := json.Unmarshal([]byte(tt.json), &r)
			var ve *qun.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Unmarshal(%s) = %v, want a *qun.ValidationError", tt.json, err)
			}
			if got := fields(err); len(got) == 0 || got[0] != tt.field {
				t.Errorf("Unmarshal(%s) = %v, want field %q", tt.json, err, tt.field)
			}
		})
	}
}

func TestSchemaJSON(t *testing.T) {
	var s Schema
	data := `{"attributes":[{"name":"city","type":"string"},{"name":"spend","type":"decimal"}],"tags":["wine/italian"]}`
	if err := json.Unmarshal([]byte(data), &s); err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(s)
	if string(out) != data {
		t.Fatalf("round trip: %s", out)
	}
	for _, bad := range []string{
		`{"attributes":[{"name":"city","type":"text"}]}`,
		`{"attributes":[{"name":"and","type":"string"}]}`,
		`{"attributes":[{"name":"a","type":"string"},{"name":"a","type":"bool"}]}`,
		`{"attributes":[{"name":"a","type":"string","doc":"x"}]}`,
		`{"tags":["a/"]}`,
		`{"tags":["a","a"]}`,
	} {
		if err := json.Unmarshal([]byte(bad), &s); !isInvalid(err) {
			t.Errorf("Unmarshal(%s) = %v, want invalid", bad, err)
		}
	}
}
