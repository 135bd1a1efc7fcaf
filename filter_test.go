package qun_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/qunkit/qun"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

func TestConditionHolds(t *testing.T) {
	c := func(op qun.Op, values ...string) qun.Condition {
		return qun.Condition{Prop: "p", Op: op, Values: values}
	}
	const missing = "\x00missing"
	tests := []struct {
		cond  qun.Condition
		value string
		want  bool
	}{
		{c(qun.OpExact, "italy", "piedmont"), "piedmont", true},
		{c(qun.OpExact, "italy"), "Italy", false},
		{c(qun.OpExact, "italy"), missing, false},
		{c(qun.OpExact, ""), "", true},
		{c(qun.OpIsNot, "italy", "piedmont"), "france", true},
		{c(qun.OpIsNot, "italy"), "italy", false},
		{c(qun.OpIsNot, "italy"), missing, true}, // PostHog: a missing property "is not" anything
		{c(qun.OpIContains, "WINE"), "italian wine club", true},
		{c(qun.OpIContains, "wine"), "WINE", true},
		{c(qun.OpIContains, "ß"), "STRASSE", false}, // simple folding, as strings.EqualFold
		{c(qun.OpIContains, "σ"), "ΣΟΦΙΑ", true},
		{c(qun.OpIContains, "葡萄酒"), "意大利葡萄酒品鉴", true},
		{c(qun.OpIContains, "x"), missing, false},
		{c(qun.OpIContains, ""), "", true},
		{c(qun.OpNotIContains, "posthog.com"), missing, true},
		{c(qun.OpNotIContains, "posthog.com"), "a@PostHog.com", false},
		{c(qun.OpNotIContains, "posthog.com"), "a@qun.dev", true},
		{c(qun.OpGT, "100"), "100.01", true},
		{c(qun.OpGT, "100"), "100.00", false},
		{c(qun.OpGTE, "100"), "100.00", true},
		{c(qun.OpGTE, "100"), "0100", true},
		{c(qun.OpLT, "0"), "-0.001", true},
		{c(qun.OpLT, "-5"), "-10", true},
		{c(qun.OpLTE, "-0"), "0", true},
		{c(qun.OpGT, "9"), "10", true},
		{c(qun.OpGT, ".5"), "0.45", false},
		{c(qun.OpGT, "1"), "ten", false},
		{c(qun.OpLT, "1"), "1e-3", false}, // plain notation only
		{c(qun.OpLT, "1"), missing, false},
		{c(qun.OpIsSet), "", true},
		{c(qun.OpIsSet), missing, false},
		{c(qun.OpIsNotSet), missing, true},
		{c(qun.OpIsNotSet), "x", false},
		// Invalid conditions hold for nothing, negative operators included.
		{qun.Condition{Prop: "p", Op: 0}, "x", false},
		{qun.Condition{Prop: "p", Op: qun.OpGT}, "x", false},
		{qun.Condition{Prop: "p", Op: qun.OpIsNot}, "x", false},
		{qun.Condition{Prop: "p", Op: qun.OpNotIContains, Values: []string{"a", "b"}}, "x", false},
		{qun.Condition{Prop: "p", Op: qun.OpIsSet, Values: []string{"x"}}, "x", false},
		{qun.Condition{Prop: "p", Op: qun.OpIsNotSet, Values: []string{"x"}}, missing, false},
	}
	for _, tt := range tests {
		value, present := tt.value, tt.value != missing
		if !present {
			value = ""
		}
		if got := tt.cond.Holds(value, present); got != tt.want {
			t.Errorf("%s %v on %q (present %v) = %v, want %v", tt.cond.Op, tt.cond.Values, value, present, got, tt.want)
		}
	}
}

func TestEventFilterMatch(t *testing.T) {
	f := qun.EventFilter{Name: "attend_tasting", Where: []qun.Condition{
		{Prop: "region", Op: qun.OpExact, Values: []string{"italy", "piedmont"}},
		{Prop: "seats", Op: qun.OpGTE, Values: []string{"1"}},
	}}
	base := qun.Event{Member: "lin", Name: "attend_tasting", Time: time.Unix(0, 0),
		Props: map[string]string{"region": "italy", "seats": "2"}}
	if !f.Match(base) {
		t.Error("a matching event does not match")
	}
	other := base
	other.Name = "attend_Tasting"
	if f.Match(other) {
		t.Error("names are compared exactly")
	}
	other = base
	other.Props = map[string]string{"region": "italy"}
	if f.Match(other) {
		t.Error("an event without seats matches seats >= 1")
	}
	if allocs := testing.AllocsPerRun(100, func() { f.Match(base) }); allocs != 0 {
		t.Errorf("Match allocates %v times", allocs)
	}
}

func TestEventFilterValidate(t *testing.T) {
	f := qun.EventFilter{Where: []qun.Condition{
		{Prop: "region", Op: qun.OpExact},
		{Prop: "", Op: qun.OpIsSet, Values: []string{"x"}},
		{Prop: "amount", Op: qun.OpGT, Values: []string{"1e3"}},
		{Prop: "q", Op: qun.OpIContains, Values: []string{"a", "b"}},
		{Prop: "q", Op: 0},
	}}
	want := []string{
		"name: must not be empty",
		"where[0].values: exact needs at least one value",
		"where[1].prop: must not be empty",
		"where[1].values: is_set takes no values",
		"where[2].values[0]: gt compares numbers: want a decimal such as 100 or -2.5",
		"where[3].values: icontains needs exactly one value, not 2",
		"where[4].op: not an operator",
	}
	if diff := cmp.Diff(want, problems(f.Validate())); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	good := qun.EventFilter{Name: "post", Where: []qun.Condition{{Prop: "topic", Op: qun.OpIsSet}}}
	if err := good.Validate(); err != nil {
		t.Errorf("valid filter: %v", err)
	}
}

func TestEventFilterJSON(t *testing.T) {
	const text = `{"name":"attend_tasting","where":[{"prop":"region","op":"exact","values":["italy","piedmont"]},{"prop":"vip","op":"is_set"}]}`
	var f qun.EventFilter
	if err := json.Unmarshal([]byte(text), &f); err != nil {
		t.Fatal(err)
	}
	want := qun.EventFilter{Name: "attend_tasting", Where: []qun.Condition{
		{Prop: "region", Op: qun.OpExact, Values: []string{"italy", "piedmont"}},
		{Prop: "vip", Op: qun.OpIsSet},
	}}
	if diff := cmp.Diff(want, f); diff != "" {
		t.Errorf("Unmarshal (-want +got):\n%s", diff)
	}
	data, err := json.Marshal(f)
	if err != nil || string(data) != text {
		t.Errorf("Marshal = %s, %v", data, err)
	}
	if err := json.Unmarshal([]byte(`{"name":"x","where":[{"prop":"a","op":"regex"}]}`), &f); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("unknown operator: %v, want ErrInvalid", err)
	}
	for op := qun.OpExact; op <= qun.OpIsNotSet; op++ {
		var back qun.Op
		text, err := op.MarshalText()
		if err != nil || back.UnmarshalText(text) != nil || back != op {
			t.Errorf("%v does not round-trip: %s, %v", op, text, err)
		}
	}
	if _, err := qun.Op(0).MarshalText(); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("MarshalText(0) = %v", err)
	}
}

// The numeric operators compare exactly as decimal.Decimal does.
func TestNumericOperatorsProperty(t *testing.T) {
	number := rapid.Custom(func(t *rapid.T) string {
		d := decimal.New(rapid.Int64Range(-1e12, 1e12).Draw(t, "coefficient"), rapid.Int32Range(-8, 4).Draw(t, "exponent"))
		s := d.String()
		if rapid.Bool().Draw(t, "pad") { // the same number written differently
			if !strings.Contains(s, ".") {
				s += "."
			}
			s += strings.Repeat("0", rapid.IntRange(0, 3).Draw(t, "zeros"))
			if strings.HasPrefix(s, "-") {
				s = "-0" + s[1:]
			} else {
				s = "+0" + s
			}
		}
		return s
	})
	rapid.Check(t, func(t *rapid.T) {
		a, b := number.Draw(t, "a"), number.Draw(t, "b")
		want := decimal.RequireFromString(a).Cmp(decimal.RequireFromString(b))
		ops := map[qun.Op]bool{qun.OpGT: want > 0, qun.OpGTE: want >= 0, qun.OpLT: want < 0, qun.OpLTE: want <= 0}
		for op, w := range ops {
			if got := (qun.Condition{Prop: "p", Op: op, Values: []string{b}}).Holds(a, true); got != w {
				t.Fatalf("%s %s %s = %v, want %v", a, op, b, got, w)
			}
		}
	})
}

// icontains agrees with strings.EqualFold applied to every substring.
func TestIContainsProperty(t *testing.T) {
	text := rapid.StringOfN(rapid.SampledFrom([]rune("aAbBkKσΣςſsS葡萄 \u212a")), 0, 8, -1)
	rapid.Check(t, func(t *rapid.T) {
		s, sub := text.Draw(t, "s"), text.Draw(t, "sub")
		want := sub == ""
		runes := []int{}
		for i := range s {
			runes = append(runes, i)
		}
		runes = append(runes, len(s))
		for _, i := range runes {
			for _, j := range runes {
				if i < j && strings.EqualFold(s[i:j], sub) {
					want = true
				}
			}
		}
		got := qun.Condition{Prop: "p", Op: qun.OpIContains, Values: []string{sub}}.Holds(s, true)
		if got != want {
			t.Fatalf("icontains(%q, %q) = %v, want %v", s, sub, got, want)
		}
	})
}

func ExampleEventFilter() {
	tasting := qun.EventFilter{Name: "attend_tasting", Where: []qun.Condition{
		{Prop: "region", Op: qun.OpExact, Values: []string{"italy", "piedmont"}},
	}}
	if err := tasting.Validate(); err != nil {
		fmt.Println(err)
		return
	}
	at := time.Date(2026, 11, 22, 19, 30, 0, 0, time.UTC)
	for _, e := range []qun.Event{
		{Member: "lin", Name: "attend_tasting", Time: at, Props: map[string]string{"region": "piedmont"}},
		{Member: "zhou", Name: "attend_tasting", Time: at, Props: map[string]string{"region": "bordeaux"}},
		{Member: "wu", Name: "read_article", Time: at, Props: map[string]string{"region": "italy"}},
	} {
		fmt.Println(e.Member, tasting.Match(e))
	}
	// Output:
	// lin true
	// zhou false
	// wu false
}
