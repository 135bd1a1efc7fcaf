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

var shanghai = qun.MustLoadZone("Asia/Shanghai").Location()

func validEvent() qun.Event {
	return qun.Event{
		ID:     "e-1",
		Member: "u-42",
		Name:   "purchase",
		Time:   time.Date(2026, 11, 22, 20, 15, 0, 0, shanghai),
		Value:  decimal.NewNullDecimal(decimal.RequireFromString("99.50")),
		Props:  map[string]string{"channel": "mini_program", "sku": "wine-101"},
	}
}

// problems lists the fields named by the validation errors in err.
func problems(err error) []string {
	var out []string
	var walk func(error)
	walk = func(err error) {
		var ve *qun.ValidationError
		if u, ok := err.(interface{ Unwrap() []error }); ok {
			for _, inner := range u.Unwrap() {
				walk(inner)
			}
		} else if errors.As(err, &ve) {
			out = append(out, ve.Field+": "+ve.Reason)
		} else if err != nil {
			out = append(out, "not a ValidationError: "+err.Error())
		}
	}
	walk(err)
	return out
}

func TestEventValidate(t *testing.T) {
	tests := []struct {
		name   string
		modify func(*qun.Event)
		want   []string
	}{
		{"valid", func(*qun.Event) {}, nil},
		{"no id, value or props is fine", func(e *qun.Event) {
			e.ID, e.Value, e.Props = "", decimal.NullDecimal{}, nil
		}, nil},
		{"Chinese names are fine", func(e *qun.Event) { e.Member, e.Name = "知味会员", "打卡" }, nil},
		{"empty member", func(e *qun.Event) { e.Member = "" }, []string{"member: must not be empty"}},
		{"member too long", func(e *qun.Event) { e.Member = qun.MemberID(strings.Repeat("x", 257)) },
			[]string{"member: must be at most 256 bytes"}},
		{"member of 256 bytes", func(e *qun.Event) { e.Member = qun.MemberID(strings.Repeat("x", 256)) }, nil},
		{"member with a newline", func(e *qun.Event) { e.Member = "u\n42" },
			[]string{"member: must not contain control characters"}},
		{"member not UTF-8", func(e *qun.Event) { e.Member = "u\xff" }, []string{"member: must be valid UTF-8"}},
		{"empty name", func(e *qun.Event) { e.Name = "" }, []string{"name: must not be empty"}},
		{"id with a tab", func(e *qun.Event) { e.ID = "e\t1" }, []string{"id: must not contain control characters"}},
		{"zero time", func(e *qun.Event) { e.Time = time.Time{} }, []string{"time: must not be zero"}},
		{"time past 9999", func(e *qun.Event) { e.Time = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) },
			[]string{"time: must lie within the years 0001 to 9999"}},
		{"empty property key", func(e *qun.Event) { e.Props = map[string]string{"": "x"} },
			[]string{`props[""]: key must not be empty`}},
		{"property value not UTF-8", func(e *qun.Event) { e.Props = map[string]string{"a": "\xc3"} },
			[]string{`props["a"]: must be valid UTF-8`}},
		{"property value may hold a newline", func(e *qun.Event) { e.Props = map[string]string{"note": "a\nb"} }, nil},
		{"a value with a huge exponent", func(e *qun.Event) { e.Value = decimal.NewNullDecimal(decimal.New(1, 50_000_000)) },
			[]string{"value: must have at most 64 significant digits and an exponent within ±64"}},
		{"a value with 65 digits", func(e *qun.Event) {
			e.Value = decimal.NewNullDecimal(decimal.RequireFromString(strings.Repeat("9", 65)))
		}, []string{"value: must have at most 64 significant digits and an exponent within ±64"}},
		{"a value of 64 digits", func(e *qun.Event) {
			e.Value = decimal.NewNullDecimal(decimal.RequireFromString("0." + strings.Repeat("9", 64)))
		}, nil},
		{"year 9999 in its zone but 10000 in UTC", func(e *qun.Event) {
			e.Time = time.Date(9999, 12, 31, 23, 0, 0, 0, time.FixedZone("", -3600))
		}, []string{"time: must lie within the years 0001 to 9999"}},
		{"every problem is reported, in field order", func(e *qun.Event) {
			*e = qun.Event{Props: map[string]string{"b\x00": "", "a": "\xff"}}
		}, []string{
			"member: must not be empty",
			"name: must not be empty",
			"time: must not be zero",
			`props["a"]: must be valid UTF-8`,
			`props["b\x00"]: key must not contain control characters`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := validEvent()
			tt.modify(&e)
			err := e.Validate()
			if diff := cmp.Diff(tt.want, problems(err)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			if err != nil && !errors.Is(err, qun.ErrInvalid) {
				t.Errorf("errors.Is(%v, ErrInvalid) = false", err)
			}
		})
	}
}

func TestEventJSON(t *testing.T) {
	e := validEvent()
	data, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"id":"e-1","member":"u-42","name":"purchase","time":"2026-11-22T20:15:00+08:00",` +
		`"value":"99.50","props":{"channel":"mini_program","sku":"wine-101"}}`
	if string(data) != want {
		t.Errorf("Marshal =\n%s\nwant\n%s", data, want)
	}
	var back qun.Event
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(e, back); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}

	minimal := qun.Event{Member: "u-1", Name: "join", Time: time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)}
	data, err = json.Marshal(minimal)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(data), `{"member":"u-1","name":"join","time":"2026-01-02T03:04:05.000000006Z"}`; got != want {
		t.Errorf("Marshal(minimal) = %s, want %s", got, want)
	}

	// The value keeps its scale, and an invalid event is not written.
	for in, want := range map[string]string{"99.50": `"99.50"`, "1E+3": `"1000"`, "-0.001": `"-0.001"`, "7": `"7"`} {
		e := minimal
		e.Value = decimal.NewNullDecimal(decimal.RequireFromString(in))
		data, err := json.Marshal(e)
		if err != nil || !strings.Contains(string(data), `"value":`+want) {
			t.Errorf("Marshal with value %s = %s, %v; want value %s", in, data, err, want)
		}
	}
	if _, err := json.Marshal(qun.Event{Name: "join"}); !errors.Is(err, qun.ErrInvalid) {
		t.Errorf("Marshal of an event without member or time: %v, want ErrInvalid", err)
	}
}

func TestEventUnmarshalStrict(t *testing.T) {
	const base = `"member":"u-1","name":"join","time":"2026-01-02T03:04:05Z"`
	tests := []struct {
		name string
		json string
		want []string // nil: accepted
	}{
		{"minimal", `{` + base + `}`, nil},
		{"value as a number", `{` + base + `,"value":12.5}`, nil},
		{"value as null", `{` + base + `,"value":null}`, nil},
		{"unknown field", `{` + base + `,"amount":3}`, []string{"amount: unknown field"}},
		{"field names are matched exactly", `{"Member":"u-1","name":"join","time":"2026-01-02T03:04:05Z"}`,
			[]string{"Member: unknown field"}},
		{"member missing", `{"name":"join","time":"2026-01-02T03:04:05Z"}`, []string{"member: must not be empty"}},
		{"time missing", `{"member":"u-1","name":"join"}`, []string{"time: must not be zero"}},
		{"member of the wrong type", `{"member":42,"name":"join","time":"2026-01-02T03:04:05Z"}`,
			[]string{"member: must be a string"}},
		{"time not RFC 3339", `{"member":"u-1","name":"join","time":"2026-01-02 03:04"}`,
			[]string{"time: must be an RFC 3339 time such as 2026-11-22T20:15:00+08:00"}},
		{"value not a number", `{` + base + `,"value":"ten"}`,
			[]string{"value: must be a decimal number such as 99.50, as a JSON number or string"}},
		{"props not strings", `{` + base + `,"props":{"n":1}}`, []string{`props["n"]: must be a string`}},
		{"a null property is refused, not read as empty", `{` + base + `,"props":{"vip":null}}`,
			[]string{`props["vip"]: must not be null (leave the field out instead)`}},
		{"a repeated field is refused", `{"member":"a","member":"b","name":"join","time":"2026-01-02T03:04:05Z"}`,
			[]string{"member: appears twice"}},
		{"a repeated property is refused", `{` + base + `,"props":{"k":"1","k":"2"}}`,
			[]string{`props["k"]: appears twice`}},
		{"several shape problems at once", `{"Member":"u","name":1,"time":"2026-01-02T03:04:05Z","x y":0}`,
			[]string{"Member: unknown field", "name: must be a string", `["x y"]: unknown field`}},
		{"not an object", `[1]`, []string{": must be an object"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := validEvent()
			e := before
			err := json.Unmarshal([]byte(tt.json), &e)
			if diff := cmp.Diff(tt.want, problems(err)); diff != "" {
				t.Fatalf("problems (-want +got):\n%s", diff)
			}
			if err != nil {
				if !errors.Is(err, qun.ErrInvalid) {
					t.Errorf("errors.Is(%v, ErrInvalid) = false", err)
				}
				if diff := cmp.Diff(before, e); diff != "" {
					t.Errorf("a failed decode changed the event (-before +after):\n%s", diff)
				}
			}
		})
	}

	// null leaves the event as it was, as encoding/json expects of a field.
	e := validEvent()
	if err := json.Unmarshal([]byte("null"), &e); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(validEvent(), e); diff != "" {
		t.Errorf("null changed the event:\n%s", diff)
	}
}

// genEvent draws a valid event: names from a small alphabet that includes
// Chinese, times anywhere in 1900–2200 at nanosecond precision in a fixed
// offset, values with any exponent an amount of money or a rating could have.
func genEvent() *rapid.Generator[qun.Event] {
	name := rapid.StringOfN(rapid.SampledFrom([]rune("abcxyz_-.:/0123456789 知味意粉打卡")), 1, 12, -1)
	text := rapid.StringOfN(rapid.SampledFrom([]rune("ab c\n\t\"\\知é😀")), 0, 10, -1)
	return rapid.Custom(func(t *rapid.T) qun.Event {
		e := qun.Event{
			Member: qun.MemberID(name.Draw(t, "member")),
			Name:   name.Draw(t, "name"),
		}
		if rapid.Bool().Draw(t, "has id") {
			e.ID = name.Draw(t, "id")
		}
		sec := rapid.Int64Range(-2208988800, 7258118400).Draw(t, "unix")
		nsec := rapid.Int64Range(0, 999_999_999).Draw(t, "nsec")
		offset := rapid.IntRange(-14*60, 14*60).Draw(t, "offset minutes") * 60
		e.Time = time.Unix(sec, nsec).In(time.FixedZone("", offset))
		if rapid.Bool().Draw(t, "has value") {
			coef := rapid.Int64().Draw(t, "coefficient")
			exp := rapid.Int32Range(-12, 12).Draw(t, "exponent")
			e.Value = decimal.NewNullDecimal(decimal.New(coef, exp))
		}
		if n := rapid.IntRange(0, 4).Draw(t, "props"); n > 0 {
			e.Props = make(map[string]string, n)
			for range n {
				e.Props[name.Draw(t, "key")] = text.Draw(t, "value")
			}
		}
		return e
	})
}

func TestEventJSONRoundTripProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		e := genEvent().Draw(t, "event")
		if err := e.Validate(); err != nil {
			t.Fatalf("generated an invalid event: %v", err)
		}
		data, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		var back qun.Event
		if err := json.Unmarshal(data, &back); err != nil {
			t.Fatalf("Unmarshal(%s): %v", data, err)
		}
		// cmp compares times and decimals with their Equal methods: the
		// instant and the numeric value survive, whatever the location.
		if diff := cmp.Diff(e, back); diff != "" {
			t.Fatalf("round trip of %s (-want +got):\n%s", data, diff)
		}
	})
}

func FuzzEventUnmarshal(f *testing.F) {
	f.Add([]byte(`{"id":"e-1","member":"u-42","name":"purchase","time":"2026-11-22T20:15:00+08:00","value":"99.5","props":{"channel":"mini_program"}}`))
	f.Add([]byte(`{"member":"u","name":"n","time":"2026-01-02T03:04:05Z","value":1e3}`))
	f.Add([]byte(`{"member":"","name":"n"}`))
	f.Add([]byte(`null`))
	f.Add([]byte(`{"props":{"":"x"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var e qun.Event
		if err := json.Unmarshal(data, &e); err != nil {
			if !errors.Is(err, qun.ErrInvalid) && !isJSONSyntaxError(err) {
				t.Fatalf("error %v is neither ErrInvalid nor a JSON syntax error", err)
			}
			return
		}
		if string(data) == "null" || isNull(data) {
			return
		}
		if err := e.Validate(); err != nil {
			t.Fatalf("accepted an invalid event: %v", err)
		}
		again, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		var back qun.Event
		if err := json.Unmarshal(again, &back); err != nil {
			t.Fatalf("re-reading %s: %v", again, err)
		}
		if diff := cmp.Diff(e, back); diff != "" {
			t.Fatalf("round trip (-want +got):\n%s", diff)
		}
	})
}

func isJSONSyntaxError(err error) bool {
	var se *json.SyntaxError
	return errors.As(err, &se)
}

func isNull(data []byte) bool {
	return strings.TrimSpace(string(data)) == "null"
}

func ExampleValidateValue() {
	fmt.Println(qun.ValidateValue(decimal.RequireFromString("19.90")))
	fmt.Println(qun.Within("spend", qun.ValidateValue(decimal.New(1, -200000000))))
	// Output:
	// <nil>
	// invalid spend: must have at most 64 significant digits and an exponent within ±64
}
