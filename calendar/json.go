package calendar

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"

	"github.com/qunkit/qun"
)

// decodeStrict reads JSON into v, refusing unknown fields and trailing
// data, and turns decoding errors into a [*qun.ValidationError] that names
// the field where encoding/json can tell it.
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var typeErr *json.UnmarshalTypeError
		var ve *qun.ValidationError
		var se *qun.SyntaxError
		switch {
		case errors.As(err, &ve), errors.As(err, &se):
			return err
		case errors.As(err, &typeErr):
			return qun.Invalid(typeErr.Field, "must be %s", typeErr.Type)
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			return qun.Invalid(name, "unknown field")
		}
		return qun.Invalid("", "not valid JSON: %v", err)
	}
	if dec.More() {
		return qun.Invalid("", "unexpected data after the JSON value")
	}
	return nil
}

// UnmarshalJSON reads a Plan strictly: unknown fields are refused, and the
// plan must be valid.
func (p *Plan) UnmarshalJSON(data []byte) error {
	type plain Plan
	var v plain
	if err := decodeStrict(data, &v); err != nil {
		return err
	}
	if err := Plan(v).Validate(); err != nil {
		return err
	}
	*p = Plan(v)
	return nil
}

// UnmarshalJSON reads a Policy strictly: unknown fields are refused, and
// the policy must be valid.
func (p *Policy) UnmarshalJSON(data []byte) error {
	type plain Policy
	var v plain
	if err := decodeStrict(data, &v); err != nil {
		return err
	}
	if err := Policy(v).Validate(); err != nil {
		return err
	}
	*p = Policy(v)
	return nil
}

// UnmarshalJSON reads a Timeline strictly: unknown fields are refused, and
// the timeline must be valid.
func (tl *Timeline) UnmarshalJSON(data []byte) error {
	type plain Timeline
	var v plain
	if err := decodeStrict(data, &v); err != nil {
		return err
	}
	if err := Timeline(v).Validate(); err != nil {
		return err
	}
	*tl = Timeline(v)
	return nil
}
