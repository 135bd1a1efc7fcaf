package ladder

import (
	"time"

	"github.com/qunkit/qun"
	"github.com/shopspring/decimal"
)

// State is a member's place on a ladder, as the host stores it: the level,
// since when, until when it is valid, and any lock an operator put on it.
// The zero State is a member at the first level, not yet evaluated.
//
// Its JSON form is {"level":"gold","since":"2026-03-01T09:00:00+08:00",
// "valid_until":"2027-03-01T09:00:00+08:00"}.
type State struct {
	// Level is the member's level; empty is the first level.
	Level string `json:"level,omitempty"`
	// Since is when the member reached the level (or, for the first
	// level, was first evaluated).
	Since time.Time `json:"since,omitzero"`
	// ValidUntil is when the level's validity ends, for levels with a
	// Validity; zero otherwise.
	ValidUntil time.Time `json:"valid_until,omitzero"`
	// Lock, if set, is an operator's lock on the member's level.
	Lock *Lock `json:"lock,omitempty"`
}

// UnmarshalJSON reads a state strictly, as [qun.UnmarshalStrict] reads.
func (s *State) UnmarshalJSON(data []byte) error {
	type plain State
	return qun.UnmarshalStrict(data, (*plain)(s))
}

// Lock is an operator's hand on a member's level (手动锁定): pinned at a
// level, as Discourse's manual trust level lock pins it, or held at a
// floor the member may rise above but not fall below, as Discourse's
// group-granted trust levels are.
type Lock struct {
	// Level is the level locked at.
	Level string `json:"level"`
	// Floor lets the member rise above Level, never fall below it.
	Floor bool `json:"floor,omitempty"`
	// Until, if set, is when the lock ends.
	Until time.Time `json:"until,omitzero"`
	// Reason says why, for the record.
	Reason string `json:"reason,omitempty"`
}

// UnmarshalJSON reads a lock strictly, as [qun.UnmarshalStrict] reads.
func (l *Lock) UnmarshalJSON(data []byte) error {
	type plain Lock
	return qun.UnmarshalStrict(data, (*plain)(l))
}

// Metrics are a member's metrics, by name, each counted over the window
// its [Metric] declares. Every metric a requirement reads must be given.
type Metrics map[string]decimal.Decimal
