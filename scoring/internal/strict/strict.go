// Package strict reads JSON configurations strictly, for package scoring
// and its sub-packages: unknown fields are refused, nothing may follow the
// value, and every refusal is a *qun.ValidationError or a *qun.SyntaxError,
// so that it matches qun.ErrInvalid.
package strict

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"

	"github.com/qunkit/qun"
)

// Decode reads data into v, which must be a pointer to a plain struct (not
// to a type whose UnmarshalJSON calls Decode, which would recurse). Field
// names are matched as encoding/json matches them.
func Decode(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return convert(data, err)
	}
	// Anything but white space after the value is an error.
	if off := dec.InputOffset(); len(bytes.TrimSpace(data[off:])) > 0 {
		rest := data[off:]
		skip := len(rest) - len(bytes.TrimLeft(rest, " \t\r\n"))
		return qun.SyntaxErrorAt(string(data), int(off)+skip, "unexpected data after the JSON value")
	}
	return nil
}

// convert turns an error from encoding/json into one that matches
// qun.ErrInvalid and names the field or the position.
func convert(data []byte, err error) error {
	if errors.Is(err, qun.ErrInvalid) {
		return err
	}
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		// The offset counts the bytes read, the bad one included.
		return qun.SyntaxErrorAt(string(data), int(syntax.Offset)-1, "%s", strings.TrimPrefix(syntax.Error(), "json: "))
	case errors.As(err, &typ):
		return qun.Invalid(typ.Field, "must be %s, not %s", describe(typ.Type.Kind().String()), typ.Value)
	case errors.Is(err, io.EOF):
		return qun.SyntaxErrorAt(string(data), 0, "want a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return qun.SyntaxErrorAt(string(data), len(data), "unexpected end of JSON")
	}
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, `json: unknown field "`); ok {
		return qun.Invalid(strings.TrimSuffix(name, `"`), "unknown field")
	}
	return qun.Invalid("", "%s", strings.TrimPrefix(msg, "json: "))
}

// describe names a Go kind as JSON users know it.
func describe(kind string) string {
	switch kind {
	case "float32", "float64":
		return "a number"
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64":
		return "an integer"
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "slice", "array":
		return "an array"
	case "struct", "map":
		return "an object"
	}
	return "a " + kind
}
