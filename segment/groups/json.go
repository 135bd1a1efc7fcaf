package groups

import "github.com/qunkit/qun"

// Configuration is read from JSON strictly, as across qun (see
// qun.UnmarshalStrict): field names match exactly, unknown or repeated
// fields and values of the wrong type are refused with a
// *qun.ValidationError naming the field, and what is read is validated.

// UnmarshalJSON reads a router strictly and validates it. On error r is
// left unchanged.
func (r *Router) UnmarshalJSON(data []byte) error {
	type plain Router
	var v plain
	if err := qun.UnmarshalStrict(data, &v); err != nil {
		return err
	}
	if err := Router(v).Validate(); err != nil {
		return err
	}
	*r = Router(v)
	return nil
}

// UnmarshalJSON reads an admission strictly and validates it. On error a is
// left unchanged.
func (a *Admission) UnmarshalJSON(data []byte) error {
	type plain Admission
	var v plain
	if err := qun.UnmarshalStrict(data, &v); err != nil {
		return err
	}
	if err := Admission(v).Validate(); err != nil {
		return err
	}
	*a = Admission(v)
	return nil
}
