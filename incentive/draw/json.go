package draw

import "github.com/qunkit/qun"

// Each part of a pool reads strictly on its own too, as
// [qun.UnmarshalStrict] reads, so that a host that stores or edits the
// parts separately gets the same refusals of unknown, misspelt and
// repeated fields. Call Validate on the result.

// UnmarshalJSON reads a prize strictly.
func (pr *Prize) UnmarshalJSON(data []byte) error {
	type plain Prize
	return qun.UnmarshalStrict(data, (*plain)(pr))
}

// UnmarshalJSON reads an amount of points strictly.
func (pt *Points) UnmarshalJSON(data []byte) error {
	type plain Points
	return qun.UnmarshalStrict(data, (*plain)(pt))
}

// UnmarshalJSON reads an entry limit strictly.
func (l *Limit) UnmarshalJSON(data []byte) error {
	type plain Limit
	return qun.UnmarshalStrict(data, (*plain)(l))
}

// UnmarshalJSON reads a guarantee strictly.
func (p *Pity) UnmarshalJSON(data []byte) error {
	type plain Pity
	return qun.UnmarshalStrict(data, (*plain)(p))
}

// UnmarshalJSON reads an entry strictly.
func (e *Entry) UnmarshalJSON(data []byte) error {
	type plain Entry
	return qun.UnmarshalStrict(data, (*plain)(e))
}
