package lifecycle

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/qunkit/qun"
)

// MemberState is where a member is in the member lifecycle (用户生命周期),
// by join time and activity recency relative to now. Operators run a
// playbook for each state: coupons and trials for new members, membership
// and points for active ones, recall content for the silent.
//
// The zero MemberState is "not yet classified".
type MemberState uint8

// The member states.
const (
	// New (新用户): joined within the new-member window, active or not.
	New MemberState = iota + 1
	// Active (活跃用户): past the new-member window and active within the
	// silence window.
	Active
	// Silent (沉默用户): past the new-member window and not active for at
	// least the silence window, but less than the churn window; or never
	// active at all since joining, for less than the churn window.
	Silent
	// Churned (流失用户): not active for at least the churn window (or,
	// never active, joined at least that long ago).
	Churned
	// Resurrected (召回): was Silent or Churned and is active again; stays
	// so for the recall window, then is Active.
	Resurrected
)

var memberStateNames = [...]string{New: "new", Active: "active", Silent: "silent", Churned: "churned", Resurrected: "resurrected"}

// ParseMemberState reads a member state's name: "new", "active", "silent",
// "churned" or "resurrected".
func ParseMemberState(s string) (MemberState, error) {
	for st := New; st <= Resurrected; st++ {
		if memberStateNames[st] == s {
			return st, nil
		}
	}
	return 0, fmt.Errorf("lifecycle: parse member state %q: %w", s,
		qun.Invalid("", "want new, active, silent, churned or resurrected"))
}

// IsValid reports whether s is one of the five states.
func (s MemberState) IsValid() bool { return s >= New && s <= Resurrected }

// String returns the state's name.
func (s MemberState) String() string {
	if !s.IsValid() {
		if s == 0 {
			return "unclassified"
		}
		return fmt.Sprintf("MemberState(%d)", uint8(s))
	}
	return memberStateNames[s]
}

// MarshalText writes the state's name; it refuses an invalid state.
func (s MemberState) MarshalText() ([]byte, error) {
	if !s.IsValid() {
		return nil, fmt.Errorf("lifecycle: marshal member state %d: %w", uint8(s), qun.Invalid("", "not a member state"))
	}
	return []byte(memberStateNames[s]), nil
}

// UnmarshalText reads a state's name as [ParseMemberState] does.
func (s *MemberState) UnmarshalText(text []byte) error {
	v, err := ParseMemberState(string(text))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// MemberRules are the windows that classify members, as data. Its JSON
// form is
//
//	{"new_for":"7d","silent_after":"14d","churned_after":"90d","recalled_for":"14d"}
//
// with "local_days":true and a "zone" to count in calendar days. The
// package overview gives the reasoning behind [DefaultMemberRules].
type MemberRules struct {
	// NewFor is how long a member is New after joining.
	NewFor qun.Duration `json:"new_for"`
	// SilentAfter is how long without activity makes a member Silent.
	SilentAfter qun.Duration `json:"silent_after"`
	// ChurnedAfter is how long without activity makes a member Churned;
	// longer than SilentAfter.
	ChurnedAfter qun.Duration `json:"churned_after"`
	// RecalledFor is how long a recalled member stays Resurrected, while
	// active, before counting as Active again.
	RecalledFor qun.Duration `json:"recalled_for"`
	// LocalDays counts every window in calendar days of the member's own
	// time zone instead of elapsed time: with SilentAfter "14d", a member
	// last active on the 1st is Silent from the start of the 15th, local
	// time, whatever the hour. Every window must then be whole days.
	LocalDays bool `json:"local_days,omitempty"`
	// Zone is the time zone of members whose own zone is unknown, for
	// LocalDays. The zero Zone is UTC.
	Zone qun.Zone `json:"zone,omitzero"`
}

// DefaultMemberRules returns qun's default windows: New for 7 days after
// joining, Silent after 14 days without activity, Churned after 90, and
// Resurrected for 14 days after coming back; in elapsed time.
func DefaultMemberRules() MemberRules {
	return MemberRules{
		NewFor:       qun.Days(7),
		SilentAfter:  qun.Days(14),
		ChurnedAfter: qun.Days(90),
		RecalledFor:  qun.Days(14),
	}
}

// Validate reports every problem with r: every window must be positive,
// ChurnedAfter longer than SilentAfter, and, with LocalDays, each a whole
// number of days.
func (r MemberRules) Validate() error {
	var errs []error
	windows := []struct {
		field string
		d     qun.Duration
	}{{"new_for", r.NewFor}, {"silent_after", r.SilentAfter}, {"churned_after", r.ChurnedAfter}, {"recalled_for", r.RecalledFor}}
	for _, w := range windows {
		switch {
		case w.d <= 0:
			errs = append(errs, qun.Invalid(w.field, "must be positive"))
		case r.LocalDays && time.Duration(w.d)%(24*time.Hour) != 0:
			errs = append(errs, qun.Invalid(w.field, "must be whole days when local_days is set, not %v", w.d))
		}
	}
	if r.SilentAfter > 0 && r.ChurnedAfter <= r.SilentAfter {
		errs = append(errs, qun.Invalid("churned_after", "must be longer than silent_after (%v)", r.SilentAfter))
	}
	return errors.Join(errs...)
}

// UnmarshalJSON reads r strictly: unknown fields are refused, and the
// errors match [qun.ErrInvalid]. It does not validate; call Validate or
// [NewClassifier].
func (r *MemberRules) UnmarshalJSON(data []byte) error {
	type plain MemberRules
	var v plain
	if err := qun.UnmarshalStrict(data, &v); err != nil {
		return err
	}
	*r = MemberRules(v)
	return nil
}

// Facts are what classifying one member reads. Zero times mean "none":
// never active, state entered at an unknown time.
type Facts struct {
	// Joined is when the member joined (the latest join, for a member who
	// left and came back).
	Joined time.Time
	// LastActive is the member's latest activity; zero if never active.
	LastActive time.Time
	// State is the member's state as last classified; zero if never.
	State MemberState
	// Since is when the member entered State: the At of the change that
	// put them there. Only Resurrected reads it.
	Since time.Time
	// Location is the member's own time zone, for rules that count local
	// days; nil means the rules' Zone.
	Location *time.Location
}

// MemberChange is one member's move between states: a decision for the
// host to store (the new state, and the classification's now as its
// Since) and act on ("became silent: send recall content").
type MemberChange struct {
	// Member is the member's index in the population classified.
	Member int
	// From is the state the member was in; zero if never classified.
	From MemberState
	// To is the state the member is in now.
	To MemberState
}

// String reads "member 7: active → silent".
func (c MemberChange) String() string {
	return "member " + strconv.Itoa(c.Member) + ": " + c.From.String() + " → " + c.To.String()
}
