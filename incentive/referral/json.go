package referral

import "github.com/qunkit/qun"

// Each part of a program reads strictly on its own too, as
// [qun.UnmarshalStrict] reads, so that a host that stores or edits the
// parts separately (a reward in an admin form) gets the same refusals of
// unknown, misspelt and repeated fields. Call Validate on the result.

// UnmarshalJSON reads an attribution rule strictly.
func (a *Credit) UnmarshalJSON(data []byte) error {
	type plain Credit
	return qun.UnmarshalStrict(data, (*plain)(a))
}

// UnmarshalJSON reads a milestone strictly.
func (m *Milestone) UnmarshalJSON(data []byte) error {
	type plain Milestone
	return qun.UnmarshalStrict(data, (*plain)(m))
}

// UnmarshalJSON reads a reward strictly.
func (r *Reward) UnmarshalJSON(data []byte) error {
	type plain Reward
	return qun.UnmarshalStrict(data, (*plain)(r))
}

// UnmarshalJSON reads a cap strictly.
func (c *Cap) UnmarshalJSON(data []byte) error {
	type plain Cap
	return qun.UnmarshalStrict(data, (*plain)(c))
}

// UnmarshalJSON reads a touch strictly.
func (t *Touch) UnmarshalJSON(data []byte) error {
	type plain Touch
	return qun.UnmarshalStrict(data, (*plain)(t))
}
