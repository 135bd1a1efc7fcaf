package catalog

import "github.com/qunkit/qun"

// Each part of a catalog reads strictly on its own too, as
// [qun.UnmarshalStrict] reads, so that a host that stores or edits items
// separately (an item in an admin form) gets the same refusals of unknown,
// misspelt and repeated fields. Call Validate on the catalog that holds
// them.

// UnmarshalJSON reads an item strictly.
func (it *Item) UnmarshalJSON(data []byte) error {
	type plain Item
	return qun.UnmarshalStrict(data, (*plain)(it))
}

// UnmarshalJSON reads a limit strictly.
func (l *Limit) UnmarshalJSON(data []byte) error {
	type plain Limit
	return qun.UnmarshalStrict(data, (*plain)(l))
}

// UnmarshalJSON reads a request strictly.
func (r *Request) UnmarshalJSON(data []byte) error {
	type plain Request
	return qun.UnmarshalStrict(data, (*plain)(r))
}
