package incentive

import (
	"errors"
	"strings"

	"github.com/qunkit/qun"
	"github.com/shopspring/decimal"
)

// Reward is what a game rule pays a member: points of a kind, a badge, or
// both. Streak milestones, check-in plans, quests and badges (the
// sub-packages streak, quest and badge) configure their rewards with it,
// so that a reward reads the same wherever an operator writes one.
//
// Its JSON form is {"kind":"points","points":"50","badge":"reader-7"};
// either part may be left out, but not both.
type Reward struct {
	// Kind is the kind of points paid; required with Points.
	Kind string `json:"kind,omitempty"`
	// Points is what is paid, positive, or zero for a badge alone. It
	// must be exact at the kind's scale; the ledger refuses it otherwise.
	Points decimal.Decimal `json:"points,omitzero"`
	// Badge is the ID of a badge to grant, or empty.
	Badge string `json:"badge,omitempty"`
}

// UnmarshalJSON reads a reward strictly, as [qun.UnmarshalStrict] reads.
func (r *Reward) UnmarshalJSON(data []byte) error {
	type plain Reward
	return qun.UnmarshalStrict(data, (*plain)(r))
}

// IsZero reports whether r pays nothing.
func (r Reward) IsZero() bool { return r.Kind == "" && r.Points.IsZero() && r.Badge == "" }

// Validate reports every problem with r, joined: points are not negative
// and come with a kind, the names are names, and a reward pays something.
func (r Reward) Validate() error {
	var errs []error
	switch {
	case r.Points.Sign() < 0:
		errs = append(errs, qun.Invalid("points", "must not be negative"))
	case r.Points.Sign() > 0 && r.Kind == "":
		errs = append(errs, qun.Invalid("kind", "is required with points"))
	case r.Points.Sign() == 0 && r.Kind != "":
		errs = append(errs, qun.Invalid("points", "must be positive with a kind"))
	case tooBig(r.Points):
		errs = append(errs, qun.Invalid("points", "must have at most 18 significant digits and 9 decimal places"))
	}
	if r.Kind != "" {
		errs = append(errs, qun.Within("kind", qun.ValidateName(r.Kind)))
	}
	if r.Badge != "" {
		errs = append(errs, qun.Within("badge", qun.ValidateName(r.Badge)))
	}
	if r.Points.Sign() == 0 && r.Badge == "" && r.Kind == "" {
		errs = append(errs, qun.Invalid("", "a reward pays points, a badge or both"))
	}
	return errors.Join(errs...)
}

// Payout is a reward decided for one member on one occasion: the day-7
// milestone of a streak, a completed quest, a finished check-in plan. The
// host pays the points with [Payout.EarnRequest] through its [Ledger] and
// grants the badge with package badge. Key names the occasion, so paying
// a payout twice (a replayed decision) earns once: the ledger treats the
// second earn as a duplicate.
type Payout struct {
	// Member is who is paid.
	Member qun.MemberID `json:"member"`
	// Key is the idempotency key of the occasion; see [PayoutKey].
	Key string `json:"key"`
	// Reason says why, for the statement: "streak day 7", "quest
	// weekly-reader".
	Reason string `json:"reason"`
	// Reward is what is paid.
	Reward Reward `json:"reward"`
}

// EarnRequest returns the earn that pays p's points into the member's
// account of the reward's kind in the community, and false if p pays no
// points.
func (p Payout) EarnRequest(community string) (EarnRequest, bool) {
	if p.Reward.Points.Sign() <= 0 {
		return EarnRequest{}, false
	}
	return EarnRequest{
		Account: AccountID{Community: community, Member: p.Member, Kind: p.Reward.Kind},
		Key:     p.Key,
		Points:  p.Reward.Points,
		Reason:  p.Reason,
	}, true
}

// PayoutKey joins the parts that name an occasion into an idempotency key,
// "quest/weekly-reader/2026-11-16/P1W". A key is a name (at most
// [qun.MaxNameLen] bytes); when the parts are longer, the key keeps the
// first part and replaces the rest by the hex SHA-256 of all of them (with
// their lengths, so that no two lists of parts collide), which is still
// one key per occasion.
func PayoutKey(parts ...string) string {
	key := strings.Join(parts, "/")
	if len(key) <= qun.MaxNameLen {
		return key
	}
	head := ""
	if len(parts) > 0 && len(parts[0]) <= 64 {
		head = parts[0] + "/"
	}
	return head + fingerprint(parts...)
}
