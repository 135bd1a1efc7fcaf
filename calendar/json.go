package calendar

import "github.com/qunkit/qun"

// UnmarshalJSON reads a Plan strictly: unknown fields are refused, and the
// plan must be valid.
func (p *Plan) UnmarshalJSON(data []byte) error {
	type plain Plan
	var v plain
	if err := qun.UnmarshalStrict(data, &v); err != nil {
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
	if err := qun.UnmarshalStrict(data, &v); err != nil {
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
	if err := qun.UnmarshalStrict(data, &v); err != nil {
		return err
	}
	if err := Timeline(v).Validate(); err != nil {
		return err
	}
	*tl = Timeline(v)
	return nil
}
