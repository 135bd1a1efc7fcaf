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
)

// plan is a configuration of the shapes leaf packages use.
type plan struct {
	Name     string               `json:"name"`
	Priority int8                 `json:"priority,omitempty"`
	Enabled  bool                 `json:"enabled"`
	Cooldown qun.Duration         `json:"cooldown"`
	Calendar qun.Calendar         `json:"calendar"`
	Starts   time.Time            `json:"starts,omitzero"`
	Price    decimal.Decimal      `json:"price"`
	Bonus    decimal.NullDecimal  `json:"bonus,omitzero"`
	Events   []qun.EventFilter    `json:"events,omitempty"`
	Limits   map[string]int       `json:"limits,omitempty"`
	Stages   map[qun.Stage]string `json:"stages,omitempty"`
	Window   [2]qun.Date          `json:"window"`
	Note     *string              `json:"note,omitempty"`
	Count    int64                `json:"count,string,omitempty"`
	Extra    any                  `json:"extra,omitempty"`
	Tier     tier                 `json:"tier,omitzero"`
	Path     []qun.Stage          `json:"path,omitempty"`
	Blob     []byte               `json:"blob,omitempty"`
	ignored  int
	Skipped  int `json:"-"`
	embedded
}

type tier struct {
	Level int `json:"level"`
}

type embedded struct {
	Owner string `json:"owner,omitempty"`
}

const goodPlan = `{
	"name": "double points",
	"priority": 2,
	"enabled": true,
	"cooldown": "1d12h",
	"calendar": {"zone": "Asia/Shanghai", "week_start": "monday"},
	"starts": "2026-10-01T00:00:00+08:00",
	"price": "99.50",
	"bonus": 10,
	"events": [{"name": "check_in", "where": [{"prop": "channel", "op": "exact", "values": ["wechat"]}]}],
	"limits": {"daily": 3},
	"stages": {"growth": "monthly"},
	"window": ["2026-10-01", "2026-10-07"],
	"note": null,
	"count": "42",
	"extra": {"anything": [1, "goes"]},
	"path": ["building", "growth"],
	"blob": "cXVu",
	"owner": "ops"
}`

func TestUnmarshalStrictAccepts(t *testing.T) {
	var got plan
	if err := qun.UnmarshalStrict([]byte(goodPlan), &got); err != nil {
		t.Fatal(err)
	}
	want := plan{
		Name: "double points", Priority: 2, Enabled: true, Cooldown: qun.Duration(36 * time.Hour),
		Calendar: qun.Calendar{Zone: qun.MustLoadZone("Asia/Shanghai"), WeekStart: time.Monday},
		Starts:   time.Date(2026, 10, 1, 0, 0, 0, 0, qun.MustLoadZone("Asia/Shanghai").Location()),
		Price:    decimal.RequireFromString("99.50"),
		Bonus:    decimal.NewNullDecimal(decimal.NewFromInt(10)),
		Events: []qun.EventFilter{{Name: "check_in", Where: []qun.Condition{
			{Prop: "channel", Op: qun.OpExact, Values: []string{"wechat"}}}}},
		Limits:   map[string]int{"daily": 3},
		Stages:   map[qun.Stage]string{qun.Growth: "monthly"},
		Window:   [2]qun.Date{{Year: 2026, Month: 10, Day: 1}, {Year: 2026, Month: 10, Day: 7}},
		Count:    42,
		Extra:    map[string]any{"anything": []any{1.0, "goes"}},
		Path:     []qun.Stage{qun.Building, qun.Growth},
		Blob:     []byte("qun"),
		embedded: embedded{Owner: "ops"},
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(plan{}, embedded{})); diff != "" {
		t.Errorf("UnmarshalStrict (-want +got):\n%s", diff)
	}
}

func TestUnmarshalStrictRefuses(t *testing.T) {
	tests := []struct {
		name string
		json string
		want []string
	}{
		{"a misspelt field", `{"name":"x","nmae":"y"}`, []string{"nmae: unknown field"}},
		{"a field in the wrong case", `{"Name":"x"}`, []string{"Name: unknown field"}},
		{"a repeated field", `{"name":"x","name":"y"}`, []string{"name: appears twice"}},
		{"a field named -", `{"Skipped":1}`, []string{"Skipped: unknown field"}},
		{"an unexported field", `{"ignored":1}`, []string{"ignored: unknown field"}},
		{"a key that is not a plain name", `{"a.b":1,"":2}`, []string{`["a.b"]: unknown field`, `[""]: unknown field`}},
		{"null for a string", `{"name":null}`, []string{"name: must not be null (leave the field out instead)"}},
		{"null for a struct", `{"tier":null}`, []string{"tier: must not be null (leave the field out instead)"}},
		{"a nested unknown field", `{"tier":{"level":1,"lvl":2}}`, []string{"tier.lvl: unknown field"}},
		{"a string for a bool", `{"enabled":"yes"}`, []string{"enabled: must be true or false"}},
		{"a number out of range", `{"priority":300}`, []string{"priority: must be a number that fits int8"}},
		{"a fraction for an integer", `{"priority":1.5}`, []string{"priority: must be a number that fits int8"}},
		{"a bad duration", `{"cooldown":"1.5 days"}`,
			[]string{`cooldown: qun: parse duration "1.5 days": line 1, column 4: unknown unit " days" (want ns, us, ms, s, m, h, d or w)`}},
		{"a nested strict type", `{"calendar":{"zone":"UTC","week_start":"monday","tz":"x"}}`, []string{"calendar.tz: unknown field"}},
		{"a nested filter", `{"events":[{"name":"x"},{"name":"y","whre":[]}]}`, []string{"events[1].whre: unknown field"}},
		{"a bad operator", `{"events":[{"name":"x","where":[{"prop":"a","op":"regex"}]}]}`,
			[]string{`events[0].where[0].op: "regex" is not an operator: want exact, is_not, icontains, not_icontains, gt, gte, lt, lte, is_set or is_not_set`}},
		{"a time", `{"starts":"2026-10-01"}`, []string{"starts: must be an RFC 3339 time such as 2026-11-22T20:15:00+08:00"}},
		{"a decimal", `{"price":"¥99"}`, []string{"price: must be a decimal number such as 99.50, as a JSON number or string"}},
		{"a bad map key", `{"stages":{"launch":"x"}}`,
			[]string{`stages["launch"]: "launch" is not a stage: want building, growth, mature or declining`}},
		{"a repeated map key", `{"limits":{"daily":1,"daily":2}}`, []string{`limits["daily"]: appears twice`}},
		{"too many array elements", `{"window":["2026-10-01","2026-10-02","2026-10-03"]}`,
			[]string{"window: must hold at most 2 elements, not 3"}},
		{"a bad date in an array", `{"window":["2026-10-01","2026-02-30"]}`,
			[]string{`window[1]: qun: parse date "2026-02-30": line 1, column 9: February 2026 has 28 days`}},
		{"a quoted number that is not one", `{"count":"4x"}`, []string{"count: must hold a int64 inside the string"}},
		{"a number where a quoted one belongs", `{"count":42}`, []string{"count: must be a string"}},
		{"every problem at once", `{"nmae":"x","enabled":1,"limits":{"a":"b"}}`,
			[]string{"nmae: unknown field", "enabled: must be true or false", `limits["a"]: must be a number`}},
		{"not an object", `[]`, []string{": must be an object"}},
		{"not JSON", `{"name":`, []string{": not valid JSON: unexpected end of JSON input"}},
		{"not JSON after a value", `{"name":"x"} x`, []string{": not valid JSON: invalid character 'x' looking for beginning of value"}},
		{"two values", `{} {}`, []string{": not valid JSON: data after the JSON value"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := plan{Name: "unchanged"}
			got := before
			err := qun.UnmarshalStrict([]byte(tt.json), &got)
			if diff := cmp.Diff(tt.want, problems(err)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			if !errors.Is(err, qun.ErrInvalid) {
				t.Errorf("errors.Is(%v, ErrInvalid) = false", err)
			}
			if diff := cmp.Diff(before, got, cmp.AllowUnexported(plan{}, embedded{})); diff != "" {
				t.Errorf("a refused decode changed the value (-before +after):\n%s", diff)
			}
		})
	}
}

// The error of a field's own parser stays reachable, with its position.
func TestUnmarshalStrictKeepsCauses(t *testing.T) {
	var d qun.Decay
	err := json.Unmarshal([]byte(`{"half_life":"7 days"}`), &d)
	var ve *qun.ValidationError
	var se *qun.SyntaxError
	if !errors.As(err, &ve) || ve.Field != "half_life" || !errors.As(err, &se) || se.Column != 2 {
		t.Errorf("error %v: field %+v, syntax %+v", err, ve, se)
	}
	err = qun.UnmarshalStrict([]byte("{\n  \"name\": tru\n}"), &plan{})
	if !errors.As(err, &se) || se.Line != 2 {
		t.Errorf("bad JSON: %v, syntax error %+v, want line 2", err, se)
	}
}

func TestUnmarshalStrictMisuse(t *testing.T) {
	var f qun.EventFilter
	for _, v := range []any{plan{}, (*plan)(nil), nil, &f} {
		err := qun.UnmarshalStrict([]byte(`{}`), v)
		if err == nil || errors.Is(err, qun.ErrInvalid) {
			t.Errorf("UnmarshalStrict(%T) = %v, want an error that is not ErrInvalid", v, err)
		}
	}
}

// The root's own configuration types decode strictly.
func TestStrictConfigTypes(t *testing.T) {
	tests := []struct {
		into func() any
		json string
		want string
	}{
		{func() any { return new(qun.EventFilter) }, `{"name":"purchase","whre":[]}`, "whre: unknown field"},
		{func() any { return new(qun.EventFilter) }, `{"NAME":"purchase"}`, "NAME: unknown field"},
		{func() any { return new(qun.Condition) }, `{"prop":"a","op":"exact","values":[100]}`, "values[0]: must be a string"},
		{func() any { return new(qun.Decay) }, `{"halflife":"7d"}`, "halflife: unknown field"},
		{func() any { return new(qun.Decay) }, `{"half_life":7}`, "half_life: must be a string"},
	}
	for _, tt := range tests {
		v := tt.into()
		err := json.Unmarshal([]byte(tt.json), v)
		if got := fmt.Sprint(problems(err)); got != fmt.Sprint([]string{tt.want}) {
			t.Errorf("%T from %s: %s, want %s", v, tt.json, got, tt.want)
		}
	}
}

func FuzzUnmarshalStrict(f *testing.F) {
	f.Add([]byte(goodPlan))
	f.Add([]byte(`{"name":"x","limits":{"a":1,"a":2}}`))
	f.Add([]byte(`{"count":"7","window":["2026-01-01"]}`))
	f.Add([]byte(`{"extra":null,"note":"n"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var p plan
		err := qun.UnmarshalStrict(data, &p)
		if err != nil {
			if !errors.Is(err, qun.ErrInvalid) {
				t.Fatalf("error %v is not ErrInvalid", err)
			}
			return
		}
		// What was accepted is accepted again once written out.
		out, err := json.Marshal(p)
		if err != nil {
			return // e.g. a zero Calendar week start that cannot be written
		}
		var again plan
		if err := qun.UnmarshalStrict(out, &again); err != nil {
			t.Fatalf("re-reading %s: %v", out, err)
		}
	})
}

// node is a configuration type that nests itself, as a rule tree does.
type node struct {
	Name string `json:"name"`
	Kids []node `json:"kids,omitempty"`
}

var nodeDecodes int

func (n *node) UnmarshalJSON(data []byte) error {
	nodeDecodes++
	type plain node
	return qun.UnmarshalStrict(data, (*plain)(n))
}

// Each nested custom decoder runs once, however deep the tree.
func TestUnmarshalStrictNestedOnce(t *testing.T) {
	const depth = 200
	text := ""
	for range depth {
		text += `{"name":"n","kids":[`
	}
	text += `{"name":"leaf"}`
	for range depth {
		text += `]}`
	}
	nodeDecodes = 0
	var root node
	if err := json.Unmarshal([]byte(text), &root); err != nil {
		t.Fatal(err)
	}
	if nodeDecodes != depth+1 {
		t.Errorf("UnmarshalJSON ran %d times for %d nodes", nodeDecodes, depth+1)
	}
	leaf := root
	for range depth {
		leaf = leaf.Kids[0]
	}
	if leaf.Name != "leaf" {
		t.Errorf("the deepest node is %q", leaf.Name)
	}
	bad := strings.Replace(text, `{"name":"leaf"}`, `{"name":"leaf","nmae":1}`, 1)
	err := json.Unmarshal([]byte(bad), &root)
	if want := strings.Repeat("kids[0].", depth) + "nmae: unknown field"; fmt.Sprint(problems(err)) != fmt.Sprint([]string{want}) {
		t.Errorf("deep error = %v", problems(err))
	}
}

// Hostile nesting is refused, not followed down the stack.
func TestUnmarshalStrictDepth(t *testing.T) {
	deep := strings.Repeat(`{"extra":`, 20000) + "1" + strings.Repeat("}", 20000)
	err := qun.UnmarshalStrict([]byte(deep), &plan{})
	if !errors.Is(err, qun.ErrInvalid) || !strings.Contains(err.Error(), "nested more than 10000 levels deep") {
		t.Errorf("20000 levels: %v", err)
	}
}
