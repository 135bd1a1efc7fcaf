package segment

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/qunkit/qun"
	"github.com/shopspring/decimal"
)

// Value is a literal in a rule: "Shanghai", 99.50, true. A literal has one
// of three kinds, as in JSON; what it means comes from what it is compared
// with when the rule is compiled. A number compared with a decimal
// attribute or a sum is read exactly; compared with a number attribute it
// is read as the nearest float64; a string compared with a time attribute
// is read as an RFC 3339 instant.
//
// A number keeps the text it was written with ("99.50" stays "99.50"), so
// a rule prints and reads back exactly. Build values with [StringValue],
// [NumberValue], [IntValue], [DecimalValue] and [BoolValue].
type Value struct {
	// Kind is the literal's kind: string, number or bool. The zero Kind
	// is invalid.
	Kind Kind
	// Text is the string itself, the number in plain decimal notation
	// (an optional minus, digits without leading zeros, an optional
	// fraction: "3", "-2.5", "0.10"; at most 64 significant digits and 64
	// fraction digits), or "true" or "false".
	Text string
}

// Kind is the kind of a literal [Value].
type Kind uint8

// The kinds of literal.
const (
	// KindString is a string literal.
	KindString Kind = iota + 1
	// KindNumber is a number literal.
	KindNumber
	// KindBool is true or false.
	KindBool
)

// StringValue returns a string literal.
func StringValue(s string) Value { return Value{Kind: KindString, Text: s} }

// NumberValue returns a number literal written as text, such as "99.50".
// The text must be in plain decimal notation; [Value.Validate] says if it
// is not.
func NumberValue(text string) Value { return Value{Kind: KindNumber, Text: text} }

// IntValue returns the number literal n.
func IntValue(n int64) Value { return NumberValue(strconv.FormatInt(n, 10)) }

// DecimalValue returns the number literal d, written as d.String() writes
// it.
func DecimalValue(d decimal.Decimal) Value { return NumberValue(d.String()) }

// BoolValue returns true or false.
func BoolValue(b bool) Value { return Value{Kind: KindBool, Text: strconv.FormatBool(b)} }

// Validate reports whether v is a valid literal: a known kind, a string
// of valid UTF-8, a number in plain decimal notation with at most 64
// significant digits and 64 fraction digits (qun.MaxValueDigits), or
// "true" or "false".
func (v Value) Validate() error {
	switch v.Kind {
	case KindString:
		if reason := textProblem(v.Text, true); reason != "" {
			return qun.Invalid("", reason)
		}
	case KindNumber:
		if !isNumberText(v.Text) {
			return qun.Invalid("", "%q is not a number in plain decimal notation, such as 3, -2.5 or 0.10", v.Text)
		}
		if reason := numberTextProblem(v.Text); reason != "" {
			return qun.Invalid("", "%.20s… %s", v.Text, reason)
		}
	case KindBool:
		if v.Text != "true" && v.Text != "false" {
			return qun.Invalid("", "a bool must be true or false, not %q", v.Text)
		}
	default:
		return qun.Invalid("", "not a literal: the kind must be string, number or bool")
	}
	return nil
}

// String writes v as the text syntax does: a string quoted as Go quotes
// it, a number and a bool as they are.
func (v Value) String() string {
	if v.Kind == KindString {
		return strconv.Quote(v.Text)
	}
	return v.Text
}

// MarshalJSON writes v as a JSON string, number or bool. It refuses an
// invalid value.
func (v Value) MarshalJSON() ([]byte, error) {
	if err := v.Validate(); err != nil {
		return nil, fmt.Errorf("segment: marshal value: %w", err)
	}
	if v.Kind == KindString {
		return json.Marshal(v.Text)
	}
	return []byte(v.Text), nil
}

// UnmarshalJSON reads a JSON string, number or bool. A number must be in
// plain decimal notation: exponents such as 1e3 are refused, so that a
// literal keeps one text form; and within the bound of [Value.Validate].
func (v *Value) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return qun.Invalid("", "want a string, a number or a bool")
	}
	switch c := data[0]; {
	case c == '"':
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return qun.Invalid("", "want a string, a number or a bool")
		}
		*v = StringValue(s)
		return nil
	case c == 't' || c == 'f':
		var b bool
		if err := json.Unmarshal(data, &b); err != nil {
			return qun.Invalid("", "want a string, a number or a bool")
		}
		*v = BoolValue(b)
		return nil
	case c == '-' || c >= '0' && c <= '9':
		if !isNumberText(string(data)) {
			return qun.Invalid("", "a number must be in plain decimal notation, such as 3, -2.5 or 0.10, not %s", data)
		}
		if reason := numberTextProblem(string(data)); reason != "" {
			return qun.Invalid("", "%.20s… %s", data, reason)
		}
		*v = NumberValue(string(data))
		return nil
	}
	return qun.Invalid("", "want a string, a number or a bool")
}

// isNumberText reports whether s is a number in the notation both JSON
// and the text syntax read the same: -?(0|[1-9][0-9]*)(\.[0-9]+)?.
func isNumberText(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i == len(s):
		return false
	case s[i] == '0':
		i++
	case s[i] >= '1' && s[i] <= '9':
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	default:
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == start {
			return false
		}
	}
	return i == len(s)
}
