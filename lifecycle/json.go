package lifecycle

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"

	"github.com/qunkit/qun"
)

// decodeStrict reads one JSON value into v, refusing unknown fields and
// trailing data. Its errors match qun.ErrInvalid: a [*qun.SyntaxError] at
// the offset of malformed JSON, or a [*qun.ValidationError] naming the
// field that is unknown or of the wrong type. Errors from the fields' own
// text decoders (a duration, a zone, a stage name) already match it and are
// passed on.
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonProblem(data, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return qun.SyntaxErrorAt(string(data), int(dec.InputOffset()), "unexpected data after the JSON value")
	}
	return nil
}

// jsonProblem turns an encoding/json error into qun's kinds.
func jsonProblem(data []byte, err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return qun.SyntaxErrorAt(string(data), int(syntax.Offset), "%s", strings.TrimPrefix(syntax.Error(), "json: "))
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return qun.SyntaxErrorAt(string(data), len(data), "unexpected end of JSON input")
	case errors.As(err, &typ):
		return qun.Invalid(typ.Field, "must be %s, not %s", jsonKind(typ.Type.Kind().String()), typ.Value)
	case errors.Is(err, qun.ErrInvalid):
		return err
	}
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		return qun.Invalid(strings.Trim(name, `"`), "unknown field")
	}
	return qun.Invalid("", "%s", strings.TrimPrefix(msg, "json: "))
}

// jsonKind names a Go kind in JSON's terms.
func jsonKind(kind string) string {
	switch {
	case strings.HasPrefix(kind, "int"), strings.HasPrefix(kind, "uint"), strings.HasPrefix(kind, "float"):
		return "a number"
	case kind == "string":
		return "a string"
	case kind == "bool":
		return "true or false"
	case kind == "slice", kind == "array":
		return "an array"
	case kind == "struct", kind == "map":
		return "an object"
	}
	return "a " + kind
}
