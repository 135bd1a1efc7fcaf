package lifecycle

import (
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/qunkit/qun"
)

// Milestone is a step of the AARRR journey (海盗模型): acquisition (获取),
// activation (激活), retention (留存), revenue (转化) and referral (裂变).
// The zero Milestone is "none reached".
type Milestone uint8

// The milestones, in the order a member reaches them.
const (
	// Acquisition: the member joined.
	Acquisition Milestone = iota + 1
	// Activation: the member was active on enough days to have tried the
	// community's core action.
	Activation
	// Retention: the member came back after the first days: still
	// active some time after joining, on more than one day.
	Retention
	// Revenue: the member bought something.
	Revenue
	// Referral: the member brought others in.
	Referral
)

var milestoneNames = [...]string{Acquisition: "acquisition", Activation: "activation", Retention: "retention", Revenue: "revenue", Referral: "referral"}

// IsValid reports whether m is one of the five milestones.
func (m Milestone) IsValid() bool { return m >= Acquisition && m <= Referral }

// String returns the milestone's name, or "none" for the zero Milestone.
func (m Milestone) String() string {
	if m == 0 {
		return "none"
	}
	if !m.IsValid() {
		return fmt.Sprintf("Milestone(%d)", uint8(m))
	}
	return milestoneNames[m]
}

// MarshalText writes the milestone's name ("none" for zero).
func (m Milestone) MarshalText() ([]byte, error) {
	if m != 0 && !m.IsValid() {
		return nil, fmt.Errorf("lifecycle: marshal milestone %d: %w", uint8(m), qun.Invalid("", "not a milestone"))
	}
	return []byte(m.String()), nil
}

// UnmarshalText reads a milestone's name, or "none".
func (m *Milestone) UnmarshalText(text []byte) error {
	for v := Milestone(0); v <= Referral; v++ {
		if v.String() == string(text) {
			*m = v
			return nil
		}
	}
	return fmt.Errorf("lifecycle: parse milestone %q: %w", text,
		qun.Invalid("", "want none, acquisition, activation, retention, revenue or referral"))
}

// JourneyFacts are what the journey reads about one member.
type JourneyFacts struct {
	// Joined is when the member joined; zero if not (yet) a member.
	Joined time.Time
	// LastActive is the member's latest activity; zero if never.
	LastActive time.Time
	// ActiveDays counts the distinct days the member was active on.
	ActiveDays int64
	// Purchases counts the member's purchases.
	Purchases int64
	// Referrals counts the members this member brought in who joined.
	Referrals int64
}

// Journey holds the bars of the AARRR milestones, as data. Its JSON form is
//
//	{"activation_days":1,"retained_after":"7d","retention_days":2,"revenue_purchases":1,"referral_members":1}
type Journey struct {
	// ActivationDays is how many active days make a member activated.
	ActivationDays int64 `json:"activation_days"`
	// RetainedAfter is how long after joining a member must still be
	// active to count as retained.
	RetainedAfter qun.Duration `json:"retained_after"`
	// RetentionDays is how many active days, at least, a retained member
	// has: more than one, or one visit would count as coming back.
	RetentionDays int64 `json:"retention_days"`
	// RevenuePurchases is how many purchases reach revenue.
	RevenuePurchases int64 `json:"revenue_purchases"`
	// ReferralMembers is how many members brought in reach referral.
	ReferralMembers int64 `json:"referral_members"`
}

// DefaultJourney returns qun's default bars: activated on the first active
// day; retained when active 7 days or more after joining, on at least 2
// days; revenue at the first purchase; referral at the first member
// brought in.
func DefaultJourney() Journey {
	return Journey{ActivationDays: 1, RetainedAfter: qun.Days(7), RetentionDays: 2, RevenuePurchases: 1, ReferralMembers: 1}
}

// Validate reports every problem with j: every count at least 1, the
// retention window positive, and RetentionDays at least ActivationDays
// (a retained member is an activated one).
func (j Journey) Validate() error {
	var errs []error
	for _, f := range []struct {
		name string
		v    int64
	}{{"activation_days", j.ActivationDays}, {"retention_days", j.RetentionDays},
		{"revenue_purchases", j.RevenuePurchases}, {"referral_members", j.ReferralMembers}} {
		if f.v < 1 {
			errs = append(errs, qun.Invalid(f.name, "must be at least 1"))
		}
	}
	if j.RetainedAfter <= 0 {
		errs = append(errs, qun.Invalid("retained_after", "must be positive"))
	}
	if j.ActivationDays >= 1 && j.RetentionDays < j.ActivationDays {
		errs = append(errs, qun.Invalid("retention_days", "must be at least activation_days (%d)", j.ActivationDays))
	}
	return errors.Join(errs...)
}

// UnmarshalJSON reads j strictly: unknown fields are refused, and the
// errors match [qun.ErrInvalid]. It does not validate.
func (j *Journey) UnmarshalJSON(data []byte) error {
	type plain Journey
	var v plain
	if err := qun.UnmarshalStrict(data, &v); err != nil {
		return err
	}
	*j = Journey(v)
	return nil
}

// Milestones is a set of milestones, one bit each.
type Milestones uint8

// Has reports whether m is in the set.
func (s Milestones) Has(m Milestone) bool { return m.IsValid() && s&(1<<m) != 0 }

// Met returns the milestones whose bar f meets, each on its own: a member
// who referred a friend but never bought has Referral without Revenue.
func (j Journey) Met(f JourneyFacts) Milestones {
	var s Milestones
	if f.Joined.IsZero() {
		return 0
	}
	s |= 1 << Acquisition
	if f.ActiveDays >= j.ActivationDays {
		s |= 1 << Activation
	}
	if f.ActiveDays >= j.RetentionDays && !f.LastActive.IsZero() &&
		f.LastActive.Sub(f.Joined) >= time.Duration(j.RetainedAfter) {
		s |= 1 << Retention
	}
	if f.Purchases >= j.RevenuePurchases {
		s |= 1 << Revenue
	}
	if f.Referrals >= j.ReferralMembers {
		s |= 1 << Referral
	}
	return s
}

// Reached returns how far along the journey f is: the last milestone of the
// longest run, from Acquisition, of milestones all met. A member who bought
// but never came back has reached Activation, not Revenue: the journey is a
// funnel, and a member is counted at a step only after every step before
// it. Reached is monotone: more activity, purchases or referrals never
// lower it.
func (j Journey) Reached(f JourneyFacts) Milestone {
	met := j.Met(f)
	var m Milestone
	for m < Referral && met.Has(m+1) {
		m++
	}
	return m
}

// JourneyFunnel counts the members at or past each milestone: index m is
// the number who reached m or beyond, and index 0 all members counted.
// Counts never increase from one milestone to the next.
type JourneyFunnel [Referral + 1]int64

// Funnel counts the members of facts by [Journey.Reached]. A nil facts
// holds no members.
func (j Journey) Funnel(facts iter.Seq[JourneyFacts]) JourneyFunnel {
	var at [Referral + 1]int64
	if facts != nil {
		for f := range facts {
			at[j.Reached(f)]++
		}
	}
	var out JourneyFunnel
	var sum int64
	for m := Referral; ; m-- {
		sum += at[m]
		out[m] = sum
		if m == 0 {
			break
		}
	}
	return out
}
