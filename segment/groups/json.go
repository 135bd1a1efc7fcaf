package groups

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strconv"

	"github.com/qunkit/qun"
)

// Configuration is read from JSON strictly, as across qun: field names
// match exactly, unknown fields and values of the wrong type are refused
// with a *qun.ValidationError naming the field, and what is read is
// validated.

// UnmarshalJSON reads a router strictly and validates it.
func (r *Router) UnmarshalJSON(data []byte) error {
	fields, err := object(data, "a router", "pools", "balance")
	if err != nil {
		return err
	}
	var v Router
	if raw, ok := fields["pools"]; ok && string(bytes.TrimSpace(raw)) != "null" {
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			return qun.Invalid("pools", "must be a list of pools")
		}
		for i, item := range items {
			var p Pool
			pf, err := object(item, "a pool", "segment", "capacity", "prefix", "max_groups")
			if err == nil {
				err = errors.Join(
					field(pf, "segment", &p.Segment, "a segment's name"),
					field(pf, "capacity", &p.Capacity, "a whole number"),
					field(pf, "prefix", &p.Prefix, "a name"),
					field(pf, "max_groups", &p.MaxGroups, "a whole number"),
				)
			}
			if err != nil {
				return qun.Within("pools["+strconv.Itoa(i)+"]", err)
			}
			v.Pools = append(v.Pools, p)
		}
	}
	if err := field(fields, "balance", &v.Balance, "true or false"); err != nil {
		return err
	}
	if err := v.Validate(); err != nil {
		return err
	}
	*r = v
	return nil
}

// UnmarshalJSON reads an admission strictly and validates it.
func (a *Admission) UnmarshalJSON(data []byte) error {
	fields, err := object(data, "an admission", "threshold", "paid", "approved")
	if err != nil {
		return err
	}
	var v Admission
	if err := errors.Join(
		field(fields, "threshold", &v.Threshold, "a segment's name"),
		field(fields, "paid", &v.Paid, "true or false"),
		field(fields, "approved", &v.Approved, "true or false"),
	); err != nil {
		return err
	}
	if err := v.Validate(); err != nil {
		return err
	}
	*a = v
	return nil
}

// object splits a JSON object into its fields, refusing fields not in
// allowed.
func object(data []byte, what string, allowed ...string) (map[string]json.RawMessage, error) {
	if string(bytes.TrimSpace(data)) == "null" {
		return nil, nil
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return nil, qun.Invalid("", "%s must be a JSON object", what)
	}
	names := make([]string, 0, len(fields))
	for name := range fields {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if !slices.Contains(allowed, name) {
			return nil, qun.Invalid(name, "unknown field")
		}
	}
	return fields, nil
}

// field decodes one field into v, naming it in the error.
func field(fields map[string]json.RawMessage, name string, v any, want string) error {
	raw, ok := fields[name]
	if !ok || string(bytes.TrimSpace(raw)) == "null" {
		return nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return qun.Invalid(name, "must be %s", want)
	}
	return nil
}
